"""Change a step's timebox, in whole minutes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from csi_tui.widgets.safe_input import SafeInput


class TimeboxDialog(ModalScreen[int | None]):
    AUTO_FOCUS = "#minutes"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="timebox.cancel")]

    def __init__(self, step: int, minutes: int) -> None:
        super().__init__()
        self.step = step
        self.minutes = minutes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Timebox for step {self.step}, in minutes", classes="dialog-title")
            yield SafeInput(str(self.minutes), type="integer", id="minutes", compact=True)
            yield Static("", id="error", classes="error", markup=False)
            yield Static("Enter to set, escape to cancel. The countdown restarts.", classes="hint")

    @on(Input.Submitted, "#minutes")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text.isdigit() or not 1 <= int(text) <= 480:
            self.query_one("#error", Static).update("Give a whole number of minutes from 1 to 480.")
            return
        self.dismiss(int(text))
