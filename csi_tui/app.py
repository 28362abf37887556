"""The Textual application and the one factory that the command line and the tests both use."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from csi_tui.screens.home import HomeScreen
from csi_tui.store.workshop_store import Clock, WorkshopStore, utc_now


class CsiApp(App[None]):
    """csi-tui. Holds the database path; every screen opens its own connection in a worker."""

    CSS_PATH = "app.tcss"
    TITLE = "csi-tui"
    SUB_TITLE = "Continual Service Improvement workshops"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave csi-tui; everything is saved"),
    ]

    def __init__(self, db_path: Path, clock: Clock = utc_now) -> None:
        super().__init__()
        self.db_path = db_path
        self.clock = clock

    def connect(self) -> WorkshopStore:
        """A new connection for the calling thread (SQLite connections stay on one thread)."""
        return WorkshopStore.connect(self.db_path, self.clock)

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A failed database worker is told to the facilitator, never swallowed.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(str(event.worker.error), title="Something went wrong", severity="error")


def make_app(db_path: Path, clock: Clock = utc_now) -> CsiApp:
    """Build the app for a database file that open_store has already accepted."""
    return CsiApp(db_path=db_path, clock=clock)
