"""A scrollbar whose thumb starts and ends on whole cells.

Textual draws the ends of a thumb with eighth-block glyphs (▁▄▇, ▎▋) for smoothness; beside a
table on a projector, and in a snapshot read as text, those read as stray blocks of colour.
A thumb of whole cells is as clear, a cell less exact, and draws no character at all.
"""

from __future__ import annotations

from textual.scrollbar import ScrollBarRender
from textual.widget import Widget


class WholeCellScrollBarRender(ScrollBarRender):
    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


def plain_scrollbars(widget: Widget) -> None:
    """Draw this widget's scrollbars in whole cells (per widget, as Textual documents)."""
    widget.vertical_scrollbar.renderer = WholeCellScrollBarRender
    widget.horizontal_scrollbar.renderer = WholeCellScrollBarRender
