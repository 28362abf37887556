"""The room's HTTP server: phones join, score blind and see the round's state, on the laptop's
own network, in a thread of its own with its own asyncio loop.

The server runs in the room's own process (serve.py: the app's keys never share an interpreter
with it; process.py is the app's end), and there in a thread with its own asyncio loop, beside
the process's main loop where its session lives: sixty ballots are parsed and checked here while
the session's loop hands the previous batch to the writer.

The session is called only on its own loop: each intent (a join, a batch of votes, a round
opened) is handed there (`_on_session_loop`) and its outcome comes back as a thread-safe
Future. The facilitator's side (start, stop, the rounds) is called on the session's loop and
does its work in the room's; the news of a join or a vote is delivered on the session's loop
too.

What a request needs (the round, its dimensions, the scale, each phone's own scores) is held in
memory from the moment the round opens, so a vote costs a dictionary lookup and a place in the
ballot box (ballot_box.py); the file is touched only by the session's writer thread.
Only the round's dimensions, the scale and the phone's own scores are ever served: never
answers, the register, KPIs, other people's values, or, in an anonymous workshop, their names.
The contract is in docs/room.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from concurrent.futures import Future
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from csi_tui.domain.rounds import Progress, Round, RoundState, Vote, VoteRefused, check_name, check_vote
from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.room.address import FREE_PORT, lan_address
from csi_tui.room.ballot_box import BallotBox
from csi_tui.room.guard import (BODY_LIMIT, GUESS_BURST, GUESS_RATE, JOIN_BURST, JOIN_RATE, ROOM_SEATS, AddressLimits,
                                 Devices, cross_site, is_json, new_code, new_token, same)
from csi_tui.room.log_redaction import AIOHTTP_LOGGERS, TokenRedaction
from csi_tui.room.news import News, call_listener
from csi_tui.room.pace import Pace

if TYPE_CHECKING:
    from csi_tui.session.workshop_session import WorkshopSession

log = logging.getLogger(__name__)

T = TypeVar("T")

SHUTDOWN_SECONDS = 1.0  # a request still running when the room closes gets this long
# The page is plain files; nothing else under the token is served, whatever the path says.
_STATIC = {"room.js": "text/javascript", "room.css": "text/css"}
_SECURITY_HEADERS = {
    # No inline script, nothing from anywhere else: a name that slipped through could not run.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    # The URL holds the room token: a link followed from the page must not carry it away.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
_TOO_BIG = f"a request is at most {BODY_LIMIT // 1024} KiB"


class Refused(Exception):
    """A request refused: the HTTP status and one line for the phone."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class RoomServer:
    def __init__(self, session: WorkshopSession, workshop_id: int, kind: ScoreKind, host: str | None = None,
                 port: int | None = None, on_news: Callable[[], None] | None = None, *,
                 token: str | None = None, code: str | None = None) -> None:
        self.session = session
        self.workshop_id = workshop_id
        self.kind = kind
        self.host = host or lan_address()
        # Listening on every address: the phones are given the LAN one.
        shown = lan_address() if self.host in ("0.0.0.0", "::") else self.host
        self._url_host = f"[{shown}]" if ":" in shown else shown
        self._port = FREE_PORT if port is None else port
        self.token = token or new_token()
        self.code = code or new_code()
        self._on_news = on_news
        self._news = News(self._tell_screen if on_news is not None else None)  # runs on the room's loop
        self._session_loop: asyncio.AbstractEventLoop | None = None  # where the session and the screen live
        self._loop: asyncio.AbstractEventLoop | None = None  # the room's own, in its thread
        self._thread: threading.Thread | None = None
        self._devices = Devices()
        self._joins = AddressLimits(JOIN_BURST, JOIN_RATE)
        self._guesses = AddressLimits(GUESS_BURST, GUESS_RATE)  # wrong room codes
        self._people: dict[int, tuple[str, Perspective]] = {}  # joined through this room, in order
        self._joining = 0  # joins on their way to the file: they hold a seat too
        self._round: Round | None = None
        self._scores: dict[int, dict[str, tuple[int, str]]] = {}  # the current round's, per participant
        self._box = BallotBox(lambda round_id, votes: self._on_session_loop(
            lambda: session.cast_votes(workshop_id, round_id, votes)))
        self._runner: web.AppRunner | None = None
        self._pace = Pace()
        self._redact = TokenRedaction(self.token)
        self._bound_port: int | None = None
        self._origins: frozenset[str] = frozenset()
        self._files: dict[str, bytes] = {}
        # Filled by start() from one snapshot: what every request shows, ready in memory.
        self._anonymous = False
        self._scale: dict[str, Any] = {}
        self._lowest, self._highest = 0, 0
        self._dimensions: dict[str, dict[str, str]] = {}
        self._round_view: dict[str, Any] | None = None

    # --- the facilitator's side -----------------------------------------------------------------

    async def start(self) -> None:
        """Read what the room serves, then listen, in the room's thread. OSError (port taken,
        address not ours) with a one-line message. Called on the session's loop."""
        self._session_loop = asyncio.get_running_loop()
        snapshot = await asyncio.to_thread(self.session.snapshot, self.workshop_id)
        rounds = await asyncio.to_thread(self.session.rounds, self.workshop_id)
        self._anonymous = snapshot.workshop.anonymous
        levels = snapshot.scale.levels
        self._scale = {"name": snapshot.scale.name, "levels": [
            {"value": level.value, "name": level.name, "description": level.description} for level in levels]}
        self._lowest, self._highest = levels[0].value, levels[-1].value
        self._dimensions = {d.key: {"key": d.key, "name": d.name, "group": d.group} for d in snapshot.dimensions}
        mine = [round_ for round_ in rounds if round_.kind == self.kind]
        if mine:
            latest = max(mine, key=lambda round_: (round_.number, round_.id))
            votes = await asyncio.to_thread(self.session.round_votes, latest.id) if latest.is_open else []
            self._use_round(latest, votes)
        self._files = await asyncio.to_thread(_page_files)
        listening: Future[None] = Future()
        thread = threading.Thread(target=self._serve, args=(listening,), name="csi-tui room", daemon=True)
        thread.start()
        try:
            await asyncio.wrap_future(listening)
        except BaseException:
            await asyncio.to_thread(thread.join)
            raise
        self._thread = thread
        for name in AIOHTTP_LOGGERS:
            logging.getLogger(name).addFilter(self._redact)

    def _serve(self, listening: Future[None]) -> None:
        """The room's thread: its own loop, listening until stop() ends it."""
        loop = asyncio.new_event_loop()
        try:
            try:
                loop.run_until_complete(self._listen())
            except BaseException as error:
                listening.set_exception(error)
                return
            self._loop = loop
            listening.set_result(None)
            loop.run_forever()
        finally:
            loop.close()

    async def _listen(self) -> None:
        app = web.Application(client_max_size=BODY_LIMIT, middlewares=[self._guard])
        app.on_response_prepare.append(_secure)
        app.router.add_get("/r/{token}/", self._page)
        app.router.add_get("/r/{token}/static/{name}", self._static)
        app.router.add_post("/r/{token}/api/join", self._join)
        app.router.add_get("/r/{token}/api/round", self._round_answer)
        app.router.add_put("/r/{token}/api/scores/{key}", self._score_one)
        app.router.add_post("/r/{token}/api/scores", self._score_many)
        # No access log: every line would hold the room token.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port)
        try:
            await site.start()
        except OSError as error:
            await runner.cleanup()
            raise OSError(f"the room cannot listen on {self.host}:{self._port}: {error.strerror or error}") from None
        self._runner = runner
        self._bound_port = runner.addresses[0][1]
        self._origins = self._own_origins()

    async def stop(self) -> None:
        """Let the votes already sent land, close the listening socket and every connection, and
        end the room's thread. Twice is harmless; afterwards a connection to the port is refused."""
        thread, loop, self._thread = self._thread, self._loop, None
        if thread is None or loop is None:
            return
        try:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._close(), loop))
        finally:
            if not loop.is_closed():
                loop.call_soon_threadsafe(loop.stop)
            await asyncio.to_thread(thread.join)
            for name in AIOHTTP_LOGGERS:
                logging.getLogger(name).removeFilter(self._redact)

    async def _close(self) -> None:
        runner, self._runner = self._runner, None
        self._news.cancel()
        if runner is not None:
            await self._box.close()
            await runner.cleanup()

    # --- between the two loops ------------------------------------------------------------------

    def _on_session_loop(self, intent: Callable[[], Future[T]]) -> Future[T]:
        """Call a session intent on the session's loop, where it lives; its outcome, which a
        request in the room's loop can await (asyncio.wrap_future)."""
        outcome: Future[T] = Future()

        def call() -> None:
            try:
                intent().add_done_callback(lambda landed: _pass_on(landed, outcome))
            except BaseException as error:  # refused before it was queued
                outcome.set_exception(error)

        assert self._session_loop is not None
        try:
            self._session_loop.call_soon_threadsafe(call)
        except RuntimeError:  # the app's loop has closed: the app is quitting
            outcome.set_exception(ConnectionError("the app has closed"))
        return outcome

    async def _in_room(self, work: Coroutine[Any, Any, T]) -> T:
        """Run the facilitator's move in the room's loop, from the session's."""
        loop = self._loop
        if loop is None or self._thread is None:
            work.close()
            raise VoteRefused("the room is closed")
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, loop))

    def _tell_screen(self) -> None:
        loop = self._session_loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._told)

    def _told(self) -> None:
        assert self._on_news is not None
        call_listener(self._on_news)

    @property
    def port(self) -> int:
        return self._bound_port if self._bound_port is not None else self._port

    @property
    def url(self) -> str:
        return f"http://{self._url_host}:{self.port}/r/{self.token}/"

    def joined(self) -> list[tuple[int, str, Perspective]]:
        """Who joined through this room: participant id, name or alias, side. Never values."""
        # list() copies in one step: the room's thread may add a person meanwhile.
        return [(participant, name, side) for participant, (name, side) in list(self._people.items())]

    @property
    def round(self) -> Round | None:
        return self._round

    def progress(self) -> Progress:
        if self._round is None:
            return Progress(len(self._people), 0)
        # domain.rounds.progress's rule, on the votes as held here (no Vote per vote: the screen
        # asks at every piece of news, four times a second while sixty phones vote).
        wanted = set(self._round.dimension_keys)
        # Copies in one step each: the room's thread adds people and votes meanwhile.
        people, scores = list(self._people), self._scores
        return Progress(len(people), sum(1 for person in people if wanted <= scores.get(person, {}).keys()))

    async def open_round(self, dimension_keys: Sequence[str] | None = None) -> Round:
        return await self._in_room(self._open_round(dimension_keys))

    async def close_round(self) -> Round:
        return await self._in_room(self._settle(self.session.close_round))

    async def reveal(self) -> Round:
        return await self._in_room(self._settle(self.session.reveal_round))

    async def _open_round(self, dimension_keys: Sequence[str] | None) -> Round:
        await self._box.close()  # votes sent to the round before stay with it
        opened = await asyncio.wrap_future(self._on_session_loop(
            lambda: self.session.open_round(self.workshop_id, self.kind, dimension_keys)))
        self._use_round(opened, [])
        self._news.tell()
        return opened

    async def _settle(self, intent: Callable[[int, int], Future[Round]]) -> Round:
        if self._round is None:
            raise VoteRefused("no round is open")
        await self._box.close()  # a tap sent before the facilitator acted still counts
        round_id = self._round.id
        settled = await asyncio.wrap_future(self._on_session_loop(lambda: intent(self.workshop_id, round_id)))
        self._use_round(settled, None)
        self._news.tell()
        return settled

    def _use_round(self, round_: Round, votes: list[Vote] | None) -> None:
        """Make `round_` the room's; `votes`: its stored votes (None: keep the ones held)."""
        if votes is not None:
            self._scores = {}
            for vote in votes:
                self._scores.setdefault(vote.participant_id, {})[vote.dimension_key] = (vote.value, vote.evidence)
        self._round = round_
        self._round_view = {
            "number": round_.number, "kind": str(round_.kind), "state": str(round_.state),
            "dimensions": [self._dimensions[key] for key in round_.dimension_keys if key in self._dimensions]}

    # --- the guards -----------------------------------------------------------------------------

    @web.middleware
    async def _guard(self, request: web.Request,
                     handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        try:
            self._admit(request)
            await self._pace.turn()
            return await handler(request)
        except Refused as refused:
            response = web.json_response({"error": str(refused)}, status=refused.status)
        except ConnectionError:
            raise  # the phone hung up: nothing to answer
        except web.HTTPException as refused:  # the router's 404 and 405, the body limit's 413
            response = web.json_response({"error": _TOO_BIG if refused.status == 413 else refused.reason.lower()},
                                         status=refused.status)
        except Exception:  # a bug of ours: one line for the phone, the traceback (no path, no token) in the log
            log.exception("the room could not answer a %s request", request.method)
            response = web.json_response({"error": "the room could not answer: tell the facilitator"}, status=500)
        if response.status == 413:
            response.force_close()  # never read the rest of an oversized body
        return response

    def _admit(self, request: web.Request) -> None:
        """The checks every request passes before its handler: token, then (for the API) code,
        site, route, body type and size."""
        parts = request.path.split("/")
        if len(parts) < 4 or parts[1] != "r" or not same(parts[2], self.token):
            raise Refused(404, "not found")
        if parts[3] != "api":
            return
        address = request.remote or "?"
        if self._guesses.spent(address):  # before the code is looked at: a right guess must not show
            raise Refused(429, "too many wrong room codes from this address: wait a minute")
        if not same(request.headers.get("X-Room-Code"), self.code):
            self._guesses.allow(address)  # one wrong code spent
            raise Refused(403, "wrong room code")
        if cross_site(request.headers, self._origins):
            raise Refused(403, "requests from other sites are refused")
        if request.match_info.http_exception is not None:
            raise request.match_info.http_exception
        if request.method in ("POST", "PUT"):
            if not is_json(request.headers.get("Content-Type")):
                raise Refused(415, "send application/json")
            if request.content_length is not None and request.content_length > BODY_LIMIT:
                raise Refused(413, _TOO_BIG)

    def _own_origins(self) -> frozenset[str]:
        """The origins the room's own page can have: the join URL's, and loopback's for the
        facilitator trying the page on the laptop itself."""
        return frozenset({self.url.split("/r/", 1)[0], f"http://127.0.0.1:{self.port}",
                          f"http://localhost:{self.port}", f"http://[::1]:{self.port}"})

    def _device(self, request: web.Request) -> int:
        """The participant the phone's device secret names, within its rate limit."""
        given = request.headers.get("Authorization")
        device = self._devices.holder(given)
        if device is None and given is not None and not given.startswith("Bearer "):
            # A script that joined and sent the device bare: "join the room first" misled it.
            raise Refused(401, "send the device as Authorization: Bearer <device>")
        if device is None:
            raise Refused(401, "join the room first")
        if not self._devices.allow(device):
            raise Refused(429, "too many requests: slow down")
        return self._devices.participant(device)

    async def _body(self, request: web.Request, fields: set[str]) -> dict[str, Any]:
        raw = await request.read()  # at most BODY_LIMIT: aiohttp refuses the rest with 413
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON, not UTF-8, a 5,000-digit number, [[[[...]]]]
            raise Refused(400, "the body is not JSON") from None
        if not isinstance(body, dict):
            raise Refused(422, "the body is a JSON object")
        unknown = set(body) - fields
        if unknown:  # e.g. a forged participant: the device alone says who is scoring
            raise Refused(422, f"unknown field {sorted(unknown)[0][:40]!r}")
        return body

    # --- the phone's side -----------------------------------------------------------------------

    async def _page(self, request: web.Request) -> web.Response:
        return web.Response(body=self._files["index.html"], content_type="text/html", charset="utf-8")

    async def _static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in _STATIC:
            raise Refused(404, "not found")
        return web.Response(body=self._files[name], content_type=_STATIC[name], charset="utf-8")

    async def _join(self, request: web.Request) -> web.Response:
        if not self._joins.allow(request.remote or "?"):
            raise Refused(429, "too many joins from this address: wait a moment")
        body = await self._body(request, {"code", "name", "perspective"})
        if not same(body.get("code") if isinstance(body.get("code"), str) else None, self.code):
            raise Refused(403, "wrong room code")
        try:
            name = check_name(body.get("name"))
            side = Perspective(body.get("perspective"))
        except ValueError as error:
            reason = str(error) if isinstance(error, VoteRefused) else "choose business or IT"
            raise Refused(422, reason) from None
        if len(self._people) + self._joining >= ROOM_SEATS:
            raise Refused(409, "the room is full: ask the facilitator")
        self._joining += 1
        try:
            participant = await asyncio.wrap_future(self._on_session_loop(
                lambda: self.session.join_room(self.workshop_id, name, side)))
        except VoteRefused as refused:
            raise Refused(422, str(refused)) from None
        finally:
            self._joining -= 1
        assert participant.id is not None
        device = self._devices.issue(participant.id)
        self._people[participant.id] = (participant.name, side)
        self._news.tell()
        return web.json_response({"device": device, "name": participant.name, "perspective": str(side)}, status=201)

    async def _round_answer(self, request: web.Request) -> web.Response:
        participant = self._device(request)
        name, side = self._people[participant]
        mine = self._scores.get(participant, {}) if self._round is not None else {}
        return web.json_response({
            "anonymous": self._anonymous, "scale": self._scale, "round": self._round_view,
            "me": {"name": name, "perspective": str(side),
                   "scores": {key: {"value": value, "evidence": evidence} for key, (value, evidence) in mine.items()}},
        })

    async def _score_one(self, request: web.Request) -> web.Response:
        participant = self._device(request)
        body = await self._body(request, {"value", "evidence"})
        vote = self._vote(participant, request.match_info["key"], body)
        await self._cast([vote])
        return web.json_response({"key": vote.dimension_key, "value": vote.value, "evidence": vote.evidence})

    async def _score_many(self, request: web.Request) -> web.Response:
        participant = self._device(request)
        body = await self._body(request, {"scores"})
        items = body.get("scores")
        if not isinstance(items, list) or not items:
            raise Refused(422, "scores is a list of {key, value, evidence}")
        votes = []
        for item in items:
            if not isinstance(item, dict) or set(item) - {"key", "value", "evidence"}:
                raise Refused(422, "each score is {key, value, evidence}")
            votes.append(self._vote(participant, item.get("key"), item))
        await self._cast(votes)
        return web.json_response({"saved": len(votes)})

    def _vote(self, participant: int, key: object, body: dict[str, Any]) -> Vote:
        """A vote checked here, in memory, by the domain's rules, before it goes near the file."""
        round_ = self._round
        if round_ is None or round_.state is not RoundState.OPEN:
            raise Refused(409, "the round is closed" if round_ is not None else "no round is open")
        if not isinstance(key, str):
            raise Refused(422, "a score names its dimension's key")
        evidence = body.get("evidence", "")
        vote = Vote(participant, key, body.get("value"), evidence)  # type: ignore[arg-type]
        try:
            check_vote(vote, round_, self._lowest, self._highest)
        except VoteRefused as refused:
            raise Refused(422, str(refused)) from None
        return vote

    async def _cast(self, votes: list[Vote]) -> None:
        assert self._round is not None
        round_ = self._round
        if self._runner is None:  # closing: the ballot box has been emptied for the last time
            raise Refused(503, "the room has closed")
        try:
            refused = await self._box.cast(round_.id, votes)
        except VoteRefused as error:
            raise Refused(409 if not self._still_open(round_) else 422, str(error)) from None
        except Exception as error:  # the file could not take it: the phone says so, nothing claimed
            log.error("room votes not saved: %s", error)
            raise Refused(503, "not saved: try again") from None
        refused_votes = {vote for vote, _ in refused}
        if self._round is not None and self._round.id == round_.id:
            for vote in votes:
                if vote not in refused_votes:
                    self._scores.setdefault(vote.participant_id, {})[vote.dimension_key] = (vote.value, vote.evidence)
        if any(vote not in refused_votes for vote in votes):
            self._news.tell()
        if refused:
            status = 409 if not self._still_open(round_) else 422
            raise Refused(status, refused[0][1])

    def _still_open(self, round_: Round) -> bool:
        return self._round is not None and self._round.id == round_.id and self._round.is_open


def _pass_on(landed: Future[T], outcome: Future[T]) -> None:
    if landed.cancelled():
        outcome.cancel()
    elif (error := landed.exception()) is not None:
        outcome.set_exception(error)
    else:
        outcome.set_result(landed.result())


def _page_files() -> dict[str, bytes]:
    """The participant's page, read once per room from the package (the wheel ships it)."""
    page = resources.files("csi_tui.room") / "page"
    return {name: (page / name).read_bytes() for name in ("index.html", *_STATIC)}


async def _secure(request: web.Request, response: web.StreamResponse) -> None:
    """Every answer, refusals included, carries the room's security headers."""
    response.headers.update(_SECURITY_HEADERS)
