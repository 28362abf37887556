"""Who may reach the room, and how often: the room token in the URL, the room code on the
projector, a device secret per phone, rate limits, and the refusal of cross-site requests.

Every secret is compared with hmac.compare_digest, so how long a refusal takes says nothing
about how much of a guess was right. Pure: the server (server.py) turns these answers into
HTTP statuses.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

TOKEN_BYTES = 24  # 192 bits in the URL: beyond guessing, even at the rate limit's mercy
CODE_DIGITS = 6
DEVICE_BYTES = 32
BODY_LIMIT = 16 * 1024  # a batch of 34 scores with long evidence notes fits with room to spare

# Per device: a person tapping every score of a round as fast as they can (34 in a few seconds),
# with the page polling every 2 s, stays well inside; a script sending 1,000 a second does not.
DEVICE_BURST = 80
DEVICE_RATE = 20.0  # requests a second, refilled continuously
# Per client address, for joins only: a whole room behind one NAT'd access point (or the load
# test's 60 phones on loopback) joins at once; a script minting devices in a loop does not.
JOIN_BURST = 120
JOIN_RATE = 2.0
# Per client address, wrong room codes: a person mistyping the code a few times stays inside; a
# script with the join link (a photo of the QR code) guessing 3,000 codes a second gets 20, then
# one every 2 s: half the million codes would take 11 days from one address.
GUESS_BURST = 20
GUESS_RATE = 0.5
# People who may join one opening of the room. A workshop's room is tens of people (the load test
# runs 60 phones); a script joining from many addresses made 1,101 participants in 9.5 s, each one
# a name in the workshop for good.
ROOM_SEATS = 200


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def same(given: str | None, expected: str) -> bool:
    """Constant-time equality of a secret someone sent against ours; absent is never equal."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


@dataclass
class TokenBucket:
    """`burst` requests at once, then `rate` a second."""

    burst: float
    rate: float
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst
        self.stamp = self.clock()

    def take(self) -> bool:
        if self.spent():
            return False
        self.tokens -= 1
        return True

    def spent(self) -> bool:
        """Whether nothing is left to take now (and nothing is taken)."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return self.tokens < 1


class Devices:
    """The phones that joined: each gets `<number>.<secret>`; the number finds the entry, the
    secret is compared in constant time. The device decides the participant: nothing a phone
    sends can name another."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._secrets: list[str] = []
        self._participants: list[int] = []
        self._buckets: list[TokenBucket] = []
        self._clock = clock

    def issue(self, participant_id: int) -> str:
        secret = secrets.token_urlsafe(DEVICE_BYTES)
        self._secrets.append(secret)
        self._participants.append(participant_id)
        self._buckets.append(TokenBucket(DEVICE_BURST, DEVICE_RATE, self._clock))
        return f"{len(self._secrets) - 1}.{secret}"

    def holder(self, authorization: str | None) -> int | None:
        """The device's number for an `Authorization: Bearer <device>` header, or None."""
        if not authorization or not authorization.startswith("Bearer "):
            return None
        number, _, secret = authorization[len("Bearer "):].strip().partition(".")
        # isascii: isdigit() takes "²" and "①", which int() refuses.
        if not (number.isascii() and number.isdigit()) or len(number) > 6 or int(number) >= len(self._secrets):
            return None
        device = int(number)
        return device if same(secret, self._secrets[device]) else None

    def participant(self, device: int) -> int:
        return self._participants[device]

    def allow(self, device: int) -> bool:
        return self._buckets[device].take()


class AddressLimits:
    """A token bucket per client address: for joins, and for wrong room codes."""

    def __init__(self, burst: float, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._buckets: dict[str, TokenBucket] = {}
        self.burst, self.rate = burst, rate
        self._clock = clock

    def allow(self, address: str) -> bool:
        bucket = self._buckets.get(address)
        if bucket is None:
            if len(self._buckets) > 10_000:  # addresses are cheap to forge on a LAN: bound the memory
                self._buckets.clear()
            bucket = self._buckets[address] = TokenBucket(self.burst, self.rate, self._clock)
        return bucket.take()

    def spent(self, address: str) -> bool:
        """Whether the address has used up what it may (nothing is taken by asking)."""
        bucket = self._buckets.get(address)
        return bucket is not None and bucket.spent()


def cross_site(headers: Mapping[str, str], own_origins: Collection[str]) -> bool:
    """Whether a request came from another site's page: a browser names the page's origin in
    `Origin` (always on a POST or PUT from script or form) and says `Sec-Fetch-Site`. A phone's
    own page is same-origin; a script with no browser sends neither, and has the token and the
    code anyway, which is what the room's security rests on."""
    origin = headers.get("Origin")
    if origin is not None and origin not in own_origins:
        return True
    return headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none")


def is_json(content_type: str | None) -> bool:
    """Only `application/json` bodies: a cross-site HTML form can send text/plain,
    urlencoded or multipart, never this, without a CORS preflight the room never answers."""
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() == "application/json"
