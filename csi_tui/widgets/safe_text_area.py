"""A text area that draws its text without control characters: an answer holding an escape
sequence (pasted, or imported from a file) is loaded and kept as it is, and saved as it is unless
the person edits it, but its ESC never reaches the terminal (widgets/user_text.py)."""

from __future__ import annotations

from textual.strip import Strip
from textual.widgets import TextArea

from csi_tui.widgets.user_text import draw_without_controls


class SafeTextArea(TextArea):
    def render_line(self, y: int) -> Strip:
        return draw_without_controls(super().render_line(y))
