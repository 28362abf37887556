"""A line of text that changes often while the room works: a table's title with its counts, the
selected row in full below a table.

Static.update() asks for a layout pass of the whole screen, since new text may need more or
fewer lines; on step 2 at 340 dimensions that costs more than a frame, several times a second
while votes arrive. Text replaced by text that wraps to as many lines at this width needs only a
repaint, so that is all it gets; a change in the number of lines is laid out as usual.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.content import Content
from textual.widgets import Static


class StatusLine(Static):
    def __init__(self, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]
        self._shown: Text | Content | str = ""

    def show(self, content: Text | Content | str) -> bool:
        """Show `content` (user text already made display-safe), laying out only if needed;
        whether it was laid out (its height may have changed)."""
        if content == self._shown and type(content) is type(self._shown):
            return False
        width = self.content_region.width
        layout = width <= 0 or self._lines(content, width) != self._lines(self._shown, width)
        self._shown = content
        self.update(content, layout=layout)
        return layout

    def _lines(self, value: Text | Content | str, width: int) -> int:
        plain = value if isinstance(value, str) else value.plain
        if "\n" not in plain and cell_len(plain) <= width:
            return 1
        return len(Text(plain).wrap(self.app.console, width))
