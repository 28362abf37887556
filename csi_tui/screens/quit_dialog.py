"""Quitting with something not on disk: the facilitator is told what, and chooses."""

from __future__ import annotations

from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from csi_tui.widgets.user_text import user_content

QuitChoice = Literal["retry", "keep", "discard"]


class QuitDialog(ModalScreen[QuitChoice | None]):
    """None: stay in the app."""

    AUTO_FOCUS = "#retry"  # the safe choice first
    BINDINGS = [
        Binding("r", "choose('retry')", "Try again", id="quit.retry"),
        Binding("k", "choose('keep')", "Keep in a file", id="quit.keep"),
        Binding("d", "choose('discard')", "Quit without them", id="quit.discard"),
        Binding("escape", "choose(None)", "Stay", id="quit.stay"),
    ]

    def __init__(self, what: str, keep_path: str, reason: str = "") -> None:
        super().__init__()
        self.what = what
        self.keep_path = keep_path
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(user_content(f"{self.what} not saved to the file yet"), classes="dialog-title")
            if self.reason:
                yield Static(user_content(f"Why: {self.reason}"), classes="error")
            yield Static(user_content(
                "Try again (r) once the disk or the other program is free; keep the unsaved text in "
                f"{self.keep_path} (k); or quit without it (d). Escape stays in csi-tui."))
            with Horizontal(classes="buttons"):
                yield Button("Try again (r)", id="retry", variant="primary", compact=True)
                yield Button("Keep in a file (k)", id="keep", compact=True)
                yield Button("Quit without them (d)", id="discard", variant="error", compact=True)

    def action_choose(self, choice: QuitChoice | None) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)  # type: ignore[arg-type]
