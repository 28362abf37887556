"""The step's countdown. It redraws once a second while running and not at all when paused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from collections.abc import Callable

from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

from csi_tui.domain.timebox import Timebox, clock_face


class StepTimer(Static):
    DEFAULT_CSS = """
    StepTimer { width: auto; padding: 0 1; color: $text-muted; }
    StepTimer.-running { color: $text; text-style: bold; }
    StepTimer.-overtime { color: $warning; text-style: bold; }
    """

    @dataclass
    class TimeUp(Message):
        """Posted once when the timebox runs out."""

    timebox: reactive[Timebox] = reactive(Timebox(seconds=900), always_update=True)

    def __init__(self, now: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._now = now
        self._ticker: Timer | None = None
        self._alerted = False

    def on_mount(self) -> None:
        self._ticker = self.set_interval(1.0, self._tick, pause=not self.timebox.running)

    def render(self) -> str:
        state = "▶" if self.timebox.running else "⏸"
        return f"⏱ {clock_face(self.timebox.remaining(self._now()))} {state}"

    def watch_timebox(self, timebox: Timebox) -> None:
        self.set_class(timebox.running, "-running")
        if self._ticker is not None:
            self._ticker.resume() if timebox.running else self._ticker.pause()
        remaining = timebox.remaining(self._now())
        if remaining > 0:
            self._alerted = False
        self.set_class(remaining <= 0, "-overtime")

    def _tick(self) -> None:
        remaining = self.timebox.remaining(self._now())
        if remaining <= 0 and not self._alerted:
            self._alerted = True
            self.add_class("-overtime")
            self.post_message(self.TimeUp())
        self.refresh()
