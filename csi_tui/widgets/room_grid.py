"""The room at a glance: one row per dimension; the participants' median, their spread and the
consensus the room entered; then one column per participant (business first, then IT, a bar
between), each cell the level they scored, coloured by level. A row whose spread is two levels or more
is marked: that is the one to discuss. Only whole columns are drawn: on a narrow terminal the
dimension names narrow first, then the people who do not fit are left out, and the title says how
many are shown (the scoring table's voice selector shows anyone's scores in full).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from csi_tui.domain.figures import figure
from csi_tui.domain.room import WIDE_SPREAD, grouped, room_rows
from csi_tui.domain.text import for_display
from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.domain.voice import Person
from csi_tui.widgets.column_fit import clipped
from csi_tui.widgets.plain_scrollbar import plain_scrollbars
from csi_tui.widgets.user_text import user_text

if TYPE_CHECKING:  # the step screen paints before the models load (docs/performance.md)
    from csi_tui.store.read_model import WorkshopSnapshot

NAME_WIDTH = 24  # a longer dimension name is cut with "…"; the scoring table above has it whole
NARROWEST_NAME = 14  # the dimension column narrows to this before people are left out
CELL_PADDING = 2  # a DataTable cell's padding, one each side
SUMMARY_COLUMNS = 4  # dimension, median, spread, room: always shown
HEADER_WIDTH = 5  # a participant's column: the first letters of their name
WIDE = "◆"
DIFFERS = "≠"
GROUP_BAR = "│"


def short_names(people: Sequence[Person], width: int = HEADER_WIDTH) -> list[str]:
    """A column header per person: the start of their name, a number added where two would read
    the same ("Ann", "Ann2")."""
    names: list[str] = []
    for person in people:
        base = for_display(person.name, keep_newlines=False).strip()[:width] or "?"
        name, count = base, 1
        while name in names:
            count += 1
            name = f"{base[:width - len(str(count))]}{count}"
        names.append(name)
    return names


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


class RoomGrid(Vertical):
    DEFAULT_CSS = """
    RoomGrid { height: auto; margin-bottom: 1; }
    RoomGrid #room-title { color: $text-muted; text-style: bold; }
    RoomGrid DataTable { height: auto; max-height: 16; overflow-x: hidden; scrollbar-size-horizontal: 0;
                         scrollbar-gutter: stable; scrollbar-size-vertical: 1; }
    """

    def __init__(self, kind: ScoreKind = ScoreKind.CURRENT, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.kind = kind
        self._snapshot: WorkshopSnapshot | None = None
        self._drawn: object = None  # what the table shows, to leave it alone when nothing changed
        self._width = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="room-title", markup=False)
        # The dimension stays in view while the participants scroll sideways.
        yield DataTable(id="room", cursor_type="row", zebra_stripes=True, fixed_columns=1)

    def on_mount(self) -> None:
        # Level colours come from the theme: the projector theme recolours the grid.
        self.watch(self.app, "theme", lambda _: self._redraw(), init=False)

    def show(self, snapshot: WorkshopSnapshot) -> None:
        self._snapshot = snapshot
        self._redraw()

    def _level_style(self, value: int, lowest: int, highest: int) -> str:
        theme = self.app.current_theme
        share = (value - lowest) / max(highest - lowest, 1)
        colour = theme.error if share < 1 / 3 else theme.warning if share < 2 / 3 else theme.success
        return f"bold {colour}"

    def _redraw(self) -> None:
        snapshot = self._snapshot
        if snapshot is None or not self.is_mounted:
            return
        people = grouped(snapshot.participants)
        business = sum(p.perspective is Perspective.BUSINESS for p in people)
        rows = room_rows(snapshot.dimensions, snapshot.scores, self.kind)
        lowest, highest = snapshot.scale.lowest, snapshot.scale.highest
        # The summary first, so it stays in view on a laptop while the people scroll.
        headers: list[Text] = [Text("Dimension"), Text("Median"), Text("Spread"), Text("Room")]
        for index, name in enumerate(short_names(people)):
            if index == business and business:
                headers.append(Text(GROUP_BAR))  # business on the left, IT on the right
            headers.append(user_text(name))
        lines = []
        for row in rows:
            spread = Text(figure(row.spread))
            if row.wide:
                spread = Text(f"{row.spread} {WIDE}", style=f"bold {self.app.current_theme.error}")
            room = Text(figure(row.consensus))
            if row.differs:  # the room's figure overrides the median in the gap matrix
                room = Text(f"{row.consensus} {DIFFERS}", style="bold")
            cells = [user_text(f"{WIDE} " if row.wide else "  ") + user_text(_cut(row.name, NAME_WIDTH)),
                     Text(figure(row.median)), spread, room]
            for index, person in enumerate(people):
                if index == business and business:
                    cells.append(Text(GROUP_BAR, style="dim"))
                level = row.levels.get(person.id or 0)
                cells.append(Text("·", style="dim") if level is None
                             else Text(str(level), style=self._level_style(level, lowest, highest)))
            lines.append((row.key, cells))
        # A change elsewhere (an answer, a target) leaves the grid as it was: keep the table as is,
        # rather than rebuild 34 rows x 12 people on every save.
        table = self.query_one(DataTable)
        self._width = available = table.scrollable_content_region.width
        widths = [max(h.cell_len, *(c[i].cell_len for _, c in lines)) if lines else h.cell_len
                  for i, h in enumerate(headers)]
        shown = fit_people(widths, available)
        if shown > SUMMARY_COLUMNS and headers[shown - 1].plain == GROUP_BAR:
            shown -= 1  # no bar with nobody after it
        headers, widths = headers[:shown], widths[:shown]
        widths[0] = min(widths[0], max(NARROWEST_NAME, available - sum(w + CELL_PADDING for w in widths[1:])
                                       - CELL_PADDING))
        lines = [(key, [clipped(cells[0], widths[0]), *cells[1:shown]]) for key, cells in lines]
        drawn = ([h.plain for h in headers], [(key, [(c.plain, str(c.style)) for c in cells]) for key, cells in lines])
        if drawn == self._drawn:
            return
        self._drawn = drawn
        cursor = table.cursor_row
        table.clear(columns=True)
        for header, width in zip(headers, widths, strict=True):
            table.add_column(header, width=width)
        for key, cells in lines:
            table.add_row(*cells, key=key)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        wide = sum(row.wide for row in rows)
        what = "now" if self.kind is ScoreKind.CURRENT else "target"
        people_shown = sum(1 for h in headers[SUMMARY_COLUMNS:] if h.plain != GROUP_BAR)
        title = (f"The room, {what} · business │ IT · {WIDE} spread of {WIDE_SPREAD}+: {wide}" if people
                 else f"The room, {what} · no participants yet (ctrl+r adds them)")
        if people_shown < len(people):
            title += f" · {people_shown} of {len(people)} people shown"
        self.query_one("#room-title", Static).update(title)


def fit_people(widths: Sequence[int], available: int) -> int:
    """How many columns to draw: the summary columns always, then people (and the bar between
    business and IT) while they fit whole beside a dimension column at its narrowest."""
    if available <= 0:  # not laid out yet: everything, the next resize fits it
        return len(widths)
    used = min(widths[0], NARROWEST_NAME) + CELL_PADDING + sum(w + CELL_PADDING for w in widths[1:SUMMARY_COLUMNS])
    shown = SUMMARY_COLUMNS
    for width in widths[SUMMARY_COLUMNS:]:
        if used + width + CELL_PADDING > available:
            break
        used += width + CELL_PADDING
        shown += 1
    return shown

