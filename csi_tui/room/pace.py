"""Requests take turns on the UI's loop: at most a few do their work in one turn of the loop,
the others wait for the next, so a key the facilitator presses meanwhile is handled between
turns instead of after sixty phones' worth of parsing and checking at once."""

from __future__ import annotations

import asyncio

PER_TURN = 6  # about a millisecond of work each: a turn stays well inside a 16 ms frame


class Pace:
    def __init__(self, per_turn: int = PER_TURN) -> None:
        self._per_turn = per_turn
        self._used = 0
        self._reset_due = False

    async def turn(self) -> None:
        """Return when this request may do its work in the current turn of the loop."""
        while self._used >= self._per_turn:
            # sleep(0) resumes in the next turn, after the reset queued below in this one.
            await asyncio.sleep(0)
        self._used += 1
        if not self._reset_due:
            self._reset_due = True
            asyncio.get_running_loop().call_soon(self._next_turn)

    def _next_turn(self) -> None:
        self._used = 0
        self._reset_due = False
