"""The home screen: the workshops in this file, newest change first. Open, create, delete.

A portfolio may hold 10,000 workshops, and the list must open about as quickly as one of ten.
So the screen paints first and fills after; a worker reads the newest page, then the whole list,
each in a few statements (session.workshop_list) and builds every row's cells there, as plain
strings, with the columns' widths; the UI thread only hands them to the table, which draws the
lines in view (widgets/line_table.py)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import Worker, get_current_worker

from csi_tui.domain.errors import RefusedRow, describe_refused
from csi_tui.domain.steps import STEPS
from csi_tui.screens import navigation as go
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.in_sight import in_sight
from csi_tui.screens.new_workshop import NewWorkshopScreen
from csi_tui.session.workshop_session import Change, WorkshopSession
from csi_tui.widgets.fitted_footer import FittedFooter
from csi_tui.widgets.column_fit import Column, cell_width, full_line
from csi_tui.widgets.line_table import LineTable, Row
from csi_tui.widgets.user_text import user_cell
from csi_tui.workshops import NewWorkshop

if TYPE_CHECKING:  # annotations only: the home screen paints before the models load
    from csi_tui.domain.models import Workshop, WorkshopRow

# rank: what a narrowing table keeps longest. The title says which workshop, the step where the
# room stopped, the last change which one was worked on; the cycle number goes first.
COLUMNS = (
    Column("Title", rank=0, shrink_to=16),
    Column("Organisation", "Org.", rank=3, shrink_to=8),
    Column("Cycle", "Cyc.", rank=5),
    Column("Step", rank=1),
    Column("Last change", "Changed", rank=2),
    Column("Next review", "Review", rank=4),
)
STEP_CELLS = {reached.number: f"{reached.number} {reached.short}" for reached in STEPS}
# The newest workshops read first: more than any terminal shows, so the screen is full before
# the rest of a portfolio is read.
FIRST_PAGE = 100
EMPTY_STATE = (
    "No workshops in this file yet.\n\n"
    "Press  n  to create your first workshop: a title, who it is for, and an assessment template.\n"
    "Then the app walks the room through the six CSI questions, saving as you go."
)


def table_rows(workshops: Sequence[WorkshopRow]) -> tuple[list[Row], list[int]]:
    """Each workshop's cells, as the table draws them, and each column's widest cell."""
    rows: list[Row] = [(str(w.id), (
        user_cell(w.title),
        user_cell(w.organisation),
        str(w.cycle),
        STEP_CELLS[w.current_step],
        f"{w.updated_at.astimezone():%Y-%m-%d %H:%M}",  # the facilitator's own clock
        w.next_review.isoformat() if w.next_review else "",
    )) for w in workshops]
    columns = zip(*(cells for _, cells in rows), strict=True) if rows else [()] * len(COLUMNS)
    return rows, [max(map(cell_width, column), default=0) for column in columns]


HOME_FOOTER_KEYS = ("home.open", "home.new", "home.export", ("home.delete", "Delete"), "app.quit", "app.help",
                    "app.projector")


class HomeScreen(Screen[None]):
    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding("n", "new_workshop", "New workshop", id="home.new", tooltip="Create a workshop"),
        # priority: the table would otherwise take enter for itself and hide it from the footer
        Binding("enter", "open_workshop", "Open workshop", id="home.open", priority=True,
                tooltip="Open or resume the selected workshop where the room stopped"),
        Binding("x", "export_workshop", "Export", id="home.export",
                tooltip="Export the selected workshop: a report, CSV tables, JSON or a database copy"),
        Binding("delete,d", "delete_workshop", "Delete workshop", id="home.delete", tooltip="Delete the selected workshop"),
        Binding("q", "app.quit", "Quit", id="home.quit", show=False, tooltip="Leave csi-tui"),
    ]

    @dataclass
    class WorkshopsLoaded(Message):
        workshops: dict[str, WorkshopRow]  # by the table's row key
        rows: list[Row]  # the table's rows, built by the worker
        natural: list[int]  # each column's widest cell
        refused: list[RefusedRow]  # rows the list leaves out: they break the domain's rules
        complete: bool  # False: the newest page only, the rest still being read

    @dataclass
    class DataChanged(Message):
        """Someone committed to the file."""

    def __init__(self, session: WorkshopSession, note: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.note = note  # a line above the list (the demo: a throwaway copy, and what to try)
        self.workshops: dict[str, WorkshopRow] = {}
        self._named: set[RefusedRow] = set()  # refused rows already told
        self._line = Text("")
        self.loaded = False  # True once the list from the file is on screen (its newest page at least)
        self.complete = False  # True once every workshop in the file is in the list
        self._page_painted = threading.Event()  # the first rows are on screen: read the rest

    def compose(self) -> ComposeResult:
        yield Header()
        if self.note:
            yield Static(self.note, id="note", markup=False)
        yield LineTable(id="workshops")
        yield Static("", id="workshop-line", markup=False)
        yield Static(EMPTY_STATE, id="empty", markup=False)
        # Only the keys that fit whole: a plain footer ran "Projector" under the palette key at
        # 80 columns and left a stray letter after "^p palette". Every key is still bound, in `?`.
        yield FittedFooter(HOME_FOOTER_KEYS)

    def on_mount(self) -> None:
        self.session.changed.subscribe(self._heard)

    def on_unmount(self) -> None:
        self.session.changed.unsubscribe(self._heard)

    def _heard(self, change: Change) -> None:
        self.post_message(self.DataChanged())

    @on(DataChanged)
    def _data_changed(self) -> None:
        # Only while it is in sight: under a step screen it would re-read every workshop on
        # every vote; it reads again when it is shown (on_screen_resume).
        if in_sight(self):
            self.load_workshops()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown; later, a step screen may have changed the list.
        self.load_workshops()

    @work(thread=True, exclusive=True, group="home-load", exit_on_error=False)
    def load_workshops(self) -> None:
        worker = get_current_worker()
        if not self.loaded:
            # Nothing on screen yet: the newest page first, so a portfolio's first screenful
            # shows as soon as a small file's would.
            page, refused = self.session.workshop_list(first=FIRST_PAGE)
            if len(page) < FIRST_PAGE and not refused:  # that was every workshop
                self._post(worker, page, refused, complete=True)
                return
            self._post(worker, page, refused, complete=False)
            # The rest once that page is painted: read meanwhile, it would slow the painting
            # (one interpreter lock). Bounded: a screen closed before it painted never says so.
            self._page_painted.wait(timeout=1.0)
            if worker.is_cancelled:
                return
        self._post(worker, *self.session.workshop_list(), complete=True)

    def _post(self, worker: Worker[None], workshops: list[WorkshopRow], refused: list[RefusedRow],
              complete: bool) -> None:
        rows, natural = table_rows(workshops)
        if not worker.is_cancelled:  # a newer read replaced this one
            self.post_message(self.WorkshopsLoaded({key: w for (key, _), w in zip(rows, workshops, strict=True)},
                                                   rows, natural, refused, complete))

    @on(WorkshopsLoaded)
    def show_workshops(self, message: WorkshopsLoaded) -> None:
        table = self.query_one("#workshops", LineTable)
        self.workshops = message.workshops
        table.set_rows(COLUMNS, message.rows, message.natural)  # the cursor stays on its workshop
        self.set_class(not message.rows, "-empty")
        self._show_line()
        if not self.loaded:
            table.focus()
        self.refresh_bindings()
        if not self.loaded:
            self.call_after_refresh(self._page_painted.set)
        self.loaded = True
        self.complete = self.complete or message.complete
        # Named once each, not on every reload: a hand-edited or hostile file lists without them.
        news = [row for row in message.refused if row not in self._named]
        if news:
            self._named.update(news)
            self.notify(describe_refused(news), title="Rows refused", severity="warning", timeout=15, markup=False)

    @on(LineTable.RowHighlighted, "#workshops")
    def _show_line(self) -> None:
        """The selected workshop in full, below the table: what a narrow table leaves out."""
        table = self.query_one("#workshops", LineTable)
        cursor = table.cursor_row
        line = (full_line([c.header for c in COLUMNS], table.get_row_at(cursor)) if 0 <= cursor < table.row_count
                else Text(""))
        if line != self._line:  # Static.update() asks for a layout pass of the whole screen
            self._line = line
            self.query_one("#workshop-line", Static).update(line)

    @on(LineTable.RowSelected, "#workshops")
    def _row_chosen(self) -> None:
        # A click on the highlighted row (enter reaches the screen's binding first).
        self.action_open_workshop()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing to open or delete in an empty file: keep the footer to what can be done.
        if action in ("open_workshop", "delete_workshop"):
            return bool(self.workshops)
        return True

    def _selected(self) -> WorkshopRow | None:
        return self.workshops.get(self.query_one("#workshops", LineTable).cursor_key or "")

    @work(group="home-write", exit_on_error=False)
    async def _created(self, pending: Future[Workshop]) -> None:
        try:
            workshop = await asyncio.wrap_future(pending)
        except Exception:
            return  # told by the app, in one line
        self._open(workshop.id, step_number=1)

    def _open(self, workshop_id: int, step_number: int) -> None:
        self.post_message(go.OpenStep(workshop_id, step_number))

    def action_open_workshop(self) -> None:
        workshop = self._selected()
        if workshop is not None:
            self._open(workshop.id, workshop.current_step)  # resume where the room stopped

    def action_export_workshop(self) -> None:
        workshop = self._selected()
        if workshop is not None:
            self.post_message(go.AskExport(workshop))

    def action_new_workshop(self) -> None:
        def created(new: NewWorkshop | None) -> None:
            if new is not None:
                self._created(self.session.create_workshop(new))

        self.app.push_screen(NewWorkshopScreen(), created)

    def action_delete_workshop(self) -> None:
        workshop = self._selected()
        if workshop is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.session.delete_workshop(workshop.id)

        self.app.push_screen(
            ConfirmScreen(f"Delete “{workshop.title}”?",
                          "Its answers, scores, participants and history go with it. This cannot be undone."),
            confirmed,
        )
