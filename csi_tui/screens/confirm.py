"""A yes/no question before anything is destroyed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from csi_tui.widgets.user_text import user_content


class ConfirmScreen(ModalScreen[bool]):
    AUTO_FOCUS = "#no" # the safe choice first
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = "", yes: str = "Delete") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # The question names what it is about (a workshop's title): user text.
            yield Static(user_content(self.question), classes="dialog-title")
            if self.detail:
                yield Static(user_content(self.detail, keep_newlines=True))
            with Horizontal(classes="buttons"):
                yield Button("Keep it (n)", id="no", variant="default", compact=True)
                yield Button(f"{self.yes} (y)", id="yes", variant="error", compact=True)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
