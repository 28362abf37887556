"""What ctrl+z can undo: the changes this session made in this sitting, newest last, each as the
ids of the change-log rows its one transaction wrote. Another window's or process's changes are
never in it (they were not written through this session). No Textual here.

Pushed and popped on the writer thread, in the order the saves run, so an undo asked for after a
save always finds that save, however late the UI hears that it landed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from csi_tui.store.workshop_store import WorkshopStore

T = TypeVar("T")
LIMIT = 200  # steps kept per sitting; a workshop day makes far fewer undoable changes


class UndoHistory:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._steps: list[tuple[int, list[int]]] = []  # (workshop id, change-log ids), oldest first

    def undoable(self, workshop_id: int, job: Callable[[WorkshopStore], T],
                 kept: Callable[[T], bool] = lambda result: True) -> Callable[[WorkshopStore], T]:
        """The job, remembering the change-log rows it wrote as one step to undo (unless `kept`
        says its result changed nothing: an answer refused as a conflict)."""

        def run(store: WorkshopStore) -> T:
            with store.recording() as ids:
                result = job(store)
            if ids and kept(result):
                with self._lock:
                    self._steps.append((workshop_id, list(ids)))
                    del self._steps[:-LIMIT]
            return result

        return run

    def pop(self, workshop_id: int) -> list[int] | None:
        """The newest step of that workshop, taken off the history; None when there is none."""
        with self._lock:
            for index in range(len(self._steps) - 1, -1, -1):
                if self._steps[index][0] == workshop_id:
                    return self._steps.pop(index)[1]
        return None

    def put_back(self, workshop_id: int, ids: list[int]) -> None:
        """A step whose undo could not run yet (another program held the file): it is tried again."""
        with self._lock:
            self._steps.append((workshop_id, ids))
