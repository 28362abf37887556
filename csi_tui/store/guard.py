"""Inspect a database file before csi-tui writes anything to it.

Every check here only reads. A file that is not ours, is damaged or truncated, was written by a
newer csi-tui, or carries triggers or views we did not create is refused with one line that says
why, and its bytes are left exactly as they were. Opened files are untrusted input.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from csi_tui.domain.errors import FileRefused
from csi_tui.store.schema import (
    APPLICATION_ID,
    KNOWN_NAMES,
    applied_names,
    known_triggers_and_views,
    triggers_and_views,
)

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Inspection:
    exists: bool  # False: a new file will be created
    applied: tuple[str, ...]  # our migrations already in the file


def _read_header(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(100)
    except PermissionError:
        raise FileRefused(f"{path}: cannot be read (permission denied)") from None
    except OSError as error:
        raise FileRefused(f"{path}: cannot be read ({error.strerror or error})") from None


def _check_header(path: Path, header: bytes, size: int) -> None:
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise FileRefused(f"{path}: not a SQLite database, so not a csi-tui workshop file")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise FileRefused(f"{path}: damaged (its header gives an impossible page size)")
    change_counter = header[24:28]
    pages_in_header = int.from_bytes(header[28:32], "big")
    header_size_valid = pages_in_header and header[92:96] == change_counter
    if size % page_size or (header_size_valid and size < pages_in_header * page_size):
        raise FileRefused(f"{path}: truncated or damaged (its size does not match its header)")


def _inspect_read_only(path: Path) -> Inspection:
    """The contents' checks, on a connection that can neither write nor create anything."""
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            return _inspect_contents(path, conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise FileRefused(f"{path}: damaged ({error})") from None


def inspect(path: Path) -> Inspection:
    """Decide whether csi-tui may open ``path``; raise FileRefused if not."""
    try:
        info = path.stat()
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise FileRefused(f"{path}: the folder {path.parent} does not exist") from None
        return Inspection(exists=False, applied=())
    except OSError as error:
        raise FileRefused(f"{path}: cannot be read ({error.strerror or error})") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileRefused(f"{path}: is a directory, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(f"{path}: is not a regular file")
    header = _read_header(path)
    if info.st_size == 0:
        # SQLite itself treats an empty file as an empty database: nothing in it to lose.
        return Inspection(exists=True, applied=())
    _check_header(path, header, info.st_size)
    if not os.access(path, os.W_OK):
        raise FileRefused(f"{path}: is read-only; csi-tui saves every change, so it needs to write")
    return _inspect_read_only(path)


def inspect_source(path: Path) -> tuple[str, ...]:
    """Check a file csi-tui will only read from (a merge's source): the same refusals as for a
    file to open, except that it may be read-only, and an empty file has nothing to give.
    Returns the migrations applied to it."""
    try:
        info = path.stat()
    except OSError as error:
        raise FileRefused(f"{path}: cannot be read ({error.strerror or error})") from None
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(f"{path}: is not a regular file")
    _check_header(path, _read_header(path), info.st_size)
    inspection = _inspect_read_only(path)
    if not inspection.applied:
        raise FileRefused(f"{path}: holds no csi-tui workshops")
    return inspection.applied


def read_only_uri(path: Path) -> str:
    """The URI that reads ``path`` without creating or changing anything beside it (for ATTACH).
    mode=ro on a WAL-mode file creates -wal and -shm beside it; with no -wal present (no other
    connection, clean shutdown) immutable=1 reads the file as it stands and creates nothing."""
    wal_present = path.with_name(path.name + "-wal").exists()
    return f"file:{quote(str(path.resolve()))}?{'mode=ro' if wal_present else 'immutable=1'}"


def _inspect_contents(path: Path, conn: sqlite3.Connection) -> Inspection:
    problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise FileRefused(f"{path}: damaged ({problems[0]})")
    (application_id,) = conn.execute("PRAGMA application_id").fetchone()
    (objects,) = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if application_id == 0 and objects == 0:
        return Inspection(exists=True, applied=())
    if application_id != APPLICATION_ID:
        raise FileRefused(f"{path}: a SQLite database, but not a csi-tui workshop file")

    applied = applied_names(conn)
    unknown = [name for name in applied if name not in KNOWN_NAMES]
    if unknown:
        raise FileRefused(
            f"{path}: written by a newer csi-tui (schema version {len(applied)}, this version "
            f"knows {len(KNOWN_NAMES)}); upgrade csi-tui to open it"
        )
    strangers = set(triggers_and_views(conn)) - known_triggers_and_views()
    if strangers:
        names = ", ".join(sorted(f"{kind} {name}" for kind, name, _ in strangers))
        raise FileRefused(f"{path}: contains a {names} that csi-tui did not create; not opened")
    return Inspection(exists=True, applied=tuple(applied))
