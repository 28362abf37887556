"""What every form dialog shares: a one-line error, a hint, Cancel and a primary button, enter
moving to the next field, and escape or Cancel leaving with nothing: at once when nothing was
changed, after "Discard your changes?" when something was."""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, SelectionList, Static, TextArea

from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.widgets.plain_scrollbar import plain_scrollbars
from csi_tui.widgets.user_text import user_content

Result = TypeVar("Result")


class GuardedDialog(ModalScreen[Result | None]):
    """A dialog with fields. In front of a room a stray escape must not throw away what the
    facilitator typed, so leaving asks first when any field differs from how the dialog opened
    (prefilled values are not changes). Subclasses bind escape to `cancel`; those whose fields
    are only choices to make again (export, import, a status move) turn `guards_changes` off."""

    guards_changes = True
    _opened_with: tuple[tuple[str, object], ...] | None = None

    def on_mount(self) -> None:
        # Every field's value is given in compose or the constructor: this is how it opened.
        self._opened_with = self.field_values()
        # A tall form on a small terminal scrolls: whole-cell scrollbars (no stray block), and it
        # opens at its title, wherever the focused field put the scroll.
        for form in self.query(".dialog").results(VerticalScroll):
            plain_scrollbars(form)
            self.call_after_refresh(form.scroll_home, animate=False)

    def field_values(self) -> tuple[tuple[str, object], ...]:
        values: list[tuple[str, object]] = []
        for widget in self.query("Input, Select, Checkbox, SelectionList, TextArea"):
            if isinstance(widget, SelectionList):
                value: object = tuple(widget.selected)
            elif isinstance(widget, TextArea):
                value = widget.text
            elif isinstance(widget, Input | Select | Checkbox):
                value = widget.value
            else:
                continue
            values.append((widget.id or "", value))
        return tuple(values)

    def has_changes(self) -> bool:
        return self.guards_changes and self._opened_with is not None and self.field_values() != self._opened_with

    def action_cancel(self) -> None:
        if not self.has_changes():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard your changes?", "What you typed here is not saved yet.",
                                           yes="Discard"), answered)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()


class FormDialog(GuardedDialog[Result]):
    guards_changes = False  # on in the forms a facilitator types into (register item, KPI, ...)
    # ctrl+w saves every form, as it does the item and KPI forms (priority: a text field would
    # otherwise take it as "delete the word to the left" and erase what was just typed).
    BINDINGS = [Binding("ctrl+w", "submit_form", "Save", id="form.save", priority=True,
                        tooltip="Save what is in the form (as its main button does)")]

    def action_submit_form(self) -> None:
        self.submit()

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

    last_field: str | None = None  # enter in this field submits the form

    def submit(self) -> None:
        """Validate; show the error and stay, or dismiss with the result."""
        raise NotImplementedError
