"""A one-line field that draws its value without control characters.

The value is kept exactly as typed, pasted or loaded from the file, so opening a form rewrites
nothing; only what reaches the terminal is cleaned (widgets/user_text.py says why not whole
sequences here). Every Input in the app is one of these."""

from __future__ import annotations

from textual.strip import Strip
from textual.widgets import Input

from csi_tui.widgets.user_text import draw_without_controls


class SafeInput(Input):
    def render_line(self, y: int) -> Strip:
        return draw_without_controls(super().render_line(y))
