"""The one life of a screen showing one workshop (step, closing, register, KPIs, checkpoints):
read a snapshot in a worker, write through the session's intents, and read again whenever anyone
commits to the file, whether this screen is on top or under another one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from textual import on, work
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from csi_tui.domain.errors import describe_refused
from csi_tui.screens import navigation as go
from csi_tui.session.workshop_session import Change, WorkshopSession

if TYPE_CHECKING:  # annotations only: the step screen paints before the models load
    from csi_tui.store.read_model import WorkshopSnapshot

T = TypeVar("T")


class WorkshopScreen(Screen[None]):
    @dataclass
    class Loaded(Message):
        snapshot: WorkshopSnapshot
        first: bool  # the first load fills the screen; later ones must not touch what is typed

    @dataclass
    class DataChanged(Message):
        """Someone committed to the file: read it again."""

    def __init__(self, session: WorkshopSession, workshop_id: int) -> None:
        super().__init__()
        self.session = session
        self.workshop_id = workshop_id
        self.snapshot: WorkshopSnapshot | None = None
        self.loaded = False  # True once the workshop's data is on screen
        self._named: set[object] = set()  # refused rows already told (domain.errors.RefusedRow)

    def on_mount(self) -> None:
        self.session.changed.subscribe(self._heard)
        # After the first frame: the first read imports the store and its models, which would
        # otherwise compete with the painting for the GIL.
        self.call_after_refresh(self.load)

    def on_unmount(self) -> None:
        self.session.changed.unsubscribe(self._heard)

    def _heard(self, change: Change) -> None:
        # A step fills its answers once, when it opens, and no screen redraws them after: the
        # autosave of typing reloads nothing (a reload reads and redraws the whole workshop).
        if not change.answers_only:
            self.post_message(self.DataChanged())  # in this screen's own queue, in order

    @on(DataChanged)
    def _data_changed(self) -> None:
        if self.loaded:
            self.load()

    @work(thread=True, exclusive=True, group="workshop-load", exit_on_error=False)
    def load(self) -> None:
        snapshot = self.session.snapshot(self.workshop_id)
        self.post_message(self.Loaded(snapshot, first=not self.loaded))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A load that fails is told, not left as an empty screen (a worker's news reaches its own
        # screen only, not the app): a workshop whose own row or scale breaks the domain's rules
        # is refused with one line that says which (store/workshops.py).
        if event.worker.group == "workshop-load" and event.state is WorkerState.ERROR and event.worker.error:
            self.notify(str(event.worker.error), title="Not opened", severity="error", markup=False)
            if not self.loaded:  # nothing to show: back to the list rather than an empty step
                self.post_message(go.OpenHome())

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.snapshot = message.snapshot
        first = message.first and not self.loaded
        self.show(message.snapshot, first)
        self.loaded = True
        # Rows of the file that break the domain's rules are left out of the snapshot; each is
        # named once, when first met, not on every reload.
        news = [row for row in message.snapshot.problems if row not in self._named]
        if news:
            self._named.update(news)
            self.notify(describe_refused(news), title="Rows refused", severity="warning", timeout=15, markup=False)

    def show(self, snapshot: WorkshopSnapshot, first: bool) -> None:
        """Draw the snapshot, each screen its own way; `first` once, when the screen opens."""
        raise NotImplementedError

    def write(self, pending: Future[T], done: str | Callable[[T], str] = "") -> None:
        """Wait for an intent off the UI thread and tell the facilitator what it did. A refused
        change is told by the app (the session's failed signal), in one line."""
        self._await_write(pending, done)

    @work(group="workshop-write", exit_on_error=False)
    async def _await_write(self, pending: Future[Any], done: str | Callable[[Any], str]) -> None:
        try:
            result = await asyncio.wrap_future(pending)
        except Exception:
            return  # already told, by the app
        line = done(result) if callable(done) else done
        if line:
            self.notify(line, markup=False)
