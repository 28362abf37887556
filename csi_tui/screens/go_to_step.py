"""Jump straight to any of the six questions: press its number, or pick it and press enter."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from csi_tui.domain.steps import STEPS


class GoToStepScreen(ModalScreen[int | None]):
    AUTO_FOCUS = "#steps"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="goto.cancel"),
        *(Binding(str(s.number), f"dismiss({s.number})", show=False, id=f"goto.{s.number}") for s in STEPS),
    ]

    def __init__(self, current: int) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Go to step (press 1-6)", classes="dialog-title")
            yield OptionList(
                *(Option(f"{s.number}. {s.question}", id=str(s.number)) for s in STEPS), id="steps"
            )

    def on_mount(self) -> None:
        self.query_one("#steps", OptionList).highlighted = self.current - 1

    @on(OptionList.OptionSelected, "#steps")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or self.current))
