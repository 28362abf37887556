"""The top of every step screen: where we are, in which workshop, saved or not, time left."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from csi_tui.domain.steps import Step
from csi_tui.widgets.save_indicator import SaveIndicator
from csi_tui.widgets.step_timer import StepTimer
from csi_tui.widgets.user_text import user_content


class StepHeader(Horizontal):
    DEFAULT_CSS = """
    StepHeader { height: 2; background: $panel; }
    StepHeader #where { width: 1fr; padding: 0 1; }
    StepHeader #question { text-style: bold; color: $primary; }
    StepHeader #workshop { color: $text-muted; }
    StepHeader #status { width: auto; height: 2; }
    """

    def __init__(self, step: Step, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.step = step
        self._now = now

    def compose(self) -> ComposeResult:
        with Vertical(id="where"):
            yield Static(f"Step {self.step.number} of 6 · {self.step.question}", id="question", markup=False)
            yield Static("", id="workshop", markup=False)
        with Vertical(id="status"):
            yield StepTimer(self._now, id="timer")
            yield SaveIndicator(id="saved")

    def show_workshop(self, title: str, cycle: int) -> None:
        # Content keeps the title literal (a workshop called "[bold]x[/]" shows its brackets), and
        # the display rule keeps its escape sequences from the terminal.
        self.query_one("#workshop", Static).update(user_content(f"{title} · cycle {cycle}"))
