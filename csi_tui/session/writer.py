"""The one writer thread, with its one connection: saves run off the UI thread, in the order they
were asked for, each as a Future that the session resolves. No Textual here."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from csi_tui.domain.clock import Clock, utc_now

if TYPE_CHECKING:
    from csi_tui.store.workshop_store import WorkshopStore

T = TypeVar("T")
Job = Callable[["WorkshopStore"], Any]

_STOP = object()


class Writer:
    def __init__(self, path: Path, clock: Clock = utc_now) -> None:
        self.path = path
        self.clock = clock
        self._jobs: queue.Queue[tuple[Job, Future[Any]] | object] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="csi-tui writer", daemon=True)
        self._started = False

    def put(self, job: Callable[[WorkshopStore], T]) -> Future[T]:
        """Queue a job; its Future holds the result or the exception once it has run."""
        if not self._started:
            # Started with the first save, not with the app: it loads the store and its models,
            # which would compete with the first paint (docs/performance.md).
            self._started = True
            self._thread.start()
        outcome: Future[T] = Future()
        self._jobs.put((job, outcome))
        return outcome

    def drain(self, timeout: float = 30.0) -> None:
        """Wait until every job put so far has run (for quitting and for tests)."""
        if self._started:
            self.put(lambda store: None).result(timeout)

    def close(self, timeout: float = 30.0) -> None:
        """Finish every job already put, then stop."""
        if self._started and self._thread.is_alive():
            self._jobs.put(_STOP)
            self._thread.join(timeout)

    def _run(self) -> None:
        # The named lazy boundary session → store: imported here, on the writer thread.
        from csi_tui.store.workshop_store import WorkshopStore

        store = WorkshopStore.connect(self.path, self.clock)
        try:
            while (entry := self._jobs.get()) is not _STOP:
                assert isinstance(entry, tuple)
                job, outcome = entry
                try:
                    result = job(store)
                except Exception as failure:  # told to the facilitator through the session
                    outcome.set_exception(failure)
                else:
                    outcome.set_result(result)
        finally:
            store.close()
