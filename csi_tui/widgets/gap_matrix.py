"""The gap matrix: one row per dimension, largest weighted gap first, uncovered gaps marked.
Attributes down: the screen hands over fresh rows with show(); the widget only draws.

Every column is in every row; the table shows those that fit its width, and the line below it
gives the selected row in full, so a narrow side panel leaves nothing out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from csi_tui.domain.figures import figure
from csi_tui.widgets.column_fit import Column, full_line
from csi_tui.widgets.line_table import LineTable
from csi_tui.widgets.status_line import StatusLine
from csi_tui.widgets.user_text import user_text

if TYPE_CHECKING:  # the step screen paints before the models load (docs/performance.md)
    from csi_tui.domain.gap import GapRow

SORTS: list[tuple[str, Callable[[GapRow], tuple[object, ...]]]] = [
    ("weighted gap", lambda r: (r.rank,)),
    ("gap", lambda r: (r.gap is None, -(r.gap or 0), r.rank)),
    ("dimension", lambda r: (r.name.lower(),)),
    ("weight", lambda r: (-r.weight, r.rank)),
    ("spread", lambda r: (r.spread is None, -(r.spread or 0), r.rank)),
]
# rank: what a narrowing table keeps longest. The weighted gap orders the rows and "covered"
# shows a gap nobody addresses: those outlast the figures they are computed from.
COLUMNS = (
    Column("Dimension", rank=0, shrink_to=14),
    Column("Now", rank=3),
    Column("Target", "Tgt", rank=4),
    Column("Gap", rank=5),
    Column("Weight", "Wt", rank=6),
    Column("Weighted gap", "W.gap", rank=1),
    Column("Spread", "Sprd", rank=8),
    Column("Business−IT", "B−IT", rank=7),
    Column("Covered by", "Cov.", rank=2, shrink_to=11, note=True),
)
SMALL_GAP = 1.0  # a gap of one level or less is "small"; more is "large"


class GapMatrix(Vertical):
    DEFAULT_CSS = """
    GapMatrix { height: auto; }
    GapMatrix #gap-title { color: $text-muted; text-style: bold; }
    GapMatrix LineTable { height: auto; max-height: 100%; }
    GapMatrix #gap-line { height: auto; padding: 0 1; color: $text; background: $boost; }
    """
    BINDINGS = [
        Binding("s", "next_sort", "Sort gaps", id="gap.sort", tooltip="Sort the gap matrix another way"),
        Binding("i", "new_item", "Item for gap", id="gap.item",
                tooltip="Add a register item that addresses the selected gap"),
    ]

    @dataclass
    class ItemRequested(Message):
        """A facilitator asked for a register item addressing this gap."""

        row: GapRow

    sort_index: reactive[int] = reactive(0)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[GapRow] = []
        self.shown: list[GapRow] = []  # the rows in the order they are drawn
        # By dimension: its figures, its cells and their widths.
        self._cells: dict[str, tuple[tuple[object, ...], list[Text], tuple[int, ...]]] = {}
        self._cells_styles: dict[str, str] = {}
        self._stale = False  # rows handed over while out of sight, not drawn yet

    def compose(self) -> ComposeResult:
        yield StatusLine(id="gap-title")
        yield LineTable(id="gaps")
        yield StatusLine(id="gap-line")

    def on_resize(self) -> None:
        self._fit_table()

    def _fit_table(self) -> None:
        """Given a height of its own (a side panel, the closing screen), the matrix keeps its full
        line in view: the table scrolls within what the title and the line leave."""
        if self.styles.height is None or self.styles.height.is_auto:
            return
        spare = self.content_region.height - sum(
            widget.outer_size.height for widget in self.query_children(Static))
        self.query_one(LineTable).styles.max_height = max(spare, 3)

    def on_mount(self) -> None:
        # The gap colours come from the theme: switching to the projector theme recolours them.
        self.watch(self.app, "theme", lambda _: self._redraw(), init=False)
        self.watch(self.query_one(LineTable), "cursor_row", lambda _: self._show_line(), init=False)

    def show(self, rows: list[GapRow]) -> None:
        self.rows = rows
        # A matrix out of sight (step 2's gap panel while closed) is drawn when it is shown, not on
        # every vote: its title and full line may need the screen laid out again.
        if any(not node.display for node in self.ancestors_with_self):
            self._stale = True
            return
        self._redraw()

    def on_show(self) -> None:
        if self._stale:
            self._redraw()

    def action_next_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)

    def selected(self) -> GapRow | None:
        cursor = self.query_one(LineTable).cursor_row
        return self.shown[cursor] if 0 <= cursor < len(self.shown) else None

    def action_new_item(self) -> None:
        row = self.selected()
        if row is not None:
            self.post_message(self.ItemRequested(row))

    def watch_sort_index(self) -> None:
        self._redraw()

    def _styles(self) -> dict[str, str]:
        # Colours come from the theme, so the projector theme recolours the matrix too.
        theme = self.app.current_theme
        return {"met": f"{theme.success}", "small": f"{theme.warning}", "large": f"bold {theme.error}",
                "uncovered": f"bold {theme.error}"}

    def _gap_cell(self, row: GapRow, value: float | None, styles: dict[str, str]) -> Text:
        if row.gap is None or value is None:
            return Text(figure(value))
        kind = "met" if row.gap <= 0 else "small" if row.gap <= SMALL_GAP else "large"
        return Text(figure(value), style=styles[kind])

    def _redraw(self) -> None:
        if not self.is_mounted:
            return
        self._stale = False
        name, key = SORTS[self.sort_index]
        styles = self._styles()
        if styles != self._cells_styles:  # a theme change recolours every row
            self._cells_styles, self._cells = styles, {}
        self.shown = sorted(self.rows, key=key)
        table_rows = [self._row_cells(row, styles) for row in self.shown]
        # Each row's widths are measured when its cells are built: the columns' widths are the
        # widest of those, without measuring 340 rows of cells again on every change.
        natural = [max(widths) for widths in zip(*(self._cells[row.key][2] for row in self.shown))] or [0] * len(COLUMNS)
        self.query_one(LineTable).set_rows(COLUMNS, table_rows, natural)
        self._show_line()
        uncovered = sum(row.uncovered for row in self.rows)
        title = f"Gap matrix · sorted by {name} (s) · {uncovered} uncovered gap{'s' if uncovered != 1 else ''}"
        if self.query_one("#gap-title", StatusLine).show(title):
            self.call_after_refresh(self._fit_table)  # a longer title may wrap

    def _row_cells(self, row: GapRow, styles: dict[str, str]) -> list[Text]:
        """A row's cells, built again only when its figures changed (a live update changes a few
        rows of hundreds; the rank alone moves a row, it does not change its cells)."""
        figures = (row.name, row.current, row.target, row.gap, row.weight, row.weighted_gap, row.spread,
                   row.perception_gap, row.covered_by)
        cached = self._cells.get(row.key)
        if cached is not None and cached[0] == figures:
            return cached[1]
        covered = user_text(", ".join(row.covered_by)) if row.covered_by else (
            Text("✗ uncovered", style=styles["uncovered"]) if row.uncovered else Text(""))
        cells = [user_text(row.name), Text(figure(row.current)), Text(figure(row.target)),
                 self._gap_cell(row, row.gap, styles), Text(str(row.weight)),
                 self._gap_cell(row, row.weighted_gap, styles), Text(figure(row.spread)),
                 Text(figure(row.perception_gap)), covered]
        self._cells[row.key] = (figures, cells, tuple(cell.cell_len for cell in cells))
        return cells

    def _show_line(self) -> None:
        """The selected row in full, below the table: what a narrow table leaves out."""
        table = self.query_one(LineTable)
        cursor = table.cursor_row
        line = (full_line([c.header for c in COLUMNS], table.rows[cursor]) if 0 <= cursor < table.row_count
                else Text(""))
        if self.query_one("#gap-line", StatusLine).show(line):
            self.call_after_refresh(self._fit_table)  # the line may now wrap to more or fewer lines
