"""The home screen: the workshops in this file, newest change first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from csi_tui.models import Workshop
from csi_tui.steps import step

if TYPE_CHECKING:
    from csi_tui.app import CsiApp

EMPTY_STATE = (
    "No workshops in this file yet.\n\n"
    "Create one from the command line with  csi-tui new  and it appears here."
)


class HomeScreen(Screen[None]):
    CSS_PATH = "home.tcss"

    @dataclass
    class WorkshopsLoaded(Message):
        workshops: list[Workshop]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="workshops", cursor_type="row", zebra_stripes=True)
        yield Static(EMPTY_STATE, id="empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#workshops", DataTable)
        table.add_columns("Title", "Organisation", "Cycle", "Step reached", "Last change")
        self.load_workshops()

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def load_workshops(self) -> None:
        app = cast("CsiApp", self.app)
        with app.connect() as store:
            workshops = store.workshops()
        self.post_message(self.WorkshopsLoaded(workshops))

    @on(WorkshopsLoaded)
    def show_workshops(self, message: WorkshopsLoaded) -> None:
        table = self.query_one("#workshops", DataTable)
        table.clear()
        for workshop in message.workshops:
            reached = step(workshop.current_step)
            table.add_row(
                Text(workshop.title),
                Text(workshop.organisation),
                Text(str(workshop.cycle)),
                Text(f"{reached.number}. {reached.question}"),
                Text(workshop.updated_at.strftime("%Y-%m-%d %H:%M")),
                key=str(workshop.id),
            )
        self.set_class(not message.workshops, "-empty")
