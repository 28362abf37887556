"""A list to choose from in a form, where enter on a choice moves on to the next field.

Textual's Select keeps the focus once a choice is made, so the next enter opens the same list
again: a facilitator going down a form with enter, as its text fields allow, went round in a
circle. Escape still closes the list and stays on it (nothing was chosen)."""

from __future__ import annotations

from typing import TypeVar

from textual.message import Message
from textual.widgets import Select

T = TypeVar("T")


class FormSelect(Select[T]):
    _chosen = False  # the list is closing on a choice, not on escape or a click elsewhere

    def on_select_overlay_update_selection(self, _choice: Message) -> None:
        # The list's "this one" (enter or a click), heard by its name (the overlay's class is not
        # public). It runs before Select's own handler, which takes the value, focuses the
        # closed list and closes it; moving on waits for all three (watch_expanded).
        self._chosen = True

    def watch_expanded(self, expanded: bool) -> None:
        if not expanded and self._chosen:
            self._chosen = False
            # After the focus Select asked for (queued on the app, as this is): then the next field.
            self.app.call_later(self.screen.focus_next)
