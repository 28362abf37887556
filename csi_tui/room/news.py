"""Telling the room screen something happened (a join, a vote), coalesced: a burst of votes
redraws the screen once, not once per vote."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable

log = logging.getLogger(__name__)

NEWS_INTERVAL = 0.25  # at most four times a second: as often as the app looks for news in the file


def call_listener(listener: Callable[[], None]) -> None:
    """Tell the screen; the room keeps serving whatever the screen did with the news."""
    try:
        listener()
    except Exception:
        log.exception("the room's news listener failed")


class News:
    """Calls `callback` on the loop soon after something happened, at most every NEWS_INTERVAL."""

    def __init__(self, callback: Callable[[], None] | None) -> None:
        self._callback = callback
        self._handle: asyncio.TimerHandle | None = None
        self._last = -math.inf

    def tell(self) -> None:
        if self._callback is None or self._handle is not None:
            return
        loop = asyncio.get_running_loop()
        wait = max(0.0, self._last + NEWS_INTERVAL - loop.time())
        self._handle = loop.call_later(wait, self._fire)

    def _fire(self) -> None:
        self._handle = None
        self._last = asyncio.get_running_loop().time()
        assert self._callback is not None
        call_listener(self._callback)

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
