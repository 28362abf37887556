"""The shared life of a full-screen view of one workshop's records (register, KPIs, checkpoints):
read a snapshot in a worker, change through the app's one writer and read back in the same job,
and follow changes anyone else commits to the file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from textual import on, work
from textual.message import Message
from textual.screen import Screen

from csi_tui.store import WorkshopSnapshot, WorkshopStore

if TYPE_CHECKING:
    from csi_tui.app import CsiApp


class WorkshopView(Screen[None]):
    @dataclass
    class Loaded(Message):
        snapshot: WorkshopSnapshot | None
        error: BaseException | None = None
        # What the change did, told to the facilitator once it is on disk (made from the change's
        # result here, on the UI thread).
        done: str | Callable[[Any], str] = ""
        result: Any = None

    def __init__(self, workshop_id: int) -> None:
        super().__init__()
        self.workshop_id = workshop_id
        self.snapshot: WorkshopSnapshot | None = None
        self.loaded = False  # True once the workshop's data is on screen

    @property
    def csi_app(self) -> CsiApp:
        return cast("CsiApp", self.app)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="view-load", exit_on_error=False)
    def load(self) -> None:
        with self.csi_app.connect() as store:
            snapshot = store.snapshot(self.workshop_id)
        self.post_message(self.Loaded(snapshot))

    def on_csi_app_data_changed(self) -> None:
        if self.loaded:
            self.load()

    def write(self, change: Callable[[WorkshopStore], Any], done: str | Callable[[Any], str] = "") -> None:
        """Run a change on the writer thread and read the workshop back in the same job; a refused
        change is told to the facilitator in one line (by the app) and nothing is written."""
        workshop_id = self.workshop_id

        def job(store: WorkshopStore) -> tuple[Any, WorkshopSnapshot]:
            result = change(store)
            return result, store.snapshot(workshop_id)

        def finished(outcome: tuple[Any, WorkshopSnapshot] | None, error: BaseException | None) -> None:
            if error is not None or outcome is None:
                self.post_message(self.Loaded(None, error))
                return
            result, snapshot = outcome
            self.post_message(self.Loaded(snapshot, None, done, result))

        self.csi_app.save(job, finished)  # the app tells the facilitator if it fails

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.error is not None:
            return  # already told by the app, in one line
        assert message.snapshot is not None
        self.snapshot = message.snapshot
        self.show(message.snapshot)
        self.loaded = True
        done = message.done(message.result) if callable(message.done) else message.done
        if done:
            self.notify(done, markup=False)

    def show(self, snapshot: WorkshopSnapshot) -> None:
        """Draw the snapshot (each view its own way)."""
        raise NotImplementedError
