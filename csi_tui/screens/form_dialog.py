"""What every form dialog shares: a one-line error, a hint, Cancel and a primary button, enter
moving to the next field, and escape or Cancel leaving with nothing."""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from csi_tui.widgets.user_text import user_content

Result = TypeVar("Result")


class FormDialog(ModalScreen[Result | None]):
    def form_footer(self, hint: str, primary: str = "Save") -> ComposeResult:
        yield Static("", id="error", classes="error", markup=False)
        yield Static(hint, classes="hint", markup=False)
        with Horizontal(classes="buttons"):
            yield Button("Cancel", id="cancel", compact=True)
            yield Button(primary, id="primary", variant="primary", compact=True)

    def show_error(self, message: str) -> None:
        # A refusal quotes what was typed or read ("… is not a date"): user text.
        self.query_one("#error", Static).update(user_content(message))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == self.last_field:
            self.submit()
        else:
            self.focus_next()

    @on(Button.Pressed, "#primary")
    def _primary(self) -> None:
        self.submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    last_field: str | None = None  # enter in this field submits the form

    def submit(self) -> None:
        """Validate; show the error and stay, or dismiss with the result."""
        raise NotImplementedError
