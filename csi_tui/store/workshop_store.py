"""The workshop store: one connection to one workshop file, with a method for each read and save.

The methods live with their kind of record, each module holding its own SQL: workshops.py,
dimensions.py, answers.py, participants.py, scores.py, kpis.py, register_items.py, checkpoints.py,
cycles.py, read_model.py (the snapshot the screens read), change_log.py (every save is one
transaction with its change-log rows). This module composes them and opens files.

Pragmas, and how a file is checked, created and upgraded: store/opening.py.
"""

from __future__ import annotations

from pathlib import Path

from csi_tui.domain.clock import Clock, utc_now
from csi_tui.store.connection import Database
from csi_tui.store.cycles import CycleRecords
from csi_tui.store.opening import connect, data_version, open_file
from csi_tui.store.read_model import ReadModel, WorkshopSnapshot
from csi_tui.store.schema import applied_names

__all__ = ["WorkshopSnapshot", "WorkshopStore", "open_store"]


def open_store(path: Path | str, clock: Clock = utc_now) -> WorkshopStore:
    """Inspect, create or migrate the file, then open it (see store/opening.py). Raises
    FileRefused, leaving a refused file byte-for-byte untouched."""
    return WorkshopStore(open_file(path), clock)


class WorkshopStore(ReadModel, CycleRecords):
    """One connection to one workshop file. Not shared between threads: open one per thread."""

    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    @classmethod
    def connect(cls, path: Path | str, clock: Clock = utc_now) -> WorkshopStore:
        return cls(connect(path), clock)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> WorkshopStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        return len(applied_names(self.db.conn))

    def data_version(self) -> int:
        return data_version(self.db)
