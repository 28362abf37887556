"""A read-only table drawn line by line: the gap matrix, the scoring panel, the room grid, the
register, the KPI list and the workshop list.

Textual's DataTable keys its row cache on one update counter, so changing one cell re-renders
every visible cell (about 40 ms for 34 rows on a laptop core), and filling it measures every
cell of every row. Here each row keeps its own rendered Strip and only rows whose cells changed
are rendered again: a score change redraws one or two lines. Only the lines in view are ever
rendered, so 2,000 rows cost no more to show than 20. The header stays put while the rows scroll.

Rows have keys (a dimension, an item's number, a workshop's id): the cursor stays on its row
when the rows are sorted or filtered, and `update_row` changes one row without the others.

A cell is a Rich Text, or a plain str drawn as it is (never read as markup): a list of
thousands (the workshop list) builds its rows as strings, since a Text per cell would cost more
than reading the rows, and only the lines in view ever become Text. A str cell of user text is
made display-safe first, as a Text cell is (widgets/user_text.py `user_cell`).

The table never scrolls sideways: it shows the columns that fit its width (column_fit.py) and
fits them again when its width changes. The rows keep every column; only drawing leaves some out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import is_

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from csi_tui.widgets.column_fit import Column, Fitted, cell_width, clipped, fit_columns, natural_widths
from csi_tui.widgets.plain_scrollbar import plain_scrollbars

PADDING = 1  # a space either side of every cell

Cell = Text | str  # a str: plain text, drawn as it is
Row = tuple[str, Sequence[Cell]]  # a row's key and its cells, one per column


def as_text(cell: Cell) -> Text:
    return Text(cell, end="") if isinstance(cell, str) else cell


def _drawn_from(new: Sequence[Cell], old: Sequence[Cell]) -> bool:
    """Whether a row's cells are those a cached line was drawn from: the same objects (a caller
    that builds its cells once and filters them), or equal ones."""
    return new is old or (len(new) == len(old) and all(map(is_, new, old))) or _same_cells(new, old)


def _same_cell(a: Cell, b: Cell) -> bool:
    if a is b:
        return True
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    # Text.__eq__ compares characters and spans, not the base style: a cell recoloured by a theme
    # change would otherwise keep its old rendering.
    return a.plain == b.plain and a.style == b.style and a.spans == b.spans


def _same_cells(new: Sequence[Cell], old: Sequence[Cell]) -> bool:
    if len(new) != len(old):
        return False
    if all(map(is_, new, old)):  # the same cells (a caller that keeps its rows' cells): no compare
        return True
    return all(_same_cell(a, b) for a, b in zip(new, old, strict=True))


class LineTable(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"line-table--header", "line-table--odd", "line-table--cursor"}
    DEFAULT_CSS = """
    LineTable { height: auto; max-height: 100%; background: $surface; overflow-x: hidden;
                scrollbar-gutter: stable; scrollbar-size-vertical: 1; scrollbar-size-horizontal: 0; }
    LineTable > .line-table--header { text-style: bold; color: $primary; background: $panel; }
    LineTable > .line-table--odd { background: $boost; }
    LineTable > .line-table--cursor { background: $primary 30%; }
    LineTable:focus > .line-table--cursor { background: $primary 60%; }
    """
    BINDINGS = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "cursor_to(0)", show=False),
        Binding("end", "cursor_to(-1)", show=False),
        Binding("enter", "select_cursor", show=False),
    ]

    @dataclass
    class RowHighlighted(Message):
        """The cursor moved to another row (or the rows under it changed)."""

        table: LineTable
        cursor_row: int
        key: str | None

        @property
        def control(self) -> LineTable:
            return self.table

    @dataclass
    class RowSelected(Message):
        """Enter (or a click on the highlighted row) chose a row."""

        table: LineTable
        cursor_row: int
        key: str

        @property
        def control(self) -> LineTable:
            return self.table

    # No repaint of its own: watch_cursor_row draws the two lines the cursor leaves and reaches.
    cursor_row: reactive[int] = reactive(0, repaint=False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.columns: tuple[Column, ...] = ()
        self.natural: list[int] = []  # each column's widest cell
        self.fitted: list[Fitted] = []  # the columns drawn, at this width
        self.rows: list[list[Cell]] = []
        self.keys: list[str] = []
        # Lists handed to show_rows are kept as they are: the caller may hand the same ones
        # again (the register's erased search), so the table copies `rows` before changing a row.
        self._rows_shared = False
        self._index_of: dict[str, int] | None = None  # each key's place, built when first asked
        # Each row's drawn line, by the row's key, with the cells it was drawn from: a line is
        # drawn again only when its cells change or the columns are fitted again, not when a
        # search or a sort moves the row to another place.
        self._strips: dict[str, tuple[list[Text], Strip]] = {}
        self._header: Strip | None = None
        self._fitted_width = -1  # the width the columns were last fitted to
        self._styles_now: tuple[Style, Style, Style, Style] | None = None  # during one drawing

    def on_mount(self) -> None:
        plain_scrollbars(self)

    # --- data ---------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def cell_text(self, row: int, column: int) -> str:
        return as_text(self.rows[row][column]).plain

    def get_row_at(self, row: int) -> list[Text]:
        """Every cell of a row, drawn or not."""
        return [as_text(cell) for cell in self.rows[row]]

    @property
    def _index(self) -> dict[str, int]:
        """Each key's place. Built when a look-up by key first needs it, not on every search
        keystroke: the cursor's own key is found with `keys.index`."""
        if self._index_of is None:
            self._index_of = {key: place for place, key in enumerate(self.keys)}
        return self._index_of

    def get_row(self, key: str) -> list[Text]:
        return self.get_row_at(self._index[key])

    def row_index(self, key: str) -> int | None:
        return self._index.get(key)

    @property
    def cursor_key(self) -> str | None:
        return self.keys[self.cursor_row] if 0 <= self.cursor_row < len(self.keys) else None

    @property
    def shown_headers(self) -> list[str]:
        """The headers drawn at this width, abbreviated or not."""
        return [column.header for column in self.fitted]

    def set_rows(self, columns: Sequence[Column], rows: Sequence[Row] | Sequence[Sequence[Cell]],
                 natural: Sequence[int] | None = None) -> None:
        """Show these rows, each `(key, cells)` (or bare cells, keyed by their place); a list of
        cells is kept, not copied, so it must not be changed afterwards. Only lines
        whose cells changed are drawn again; the cursor stays on its row's key. `natural`: the
        columns' widths when the caller knows them (measured once over a list it filters)."""
        first = rows[0] if rows else None
        if isinstance(first, tuple) and len(first) == 2 and isinstance(first[0], str):  # keyed rows
            keys = [row[0] for row in rows]  # type: ignore[misc]
            # A list of cells is kept as given, not copied (2,000 copies are a millisecond or
            # more on every search keystroke): a caller builds new lists rather than change them.
            cells_of = [row[1] if type(row[1]) is list else list(row[1]) for row in rows]  # type: ignore[misc]
        else:
            keys = [str(place) for place in range(len(rows))]
            cells_of = [list(row) for row in rows]  # type: ignore[arg-type]
        self.show_rows(columns, keys, cells_of, natural)
        if self.rows is cells_of:  # built here: the table's own to change
            self._rows_shared = False

    def show_rows(self, columns: Sequence[Column], keys: list[str], rows: list[list[Cell]],
                  natural: Sequence[int] | None = None) -> None:
        """Show `rows[i]` keyed by `keys[i]`: set_rows for a caller that keeps its keys and
        cells as parallel lists (the register, per sort and filter), so a keystroke splits no
        pairs. Both lists are kept, not copied, and must not be changed afterwards; handing the
        same lists again (an erased search) compares nothing row by row."""
        widths = list(natural) if natural is not None else natural_widths(columns, rows)
        refit = tuple(columns) != self.columns or widths != self.natural
        if refit or keys != self.keys:
            cursor_key = self.cursor_key
            self.columns, self.natural, self.rows, self.keys = tuple(columns), widths, rows, keys
            self._rows_shared, self._index_of = True, None
            place = self.cursor_row
            if cursor_key is not None:
                try:
                    place = keys.index(cursor_key)
                except ValueError:  # its row is gone (a search): the cursor keeps its place
                    pass
            if refit:
                self._fit()
            else:  # the same columns at the same widths: each row's cached line still holds
                self._count_rows()
            self._move(min(place, max(len(keys) - 1, 0)))
            return
        if rows is self.rows:
            return
        shown = self.rows  # _replace may copy self.rows; compare against what is on screen
        for index, (cells, old) in enumerate(zip(rows, shown, strict=True)):
            if cells is not old and not _drawn_from(cells, old):
                self._replace(index, cells)

    def _count_rows(self) -> None:
        """Take in a new number of rows (a search, a filter) and draw every line again."""
        size = Size(self.virtual_size.width, len(self.rows) + 1)
        if size == self.virtual_size:
            # As many rows as before (a sort): the scrollbar's thumb stays where it is, and
            # drawing it again cost a sort of the register at 2,000 items a line per row in view.
            self.refresh()
            return
        height = self.styles.height
        if height is None or height.is_auto:
            self.virtual_size = size  # its height follows its rows: the screen is laid out again
        else:
            # A table whose height does not follow its rows (the register's fills its screen)
            # stays where it is: no layout of the whole screen on every search keystroke.
            self.set_reactive(LineTable.virtual_size, size)
        self._scroll_update(size)  # the scrollbar's extent, and the scroll offset kept within the rows
        self.refresh()

    def update_row(self, key: str, cells: Sequence[Cell]) -> bool:
        """Change one row's cells, drawing only that line; False when no row has that key. A cell
        wider than its column fits the columns again (they never narrow on one row's change)."""
        index = self._index.get(key)
        if index is None:
            return False
        cells = list(cells)
        if _same_cells(cells, self.rows[index]):
            return True
        wider = [max(width, cell_width(cell)) for width, cell in zip(self.natural, cells, strict=True)]
        self._replace(index, cells)
        if wider != self.natural:
            self.natural = wider
            self._fit()
        return True

    def _replace(self, index: int, cells: list[Cell]) -> None:
        if self._rows_shared:  # the caller's list: change a copy
            self.rows, self._rows_shared = list(self.rows), False
        self.rows[index] = cells
        self._strips.pop(self.keys[index], None)
        self._refresh_row(index)
        if index == self.cursor_row:
            self.post_message(self.RowHighlighted(self, index, self.keys[index]))

    def _fit(self) -> None:
        """Choose the columns for this width and draw every line again."""
        self._fitted_width = self.scrollable_content_region.width
        self.fitted = fit_columns(self.columns, self.natural, self._fitted_width)
        self._strips.clear()
        self._header = None
        self.virtual_size = Size(sum(c.width + 2 * PADDING for c in self.fitted), len(self.rows) + 1)
        self._scroll_update(self.virtual_size)
        self.refresh()

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # The compositor hands a scroll view its own size as `virtual_size`, never its rows, and
        # ScrollView takes the difference for news: every layout of the screen (a keystroke in a
        # search field asks for one) drew the whole scrollbar again. The rows are this table's
        # to count, and it tells its scrollbar itself (_count_rows, _fit); a new size still does.
        return super()._size_updated(size, self.virtual_size, container_size, layout)

    def on_resize(self) -> None:
        # Only a new width fits the columns again: a table of `height: auto` grows and shrinks
        # with a search, and its lines still hold.
        if self.columns and self.scrollable_content_region.width != self._fitted_width:
            self._fit()

    def _refresh_row(self, index: int) -> None:
        y = index - self.scroll_offset.y + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    # --- drawing ------------------------------------------------------------------------------

    def _render_cells(self, cells: Sequence[Cell]) -> Strip:
        line = Text(no_wrap=True, end="")
        for column in self.fitted:
            padded = clipped(as_text(cells[column.index]), column.width).copy()
            padded.truncate(column.width, pad=True)
            line.append(" " * PADDING)
            line.append_text(padded)
            line.append(" " * PADDING)
        segments = [segment for segment in line.render(self.app.console) if segment.text != "\n"]
        return Strip(segments, line.cell_len)

    def _line_styles(self) -> tuple[Style, Style, Style, Style]:
        """The base, header, odd-row and cursor styles. Each look-up walks the DOM, so a drawing
        of the table (render_lines) looks them up once rather than on every line."""
        if self._styles_now is not None:
            return self._styles_now
        return (self.rich_style, self.get_component_rich_style("line-table--header"),
                self.get_component_rich_style("line-table--odd"), self.get_component_rich_style("line-table--cursor"))

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles_now = None
        self._styles_now = self._line_styles()
        try:
            return super().render_lines(crop)
        finally:
            self._styles_now = None

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        base, header_style, odd_style, cursor_style = self._line_styles()
        if y == 0:
            if self._header is None:
                headers = [Text("")] * len(self.columns)
                for column in self.fitted:
                    headers[column.index] = Text(column.header)
                self._header = self._render_cells(headers)
            style = base + header_style
            return self._header.crop_extend(scroll_x, scroll_x + width, None).apply_style(style)
        index = scroll_y + y - 1
        if index >= len(self.rows):
            return Strip([Segment(" " * width, base)], width)
        cells, key = self.rows[index], self.keys[index]
        cached = self._strips.get(key)
        if cached is not None and _drawn_from(cells, cached[0]):
            strip = cached[1]
        else:
            strip = self._render_cells(cells)
            self._strips[key] = (cells, strip)
        style = base
        if index % 2:
            style += odd_style
        if index == self.cursor_row:
            style += cursor_style
        return strip.crop_extend(scroll_x, scroll_x + width, None).apply_style(style)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows) + 1

    # --- cursor -------------------------------------------------------------------------------

    def _move(self, row: int) -> None:
        """Put the cursor on `row`, and say so even when it is the same place (its row changed)."""
        if row == self.cursor_row:
            self.post_message(self.RowHighlighted(self, row, self.cursor_key))
        self.cursor_row = row

    def move_cursor(self, *, row: int) -> None:
        if self.rows:
            self.cursor_row = max(0, min(len(self.rows) - 1, row))

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        visible = max(self.size.height - 1, 1)
        if new < self.scroll_offset.y:
            self.scroll_to(y=new, animate=False)
        elif new >= self.scroll_offset.y + visible:
            self.scroll_to(y=new - visible + 1, animate=False)
        self.post_message(self.RowHighlighted(self, new, self.cursor_key))

    def action_cursor(self, step: int) -> None:
        if self.rows:
            self.cursor_row = max(0, min(len(self.rows) - 1, self.cursor_row + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.size.height - 2, 1))

    def action_cursor_to(self, index: int) -> None:
        if self.rows:
            self.cursor_row = index % len(self.rows)

    def action_select_cursor(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.RowSelected(self, self.cursor_row, key))

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows):
            if index == self.cursor_row:  # a click on the highlighted row chooses it, as in a DataTable
                self.action_select_cursor()
            self.cursor_row = index
