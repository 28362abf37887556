"""One writer thread with one connection: saves run off the UI thread, in the order they were
asked for, and each reports back through its own callback. No Textual here; the UI's callbacks
post messages."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csi_tui.clock import Clock, utc_now

if TYPE_CHECKING:
    from csi_tui.store.workshop_store import WorkshopStore

Done = Callable[[Any, BaseException | None], None]


@dataclass(frozen=True)
class WriteJob:
    action: Callable[[WorkshopStore], Any]
    done: Done | None = None


_STOP = object()


class WriteQueue:
    def __init__(self, path: Path, clock: Clock = utc_now) -> None:
        self.path = path
        self.clock = clock
        self._jobs: queue.Queue[WriteJob | object] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="csi-tui writer", daemon=True)
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def submit(self, action: Callable[[WorkshopStore], Any], done: Done | None = None) -> None:
        self.start()
        self._jobs.put(WriteJob(action, done))

    def close(self, timeout: float = 30.0) -> None:
        """Finish every job already submitted, then stop."""
        if self._started and self._thread.is_alive():
            self._jobs.put(_STOP)
            self._thread.join(timeout)

    def drain(self, timeout: float = 30.0) -> None:
        """Wait until every job submitted so far has run (for tests and for quitting)."""
        finished = threading.Event()
        self.submit(lambda store: None, lambda result, error: finished.set())
        finished.wait(timeout)

    def _run(self) -> None:
        # Imported here, on the writer thread: the store and its models load after the first paint.
        from csi_tui.store.workshop_store import WorkshopStore

        store = WorkshopStore.connect(self.path, self.clock)
        try:
            while (job := self._jobs.get()) is not _STOP:
                assert isinstance(job, WriteJob)
                try:
                    result, error = job.action(store), None
                except Exception as failure:  # reported to the facilitator by the callback
                    result, error = None, failure
                if job.done is not None:
                    job.done(result, error)
        finally:
            store.close()
