"""Maturity scores for every dimension, for one voice at a time: the room's consensus, one
perspective's consensus, or one participant. Enter on a row asks the screen to score it.

The table shows the columns that fit its width (column_fit.py); the line below it gives the
selected dimension in full."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, Select

from csi_tui.domain.figures import figure
from csi_tui.domain.room import room_rows
from csi_tui.domain.vocabulary import ScoreKind
from csi_tui.domain.voice import Voice, voices
from csi_tui.widgets.column_fit import Column, full_line
from csi_tui.widgets.line_table import LineTable
from csi_tui.widgets.status_line import StatusLine
from csi_tui.widgets.user_text import user_content, user_text

if TYPE_CHECKING:  # the step screen paints before the models load (docs/performance.md)
    from collections.abc import Collection

    from csi_tui.domain.gap import GapRow
    from csi_tui.domain.models import Dimension
    from csi_tui.store.read_model import WorkshopSnapshot


# rank: what a narrowing table keeps longest; the score this step asks for comes first.
DIMENSION = Column("Dimension", rank=0, shrink_to=14)
EVIDENCE = Column("Evidence", "Evid.", rank=2, shrink_to=8, note=True)
CURRENT_COLUMNS = (DIMENSION, Column("Now", rank=1), Column("Level", rank=4, shrink_to=7, note=True), EVIDENCE)
TARGET_COLUMNS = (DIMENSION, Column("Now", rank=3), Column("Target", "Tgt", rank=1), Column("Weight", "Wt", rank=4),
                  Column("Level", rank=6, shrink_to=7, note=True), EVIDENCE)
# From the second cycle on: what the room aimed for last time (step 2 compares against it).
PREVIOUS_TARGET = {ScoreKind.CURRENT: Column("Previous target", "Prev. tgt", rank=3),
                   ScoreKind.TARGET: Column("Previous target", "Prev. tgt", rank=5)}
# Beside a consensus voice's score: the participants' median, which the gap matrix uses while no
# consensus is entered; an entered consensus that differs is marked. Their spread is in the room
# grid below (one column here: the table must still fit a laptop).
MEDIAN = Column("Median", "Med.", rank=3)
DIFFERS = "≠"


def _options(choices: list[Voice]) -> list[tuple[Content, str]]:
    # Content, not str: a str prompt is parsed as markup, and participant names are user text.
    return [(user_content(v.label), v.key) for v in choices]


def _level(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}"


class ScoringPanel(Vertical):
    DEFAULT_CSS = """
    ScoringPanel { height: auto; margin-bottom: 1; }
    ScoringPanel #voice-row { height: auto; }
    ScoringPanel #voice-row Label { padding: 0 1 0 0; }
    ScoringPanel #voice { width: 1fr; max-width: 50; }
    ScoringPanel LineTable { height: auto; max-height: 50vh; }
    ScoringPanel #score-line { height: auto; padding: 0 1; background: $boost; }
    """

    @dataclass
    class ScoreRequested(Message):
        dimension_key: str
        voice: Voice

    def __init__(self, kind: ScoreKind, voice: str | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.kind = kind
        self._wanted_voice = voice  # the voice last chosen (remembered), taken once it is on the list
        self._voices: list[Voice] = voices([])
        self._snapshot: WorkshopSnapshot | None = None
        self._rows: list[GapRow] = []
        self._headers: list[str] = []
        self._cells: dict[str, list[Text]] = {}  # every column of every row, by dimension key

    def compose(self) -> ComposeResult:
        with Horizontal(id="voice-row"):
            yield Label("Scoring as")
            yield Select(_options(self._voices), value=self._voices[0].key,
                         allow_blank=False, id="voice", compact=True)
        yield LineTable(id="scores")
        yield StatusLine(id="score-line")

    @property
    def voice(self) -> Voice:
        chosen = self.query_one("#voice", Select).value
        return next((v for v in self._voices if v.key == chosen), self._voices[0])

    def show(self, snapshot: WorkshopSnapshot, rows: list[GapRow], rescored: Collection[str] | None = None) -> None:
        """Attributes down: the screen hands over fresh data and the gap rows it computed once;
        `rescored`: only these dimensions' scores changed, so only their rows are drawn again."""
        self._snapshot = snapshot
        self._rows = rows
        new_voices = voices(snapshot.participants)
        if new_voices != self._voices or self._wanted_voice:
            current = self._wanted_voice or self.voice.key
            self._voices = new_voices
            select = self.query_one("#voice", Select)
            with select.prevent(Select.Changed):
                select.set_options(_options(new_voices))
                select.value = current if any(v.key == current for v in new_voices) else new_voices[0].key
            self._wanted_voice = None
            rescored = None
        if rescored is None:
            self._redraw()
            return
        table = self.query_one("#scores", LineTable)
        changed = [d for d in snapshot.dimensions if d.key in rescored]
        for key, cells in self._table_rows(changed):
            self._cells[key] = cells
            table.update_row(key, cells)

    @on(Select.Changed, "#voice")
    def _voice_changed(self) -> None:
        self._redraw()

    def _columns(self) -> tuple[Column, ...]:
        assert self._snapshot is not None
        columns = CURRENT_COLUMNS if self.kind is ScoreKind.CURRENT else TARGET_COLUMNS
        if self.voice.participant_id is None:  # after the voice's own score: "Now" on step 2, "Target" on step 3
            mine_at = 2 if self.kind is ScoreKind.CURRENT else 3
            columns = (*columns[:mine_at], MEDIAN, *columns[mine_at:])
        if self._snapshot.previous_rows is not None:
            columns = (columns[0], PREVIOUS_TARGET[self.kind], *columns[1:])
        return columns

    def _table_rows(self, dimensions: list[Dimension]) -> list[tuple[str, list[Text]]]:
        """The cells of these dimensions' rows, for the chosen voice."""
        snapshot = self._snapshot
        assert snapshot is not None
        voice = self.voice
        by_dimension = snapshot.scores_by_dimension
        scores = [s for d in dimensions for s in by_dimension.get(d.key, ())]
        mine = {s.dimension_key: s for s in scores if s.kind is self.kind and voice.owns(s)}
        matrix = {row.key: row for row in self._rows}
        # From the second cycle on, last cycle's target stands beside each score.
        previous = {row.key: row.target for row in snapshot.previous_rows or []}
        consensus_voice = voice.participant_id is None
        room = {row.key: row for row in room_rows(dimensions, scores, self.kind, voice)}
        rows = []
        for dimension in dimensions:
            score = mine.get(dimension.key)
            level = snapshot.scale.level(score.value).name if score else ""
            if score is None:
                evidence = Text("")
            elif score.has_evidence:
                evidence = user_text(score.evidence.splitlines()[0])
            else:
                evidence = Text("⚠ no evidence", style="bold")
            cells: list[Text] = [user_text(dimension.name)]
            mine_cell = Text(_level(score.value if score else None))
            beside: list[Text] = []
            if consensus_voice:
                people = room[dimension.key]
                if people.differs:
                    mine_cell = Text(f"{mine_cell.plain} {DIFFERS}", style="bold")
                beside = [Text(figure(people.median))]
            if self.kind is ScoreKind.CURRENT:
                cells += [mine_cell, *beside, user_text(level), evidence]
            else:
                cells += [Text(_level(matrix[dimension.key].current)), mine_cell, *beside,
                          Text(str(dimension.weight)), user_text(level), evidence]
            if snapshot.previous_rows is not None:
                cells.insert(1, Text(_level(previous.get(dimension.key))))
            rows.append((dimension.key, cells))
        return rows

    def _redraw(self) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            return
        rows = self._table_rows(snapshot.dimensions)
        columns = self._columns()
        self._headers = [column.header for column in columns]
        self._cells = dict(rows)
        self.query_one("#scores", LineTable).set_rows(columns, rows)
        self._show_line()

    def move_past(self, key: str) -> None:
        """After a score is given: on to the next dimension, as enter moves down a spreadsheet,
        so a room scoring in order presses enter, a level, enter, and never an arrow."""
        table = self.query_one("#scores", LineTable)
        if table.cursor_key == key:
            table.move_cursor(row=table.cursor_row + 1)

    @on(LineTable.RowHighlighted, "#scores")
    def _show_line(self) -> None:
        """The highlighted dimension in full, below the table: what a narrow table leaves out."""
        key = self.query_one("#scores", LineTable).cursor_key
        line = full_line(self._headers, self._cells[key]) if key in self._cells else Text("")
        self.query_one("#score-line", StatusLine).show(line)

    @on(LineTable.RowSelected, "#scores")
    def _row_chosen(self, event: LineTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.ScoreRequested(event.key, self.voice))
