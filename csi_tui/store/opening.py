"""Opening a workshop file: check it, create or upgrade it, and connect with our pragmas.

Plain sqlite3 and the guard, no pydantic: `csi-tui open ID` checks the file and finds the
workshop's step with these alone, so the app paints its first screen before the models load
(docs/performance.md).

Pragmas, on every connection:
- journal_mode=WAL: readers (a second window, the live gap matrix) never block the writer.
- synchronous=FULL: in WAL mode, NORMAL may lose the last commits on power loss (not on a crash).
  A facilitator is promised that what the screen shows as saved is on disk, and each save is
  one small transaction a few times a minute at most, so the extra fsync is worth its cost.
- foreign_keys=ON: SQLite's default is off, per connection.
- trusted_schema=OFF: files are carried between people; their schema is untrusted input.
- busy_timeout: another process writing the same file waits rather than fails.

Files csi-tui only reads (`list`, `export`, `import`'s source) open through `open_source`: read-only,
nothing created or changed beside them, and a file from an older csi-tui upgraded in memory.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from csi_tui.domain.clock import utc_now
from csi_tui.domain.errors import FileRefused, NotFound
from csi_tui.store import guard
from csi_tui.store.connection import Database
from csi_tui.store.schema import SCHEMA_VERSION, migrations

log = logging.getLogger(__name__)

PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA trusted_schema = OFF",
    "PRAGMA synchronous = FULL",
    "PRAGMA busy_timeout = 5000",
)


def connect(path: Path | str) -> Database:
    """A connection with our pragmas, for a file that open_file has already accepted."""
    db = Database(path)
    for pragma in PRAGMAS:
        db.execute(pragma)
    return db


def open_file(path: Path | str, *, allow_views: bool = False, told: Callable[[str], None] | None = None
              ) -> Database:
    """Inspect, create or migrate the file, then connect. Raises FileRefused, leaving a refused
    file byte-for-byte untouched. ``allow_views``: see guard.inspect. ``told``: given one line
    when an existing file is upgraded, naming the copy of it as it was."""
    path = Path(path)
    inspection = guard.inspect(path, allow_views=allow_views)
    db = connect(path)
    try:
        if db.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        pending = len(inspection.applied) < SCHEMA_VERSION  # the guard refused any unknown ones
        if pending and inspection.applied:
            kept = _backup(db, path, len(inspection.applied))
            line = (f"{path.name} was upgraded from schema version {len(inspection.applied)} to "
                    f"{SCHEMA_VERSION} for this csi-tui; the file as it was is kept as {kept}")
            log.warning("%s", line)  # whoever opened it (the app, new, import, merge): in the support log
            if told is not None:
                told(line)
        if pending:
            _migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def _migrate(db: Database) -> None:
    from sqlite_utils import Database as Migrating  # only here: see store/connection.py

    migrations().apply(Migrating(db.conn))
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


READ_PRAGMAS = ("PRAGMA foreign_keys = ON", "PRAGMA trusted_schema = OFF", "PRAGMA busy_timeout = 5000")


def open_source(path: Path | str) -> Database:
    """Open a file csi-tui only reads: checked by the guard, connected read-only (query_only as
    well, so a write by mistake fails rather than lands), and nothing created or changed beside it.
    A file from an older csi-tui is copied into memory and upgraded there, never in place: a read
    command leaves its file byte-for-byte as it was, and writes no backup beside it. Raises
    FileRefused for a missing, empty or refused file."""
    path = Path(path)
    with guard.reading(path) as reading:
        conn = sqlite3.connect(reading.uri, uri=True, isolation_level=None)
        try:
            for pragma in READ_PRAGMAS:
                conn.execute(pragma)
            # In memory when the schema needs upgrading, or when the URI names a temporary copy
            # (gone when `reading` ends: SQLite must not be left reading a deleted -wal).
            if reading.copied or len(reading.applied) < SCHEMA_VERSION:
                memory = sqlite3.connect(":memory:", isolation_level=None)
                conn.backup(memory)
                conn.close()
                conn = memory
                for pragma in READ_PRAGMAS:
                    conn.execute(pragma)
                if len(reading.applied) < SCHEMA_VERSION:
                    _migrate(Database(conn))
            conn.execute("PRAGMA query_only = ON")
        except sqlite3.DatabaseError as error:
            conn.close()
            raise FileRefused(f"{path}: cannot be read ({error})") from None
        except BaseException:
            conn.close()
            raise
    return Database(conn)


def _backup(db: Database, path: Path, version: int) -> Path:
    stamp = utc_now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    with sqlite3.connect(target) as copy:
        db.conn.backup(copy)
    copy.close()
    return target


def current_step(db: Database, workshop_id: int) -> int:
    """The step a workshop was left at: where `csi-tui open ID` resumes it."""
    row = db.execute("SELECT current_step FROM workshop WHERE id = ?", [workshop_id]).fetchone()
    if row is None:
        raise NotFound(f"no workshop with id {workshop_id}")
    return int(row[0])


def data_version(db: Database) -> int:
    """Changes when any *other* connection commits to the file (SQLite's PRAGMA data_version):
    a cheap way to notice another window or process writing, without reading any table."""
    return db.execute("PRAGMA data_version").fetchone()[0]


def last_change(db: Database) -> int:
    """The newest change-log row's id (0: none yet)."""
    return db.execute("SELECT ifnull(max(id), 0) FROM change_log").fetchone()[0]


def changes_since(db: Database, after: int) -> tuple[int, list[tuple[int, str, str]]] | None:
    """What was changed since change-log row `after`: the newest id and each (workshop id,
    entity, entity id) logged since, once each. A score's entity id is cut to its dimension's key
    (`key/kind/participant/perspective` → `key`): which dimensions' scores moved is all a screen
    asks, and a room's burst of 2,040 votes is then 34 rows to hand to the UI's loop, not 4,000.
    None when the log no longer reaches back to `after` (a deleted workshop's history was
    purged): whoever asks must read everything again."""
    newest = last_change(db)
    if newest < after:
        return None
    rows = db.execute(
        """SELECT DISTINCT workshop_id, entity,
                  CASE WHEN entity = 'score' AND instr(entity_id, '/') > 0
                       THEN substr(entity_id, 1, instr(entity_id, '/') - 1) ELSE entity_id END
           FROM change_log WHERE id > ? AND id <= ?""", [after, newest]).fetchall()
    return newest, [(int(w), str(e), str(i)) for w, e, i in rows]
