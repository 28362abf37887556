"""The home screen: the workshops in this file, newest change first. Open, create, delete."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from csi_tui.domain.errors import RefusedRow, describe_refused
from csi_tui.domain.models import Checkpoint, Workshop
from csi_tui.domain.steps import step
from csi_tui.screens import navigation as go
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.new_workshop import NewWorkshopScreen
from csi_tui.session.workshop_session import Change, WorkshopSession
from csi_tui.widgets.sized_table import fill_table
from csi_tui.widgets.user_text import user_text
from csi_tui.workshops import NewWorkshop

COLUMNS = ("Title", "Organisation", "Cycle", "Step", "Last change", "Next review")
EMPTY_STATE = (
    "No workshops in this file yet.\n\n"
    "Press  n  to create your first workshop: a title, who it is for, and an assessment template.\n"
    "Then the app walks the room through the six CSI questions, saving as you go."
)


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
        workshops: list[Workshop]
        checkpoints: dict[int, Checkpoint]  # the next one due, per workshop that has one
        refused: list[RefusedRow]  # rows the list leaves out: they break the domain's rules

    @dataclass
    class DataChanged(Message):
        """Someone committed to the file."""

    def __init__(self, session: WorkshopSession, note: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.note = note  # a line above the list (the demo: a throwaway copy, and what to try)
        self.workshops: dict[str, Workshop] = {}
        self._named: set[RefusedRow] = set()  # refused rows already told
        self.loaded = False  # True once the list from the file is on screen

    def compose(self) -> ComposeResult:
        yield Header()
        if self.note:
            yield Static(self.note, id="note", markup=False)
        yield DataTable(id="workshops", cursor_type="row", zebra_stripes=True)
        yield Static(EMPTY_STATE, id="empty", markup=False)
        yield Footer(compact=True)  # compact, as on every screen: the keys' clear names fit at 80 columns

    def on_mount(self) -> None:
        self.session.changed.subscribe(self._heard)

    def on_unmount(self) -> None:
        self.session.changed.unsubscribe(self._heard)

    def _heard(self, change: Change) -> None:
        self.post_message(self.DataChanged())

    @on(DataChanged)
    def _data_changed(self) -> None:
        # Only while it is shown: under a step screen it would re-read every workshop on every
        # save; it reads again when it is shown (on_screen_resume).
        if self.is_current:
            self.load_workshops()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown; later, a step screen may have changed the list.
        self.load_workshops()

    @work(thread=True, exclusive=True, group="home-load", exit_on_error=False)
    def load_workshops(self) -> None:
        self.post_message(self.WorkshopsLoaded(*self.session.workshops()))

    @on(WorkshopsLoaded)
    def show_workshops(self, message: WorkshopsLoaded) -> None:
        table = self.query_one("#workshops", DataTable)
        selected = self._selected()
        self.workshops = {str(w.id): w for w in message.workshops}
        rows = []
        for workshop in message.workshops:
            reached = step(workshop.current_step)
            rows.append((str(workshop.id), [
                user_text(workshop.title),
                user_text(workshop.organisation),
                Text(str(workshop.cycle)),
                Text(f"{reached.number} {reached.short}"),
                Text(workshop.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")),
                Text(checkpoint.due_on.isoformat() if (checkpoint := message.checkpoints.get(workshop.id)) else ""),
            ]))
        fill_table(table, COLUMNS, rows)
        if selected is not None and str(selected.id) in self.workshops:
            table.move_cursor(row=table.get_row_index(str(selected.id)))
        self.set_class(not message.workshops, "-empty")
        self.refresh_bindings()
        self.loaded = True
        table.focus()
        # Named once each, not on every reload: a hand-edited or hostile file lists without them.
        news = [row for row in message.refused if row not in self._named]
        if news:
            self._named.update(news)
            self.notify(describe_refused(news), title="Rows refused", severity="warning", timeout=15, markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing to open or delete in an empty file: keep the footer to what can be done.
        if action in ("open_workshop", "delete_workshop"):
            return bool(self.workshops)
        return True

    def _selected(self) -> Workshop | None:
        table = self.query_one("#workshops", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.workshops.get(key or "")

    @work(group="home-write", exit_on_error=False)
    async def _written(self, pending: Future[object], open_it: bool = False) -> None:
        try:
            result = await asyncio.wrap_future(pending)
        except Exception:
            return  # told by the app, in one line
        if open_it and isinstance(result, Workshop):
            self._open(result.id, step_number=1)

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
                self._written(self.session.create_workshop(new), open_it=True)

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
