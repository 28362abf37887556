"""The room's requests leave the interpreter to the facilitator between turns.

The room serves phones from a thread of its own, and that thread competes with the UI thread for
the interpreter's lock. When both want it, CPython hands the lock over only every few
milliseconds (sys.getswitchinterval), so sixty ballots handled back to back kept each key the
facilitator pressed waiting for the lock again and again. Here a few requests do their work,
then the room rests for a moment (its loop waits in select, which lets go of the lock) and the
UI thread has the interpreter to itself. A burst is answered a few tens of milliseconds later;
a phone does not notice, the facilitator's typing does.
"""

from __future__ import annotations

import asyncio

PER_TURN = 4  # requests between rests: well under a millisecond of work each
REST = 0.002  # seconds; a frame is 16 ms


class Pace:
    def __init__(self, per_turn: int = PER_TURN, rest: float = REST) -> None:
        self._per_turn = per_turn
        self._pause = rest
        self._used = 0
        self._rest: asyncio.Future[None] | None = None

    async def turn(self) -> None:
        """Return when this request may do its work: at once, or after the next rest."""
        while self._rest is not None or self._used >= self._per_turn:
            if self._rest is None:
                loop = asyncio.get_running_loop()
                self._rest = loop.create_future()
                loop.call_later(self._pause, self._rested)
            # Shielded: a phone hanging up cancels its own wait, not the others'.
            await asyncio.shield(self._rest)
        self._used += 1

    def _rested(self) -> None:
        rest, self._rest, self._used = self._rest, None, 0
        if rest is not None and not rest.done():
            rest.set_result(None)
