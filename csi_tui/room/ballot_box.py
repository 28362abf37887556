"""Votes arriving together go to the file together: one `cast_votes` (one transaction) per short
tick, instead of one per tap. Sixty phones sending 34 scores each at the same moment become a
handful of transactions, not 2,040, so the writer thread (shared with the facilitator's own
typing) stays free. One cast is on its way to the file at a time: votes that arrive meanwhile
wait for it and go together in the next, so the busier the room, the larger and fewer the
transactions (each computes the workshop's gap rows again once, whatever its size). Each
request still waits for its own votes' outcome: "saved" on a phone means committed to the file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Future

from csi_tui.domain.rounds import Vote

TICK = 0.02  # seconds a vote may wait for company
AT_ONCE = 500  # or go at once when this many are waiting

Refusals = list[tuple[Vote, str]]
Cast = Callable[[int, Sequence[Vote]], Future[Refusals]]  # (round id, votes) -> the refused ones


class BallotBox:
    def __init__(self, cast: Cast, tick: float = TICK, at_once: int = AT_ONCE) -> None:
        self._cast = cast
        self._tick = tick
        self._at_once = at_once
        self._waiting: list[tuple[int, list[Vote], asyncio.Future[Refusals]]] = []
        self._count = 0
        self._timer: asyncio.TimerHandle | None = None
        self._in_flight: set[asyncio.Future[Refusals]] = set()
        self.transactions = 0  # how many casts went to the session (the load test reads it)

    async def cast(self, round_id: int, votes: Sequence[Vote]) -> Refusals:
        """Store these votes with the next tick's; the refused ones with a one-line reason."""
        loop = asyncio.get_running_loop()
        outcome: asyncio.Future[Refusals] = loop.create_future()
        self._waiting.append((round_id, list(votes), outcome))
        self._count += len(votes)
        if self._count >= self._at_once:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self._tick, self._flush)
        # A phone that hangs up does not take its votes back: they are in the batch already.
        return await asyncio.shield(outcome)

    async def close(self) -> None:
        """Send what waits now, and wait for every cast still on its way to the file."""
        while self._waiting or self._in_flight:
            self._flush()
            if self._in_flight:
                await asyncio.wait(list(self._in_flight))

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._in_flight:  # the cast on its way sends these when it lands
            return
        waiting, self._waiting, self._count = self._waiting, [], 0
        groups: dict[int, list[tuple[list[Vote], asyncio.Future[Refusals]]]] = {}
        for round_id, votes, outcome in waiting:  # in arrival order, so the last tap wins
            groups.setdefault(round_id, []).append((votes, outcome))
        for round_id, requests in groups.items():
            self._send(round_id, requests)

    def _send(self, round_id: int, requests: list[tuple[list[Vote], asyncio.Future[Refusals]]]) -> None:
        batch = [vote for votes, _ in requests for vote in votes]
        try:
            landed = asyncio.wrap_future(self._cast(round_id, batch))
        except Exception as error:  # refused before it was queued: every request hears why
            for _, outcome in requests:
                if not outcome.done():
                    outcome.set_exception(error)
            return
        self.transactions += 1
        self._in_flight.add(landed)

        def share(done: asyncio.Future[Refusals]) -> None:
            self._in_flight.discard(done)
            error = None if done.cancelled() else done.exception()
            reasons: dict[Vote, str] = {}
            if error is None and not done.cancelled():
                reasons = {vote: reason for vote, reason in done.result()}
            for votes, outcome in requests:
                if outcome.done():
                    continue
                if done.cancelled():
                    outcome.cancel()
                elif error is not None:
                    outcome.set_exception(error)
                elif not reasons:  # the usual case: no vote of a burst's 2,040 hashed on the session's loop
                    outcome.set_result([])
                else:
                    outcome.set_result([(vote, reasons[vote]) for vote in votes if vote in reasons])

        landed.add_done_callback(share)
        landed.add_done_callback(self._next)

    def _next(self, _landed: asyncio.Future[Refusals]) -> None:
        """A cast landed: what arrived meanwhile goes now, as one."""
        if self._waiting and not self._in_flight:
            self._flush()
