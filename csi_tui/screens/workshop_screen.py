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
from csi_tui.screens.in_sight import in_sight
from csi_tui.session.workshop_session import Change, WorkshopSession

if TYPE_CHECKING:  # annotations only: the step screen paints before the models load
    from csi_tui.store.read_model import WorkshopSnapshot

T = TypeVar("T")


class WorkshopScreen(Screen[None]):
    @dataclass
    class Loaded(Message):
        snapshot: WorkshopSnapshot
        first: bool  # the first load fills the screen; later ones must not touch what is typed
        # The dimensions whose scores alone changed since the last snapshot; None: anything may have.
        rescored: frozenset[str] | None = None

    @dataclass
    class DataChanged(Message):
        """Someone committed to the file: read what changed (None: everything) again."""

        rescored: frozenset[str] | None = None

    # A screen that shows answers after it opened (the projector's) reads again when another
    # window changes them; a step fills its fields once and never redraws them.
    SHOWS_ANSWERS = True

    def __init__(self, session: WorkshopSession, workshop_id: int) -> None:
        super().__init__()
        self.session = session
        self.workshop_id = workshop_id
        self.snapshot: WorkshopSnapshot | None = None
        self.loaded = False  # True once the workshop's data is on screen
        self._named: set[object] = set()  # refused rows already told (domain.errors.RefusedRow)
        # News not yet read: the dimensions whose scores changed, or None for everything; one
        # read at a time, so a burst of news (a room voting) becomes one read and one redraw.
        self._news: frozenset[str] | None = None
        self._has_news = True  # the first read
        self._reading = False
        self._lost = False

    def on_mount(self) -> None:
        self.session.changed.subscribe(self._heard)
        # After the first frame: the first read imports the store and its models, which would
        # otherwise compete with the painting for the GIL.
        self.call_after_refresh(self._read_news)

    def on_unmount(self) -> None:
        self.session.changed.unsubscribe(self._heard)

    def on_screen_resume(self) -> None:
        # Back in sight (a register or KPI screen closed over it): what arrived meanwhile. Also
        # sent when the screen is first shown, before its first frame: that read waits for the
        # frame (on_mount), as the step paints before the store and pydantic load.
        if self.loaded:
            self._read_news()

    def _heard(self, change: Change) -> None:
        # The autosave of typing reloads nothing (answers_only). Changes to other workshops are
        # not this screen's; a change to scores alone reads only those dimensions' scores.
        if change.answers_only:
            return
        rescored = change.scores_of(self.workshop_id)
        if rescored is None or (self.SHOWS_ANSWERS and change.answers_of(self.workshop_id)):
            self.post_message(self.DataChanged(None))  # in this screen's own queue, in order
        elif rescored:
            self.post_message(self.DataChanged(rescored))

    @on(DataChanged)
    def _data_changed(self, message: DataChanged) -> None:
        if self._lost or (self._has_news and self._news is None):
            self._news = None  # everything is to be read already
        elif self._has_news and message.rescored is not None:
            self._news = self._news | message.rescored
        else:
            self._news = message.rescored
        self._has_news = True
        self._read_news()

    def load(self) -> None:
        """Read the whole workshop again (after a change the news does not describe)."""
        self._has_news, self._news = True, None
        self._read_news()

    def _read_news(self) -> None:
        if self._reading or not self._has_news:
            return
        if self.loaded and not in_sight(self):
            return  # the news is kept, and read when this screen is shown again
        rescored = self._news if self.snapshot is not None else None
        self._has_news, self._news, self._reading, self._lost = False, None, True, False
        self._read(self.snapshot, rescored)

    # A description: without one, Textual names the worker by repr() of its arguments, on the UI
    # thread, and a snapshot of 20,000 scores takes 60 ms to repr.
    @work(thread=True, group="workshop-load", exit_on_error=False, description="reading the workshop")
    def _read(self, snapshot: WorkshopSnapshot | None, rescored: frozenset[str] | None) -> None:
        if snapshot is None or rescored is None:
            fresh = self.session.snapshot(self.workshop_id).warm()
        else:
            fresh = self.session.rescore(snapshot, rescored)
        self.post_message(self.Loaded(fresh, first=not self.loaded, rescored=rescored))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A load that fails is told, not left as an empty screen (a worker's news reaches its own
        # screen only, not the app): a workshop whose own row or scale breaks the domain's rules
        # is refused with one line that says which (store/workshops.py).
        if event.worker.group == "workshop-load" and event.state is WorkerState.ERROR and event.worker.error:
            self._reading = False
            self._lost = True  # what that read was to bring is not on screen: the next reads all
            self.notify(str(event.worker.error), title="Not opened", severity="error", markup=False)
            if not self.loaded:  # nothing to show: back to the list rather than an empty step
                self.post_message(go.OpenHome())

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self._reading = False
        self.snapshot = message.snapshot
        first = message.first and not self.loaded
        if message.rescored is not None and not first:
            self.show_scores(message.snapshot, message.rescored)
        else:
            self.show(message.snapshot, first)
        self.loaded = True
        # Rows of the file that break the domain's rules are left out of the snapshot; each is
        # named once, when first met, not on every reload.
        news = [row for row in message.snapshot.problems if row not in self._named]
        if news:
            self._named.update(news)
            self.notify(describe_refused(news), title="Rows refused", severity="warning", timeout=15, markup=False)
        self._read_news()  # what arrived meanwhile

    def show_scores(self, snapshot: WorkshopSnapshot, rescored: frozenset[str]) -> None:
        """Draw a snapshot in which only these dimensions' scores changed. A screen that can
        redraw just those rows overrides this; the others draw it all."""
        self.show(snapshot, False)

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
