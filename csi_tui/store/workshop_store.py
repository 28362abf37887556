"""The workshop store: one connection to one workshop file, with a method for each read and save.

The methods live with their kind of record, each module holding its own SQL: workshops.py,
dimensions.py, answers.py, participants.py, scores.py, kpis.py, register_items.py, checkpoints.py,
cycles.py, rounds.py (blind rounds from the room's phones), read_model.py (the snapshot the screens read), change_log.py (every save is one
transaction with its change-log rows), removals.py (an item, a KPI, a checkpoint) and undo.py
(a change read back from the log and undone). This module composes them and opens files.

Pragmas, and how a file is checked, created and upgraded: store/opening.py.
"""

from __future__ import annotations

from pathlib import Path

from csi_tui.domain.clock import Clock, utc_now
from csi_tui.store.connection import Database
from csi_tui.store.cycles import CycleRecords
from csi_tui.store.guard import SIDECARS, beside, real_path
from csi_tui.store.opening import connect, data_version, open_file, open_source
from csi_tui.store.read_model import ReadModel, WorkshopSnapshot
from csi_tui.store.removals import RemovalRecords
from csi_tui.store.rounds import RoundRecords
from csi_tui.store.schema import applied_names
from csi_tui.store.undo import UndoRecords

__all__ = ["WorkshopSnapshot", "WorkshopStore", "open_store", "read_store"]


def open_store(path: Path | str, clock: Clock = utc_now) -> WorkshopStore:
    """Inspect, create or migrate the file, then open it (see store/opening.py). Raises
    FileRefused, leaving a refused file byte-for-byte untouched."""
    return WorkshopStore(open_file(path), clock)


def read_store(path: Path | str, clock: Clock = utc_now) -> WorkshopStore:
    """Open a file only to read it (list, export, an import's source): nothing in or beside it is
    created or changed, and an older file is upgraded in memory (see store/opening.open_source)."""
    store = WorkshopStore(open_source(path), clock)
    store.origin = Path(path)
    return store


class WorkshopStore(ReadModel, CycleRecords, RemovalRecords, UndoRecords, RoundRecords):
    """One connection to one workshop file. Not shared between threads: open one per thread."""

    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock
        self.origin: Path | None = None  # the file read_store opened, when reading a copy of it

    def files(self) -> list[Path]:
        """Every file this store reads or writes, symbolic links resolved: its database (or the
        file an in-memory copy was read from) with the -wal, -shm and journal SQLite keeps beside
        it. An export must never land on one of them."""
        mains = [Path(name) for _, _, name in self.db.execute("PRAGMA database_list") if name]
        if self.origin is not None:
            mains.append(self.origin)
        return [file for main in map(real_path, mains) for file in (main, *(beside(main, s) for s in SIDECARS))]

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
