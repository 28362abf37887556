"""A read-only table drawn line by line, for the live gap matrix.

Textual's DataTable keys its row cache on one update counter, so changing one cell re-renders
every visible cell (about 40 ms for 34 rows on a laptop core). Here each row keeps its own
rendered Strip and only the rows whose cells changed are rendered again: a score change that
moves one dimension redraws one or two lines. The header stays put while the rows scroll.

The table never scrolls sideways: it shows the columns that fit its width (column_fit.py) and
fits them again when its width changes. The rows keep every column; only drawing leaves some out.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from csi_tui.widgets.column_fit import Column, Fitted, clipped, fit_columns, natural_widths
from csi_tui.widgets.plain_scrollbar import plain_scrollbars

PADDING = 1  # a space either side of every cell


def _same_cells(new: Sequence[Text], old: Sequence[Text]) -> bool:
    # Text.__eq__ compares characters and spans, not the base style: a cell recoloured by a theme
    # change would otherwise keep its old rendering.
    return all(a.plain == b.plain and a.style == b.style and a.spans == b.spans
               for a, b in zip(new, old, strict=True))


class GapTable(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"gap-table--header", "gap-table--odd", "gap-table--cursor"}
    DEFAULT_CSS = """
    GapTable { height: auto; max-height: 100%; background: $surface; overflow-x: hidden;
               scrollbar-gutter: stable; scrollbar-size-vertical: 1; scrollbar-size-horizontal: 0; }
    GapTable > .gap-table--header { text-style: bold; color: $primary; background: $panel; }
    GapTable > .gap-table--odd { background: $boost; }
    GapTable > .gap-table--cursor { background: $primary 30%; }
    GapTable:focus > .gap-table--cursor { background: $primary 60%; }
    """
    BINDINGS = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "cursor_to(0)", show=False),
        Binding("end", "cursor_to(-1)", show=False),
    ]

    cursor_row: reactive[int] = reactive(0)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.columns: tuple[Column, ...] = ()
        self.natural: list[int] = []  # each column's widest cell
        self.fitted: list[Fitted] = []  # the columns drawn, at this width
        self.rows: list[list[Text]] = []
        self._strips: dict[int, Strip] = {}
        self._header: Strip | None = None

    def on_mount(self) -> None:
        plain_scrollbars(self)

    # --- data ---------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def cell_text(self, row: int, column: int) -> str:
        return self.rows[row][column].plain

    @property
    def shown_headers(self) -> list[str]:
        """The headers drawn at this width, abbreviated or not."""
        return [column.header for column in self.fitted]

    def set_rows(self, columns: Sequence[Column], rows: Sequence[Sequence[Text]]) -> None:
        """Show these rows; only lines whose cells changed are drawn again."""
        rows = [list(cells) for cells in rows]
        natural = natural_widths(columns, rows)
        if tuple(columns) != self.columns or natural != self.natural or len(rows) != len(self.rows):
            self.columns, self.natural, self.rows = tuple(columns), natural, rows
            self.cursor_row = min(self.cursor_row, max(len(rows) - 1, 0))
            self._fit()
            return
        for index, cells in enumerate(rows):
            if not _same_cells(cells, self.rows[index]):
                self.rows[index] = cells
                self._strips.pop(index, None)
                self._refresh_row(index)

    def _fit(self) -> None:
        """Choose the columns for this width and draw every line again."""
        self.fitted = fit_columns(self.columns, self.natural, self.scrollable_content_region.width)
        self._strips.clear()
        self._header = None
        self.virtual_size = Size(sum(c.width + 2 * PADDING for c in self.fitted), len(self.rows) + 1)
        self.refresh()

    def on_resize(self) -> None:
        if self.columns:
            self._fit()

    def _refresh_row(self, index: int) -> None:
        y = index - self.scroll_offset.y + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    # --- drawing ------------------------------------------------------------------------------

    def _render_cells(self, cells: Sequence[Text]) -> Strip:
        line = Text(no_wrap=True, end="")
        for column in self.fitted:
            padded = clipped(cells[column.index], column.width).copy()
            padded.truncate(column.width, pad=True)
            line.append(" " * PADDING)
            line.append_text(padded)
            line.append(" " * PADDING)
        segments = [segment for segment in line.render(self.app.console) if segment.text != "\n"]
        return Strip(segments, line.cell_len)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            if self._header is None:
                headers = [Text("")] * len(self.columns)
                for column in self.fitted:
                    headers[column.index] = Text(column.header)
                self._header = self._render_cells(headers)
            style = base + self.get_component_rich_style("gap-table--header")
            return self._header.crop_extend(scroll_x, scroll_x + width, None).apply_style(style)
        index = scroll_y + y - 1
        if index >= len(self.rows):
            return Strip([Segment(" " * width, base)], width)
        strip = self._strips.get(index)
        if strip is None:
            strip = self._strips[index] = self._render_cells(self.rows[index])
        style = base
        if index % 2:
            style += self.get_component_rich_style("gap-table--odd")
        if index == self.cursor_row:
            style += self.get_component_rich_style("gap-table--cursor")
        return strip.crop_extend(scroll_x, scroll_x + width, None).apply_style(style)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows) + 1

    # --- cursor -------------------------------------------------------------------------------

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        visible = max(self.size.height - 1, 1)
        if new < self.scroll_offset.y:
            self.scroll_to(y=new, animate=False)
        elif new >= self.scroll_offset.y + visible:
            self.scroll_to(y=new - visible + 1, animate=False)

    def action_cursor(self, step: int) -> None:
        if self.rows:
            self.cursor_row = max(0, min(len(self.rows) - 1, self.cursor_row + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.size.height - 2, 1))

    def action_cursor_to(self, index: int) -> None:
        if self.rows:
            self.cursor_row = index % len(self.rows)

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows):
            self.cursor_row = index
