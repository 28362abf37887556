"""A checkbox that reads differently ticked and unticked, without colour, and that enter
moves on from rather than flips.

Textual's Checkbox draws `▐X▌` either way and tells the two apart by colour alone, which a
projector, a monochrome terminal or a tmux capture loses. Here the mark is drawn only when the
box is ticked: `▐X▌` on, `▐ ▌` off. It is still a Checkbox (queries, messages, value).

Textual's Checkbox also ticks and unticks on enter. A facilitator going down a form with enter,
as its text fields and lists allow, flipped "Can be measured today" without a word; here space
ticks and enter goes on to the next field. (A dialog whose enter means "done" binds it first.)"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Checkbox


class TickBox(Checkbox):
    BINDINGS = [
        Binding("space", "toggle_button", "Tick", show=False),
        Binding("enter", "next_field", show=False),
    ]

    def action_next_field(self) -> None:
        self.screen.focus_next()

    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual reads the mark by this name
        return "X" if self.value else " "
