"""A checkbox that reads differently ticked and unticked, without colour.

Textual's Checkbox draws `▐X▌` either way and tells the two apart by colour alone, which a
projector, a monochrome terminal or a tmux capture loses. Here the mark is drawn only when the
box is ticked: `▐X▌` on, `▐ ▌` off. It is still a Checkbox (queries, messages, value)."""

from __future__ import annotations

from textual.widgets import Checkbox


class TickBox(Checkbox):
    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual reads the mark by this name
        return "X" if self.value else " "
