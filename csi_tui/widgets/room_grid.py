"""The room at a glance: one row per dimension; the participants' median, their spread and the
consensus the room entered; then one column per participant (business first, then IT, a bar
between), each cell the level they scored, coloured by level. A row whose spread is two levels or more
is marked: that is the one to discuss. Only whole columns are drawn: on a narrow terminal the
dimension names narrow first, then the people who do not fit are left out, and the title says how
many are shown (the scoring table's voice selector shows anyone's scores in full).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical

from csi_tui.domain.figures import figure
from csi_tui.domain.room import WIDE_SPREAD, grouped, room_rows
from csi_tui.domain.text import for_display
from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.domain.voice import Person
from csi_tui.widgets.column_fit import Column
from csi_tui.widgets.line_table import LineTable
from csi_tui.widgets.status_line import StatusLine
from csi_tui.widgets.user_text import user_text

if TYPE_CHECKING:  # the step screen paints before the models load (docs/performance.md)
    from csi_tui.domain.models import Dimension
    from csi_tui.store.read_model import WorkshopSnapshot

NAME_WIDTH = 24  # a longer dimension name is cut with "…"; the scoring table above has it whole
NARROWEST_NAME = 14  # the dimension column narrows to this before people are left out
SUMMARY_COLUMNS = 4  # dimension, median, spread, room: always shown
PEOPLE_RANK = 10  # people are left out before any summary column, the rightmost first
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
    RoomGrid LineTable { height: auto; max-height: 16; }
    """

    def __init__(self, kind: ScoreKind = ScoreKind.CURRENT, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.kind = kind
        self._snapshot: WorkshopSnapshot | None = None
        self._people: list[Person] = []
        self._wide: dict[str, bool] = {}  # each dimension's row: a spread to discuss

    def compose(self) -> ComposeResult:
        yield StatusLine(id="room-title")
        yield LineTable(id="room")

    def on_mount(self) -> None:
        # Level colours come from the theme: the projector theme recolours the grid.
        self.watch(self.app, "theme", lambda _: self._redraw(), init=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_title)  # the table fits its people to the new width

    def show(self, snapshot: WorkshopSnapshot, rescored: Collection[str] | None = None) -> None:
        """Draw the snapshot; `rescored`: only these dimensions' scores changed, so only their rows
        are drawn again (the people are the same)."""
        same_people = self._snapshot is not None and snapshot.participants == self._snapshot.participants
        self._snapshot = snapshot
        if rescored is None or not same_people or not self.is_mounted:
            self._redraw()
            return
        table = self.query_one(LineTable)
        for key, cells in self._lines([d for d in snapshot.dimensions if d.key in rescored]):
            table.update_row(key, cells)
        self._show_title()

    def _level_style(self, value: int, lowest: int, highest: int) -> str:
        theme = self.app.current_theme
        share = (value - lowest) / max(highest - lowest, 1)
        colour = theme.error if share < 1 / 3 else theme.warning if share < 2 / 3 else theme.success
        return f"bold {colour}"

    def _columns(self) -> list[Column]:
        """The summary first, kept longest; then the people, business then IT with a bar between,
        the rightmost left out first (the bar goes with the last person after it)."""
        people = self._people
        business = sum(p.perspective is Perspective.BUSINESS for p in people)
        columns = [Column("Dimension", rank=0, shrink_to=NARROWEST_NAME), Column("Median", rank=1),
                   Column("Spread", rank=2), Column("Room", rank=3)]
        for index, name in enumerate(short_names(people)):
            if index == business and business:
                columns.append(Column(GROUP_BAR, rank=PEOPLE_RANK + 2 * index - 1, separator=True))
            columns.append(Column(for_display(name, keep_newlines=False), rank=PEOPLE_RANK + 2 * index))
        return columns

    def _lines(self, dimensions: Sequence[Dimension]) -> list[tuple[str, list[Text]]]:
        snapshot = self._snapshot
        assert snapshot is not None
        people = self._people
        business = sum(p.perspective is Perspective.BUSINESS for p in people)
        by_dimension = snapshot.scores_by_dimension
        rows = room_rows(dimensions, [s for d in dimensions for s in by_dimension.get(d.key, ())], self.kind)
        lowest, highest = snapshot.scale.lowest, snapshot.scale.highest
        # One cell per level, shared: a room voting redraws many rows of many people at once.
        levels = {value: Text(str(value), style=self._level_style(value, lowest, highest))
                  for value in range(lowest, highest + 1)}
        nobody = Text("·", style="dim")
        lines = []
        for row in rows:
            self._wide[row.key] = row.wide
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
                cells.append(nobody if level is None else levels.get(level) or Text(str(level)))
            lines.append((row.key, cells))
        return lines

    def _redraw(self) -> None:
        snapshot = self._snapshot
        if snapshot is None or not self.is_mounted:
            return
        self._people = grouped(snapshot.participants)
        self._wide = {}
        self.query_one(LineTable).set_rows(self._columns(), self._lines(snapshot.dimensions))
        self._show_title()

    def _show_title(self) -> None:
        people = self._people
        table = self.query_one(LineTable)
        shown = sum(1 for column in table.fitted if column.index >= SUMMARY_COLUMNS
                    and table.columns[column.index].header != GROUP_BAR)
        wide = sum(self._wide.values())
        what = "now" if self.kind is ScoreKind.CURRENT else "target"
        title = (f"The room, {what} · business │ IT · {WIDE} spread of {WIDE_SPREAD}+: {wide}" if people
                 else f"The room, {what} · no participants yet: ctrl+r adds them, "
                      "or ctrl+f lets their phones join")
        if table.fitted and shown < len(people):
            title += f" · {shown} of {len(people)} people shown"
        self.query_one("#room-title", StatusLine).show(title)
