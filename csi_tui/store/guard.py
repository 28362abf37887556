"""Inspect a database file before csi-tui writes anything to it, or reads anything from it.

Every check here only reads. A file that is not ours, is damaged or truncated, was written by a
newer csi-tui, or carries triggers, views or indexes that run code we did not write is refused with
one line that says why, and its bytes are left exactly as they were. Opened files are untrusted
input.

Two doors:
- `inspect`: a file csi-tui will write (the app, `new`, `import`'s target, a merge's output).
- `reading`: a file csi-tui only reads (`list`, `export`, `import`'s source, a merge's sources).
  It never creates or changes anything: no -wal, -shm or journal, no switch to WAL, no migration.
  An analyst's own views and full-text tables are allowed here: with trusted_schema=OFF a view
  runs only harmless functions, and csi-tui never reads from a view it did not create.

Both look where SQLite will look: at the file a symbolic link points to, and at the -wal and
-shm beside that real file (SQLite follows the link to name them). A -wal holds committed
transactions not yet copied into the file, so a trigger hidden there is as real as one in the file.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from csi_tui.domain.errors import FileRefused
from csi_tui.store.schema import (
    APPLICATION_ID,
    KNOWN_NAMES,
    SCHEMA_VERSION,
    applied_names,
    known_schema_objects,
    schema_objects,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
SIDECARS = ("-wal", "-shm", "-journal")  # what SQLite keeps beside a database file


@dataclass(frozen=True)
class Inspection:
    exists: bool  # False: a new file will be created
    applied: tuple[str, ...]  # our migrations already in the file


@dataclass(frozen=True)
class Reading:
    """A file accepted for reading: the URI that reads it, and what the inspection found."""

    uri: str
    applied: tuple[str, ...]
    copied: bool  # the URI names a temporary copy, gone when `reading` ends


def real_path(path: Path) -> Path:
    """The file SQLite will open: symbolic links followed, as SQLite follows them."""
    return Path(os.path.realpath(path))


def beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


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


def _stat(path: Path) -> os.stat_result:
    try:
        return path.stat()
    except FileNotFoundError:
        raise FileRefused(f"{path}: no such file") from None
    except OSError as error:
        raise FileRefused(f"{path}: cannot be read ({error.strerror or error})") from None


def _regular(path: Path, info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise FileRefused(f"{path}: is a directory, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(f"{path}: is not a regular file")


def _writable_folder(path: Path, folder: Path) -> None:
    # WAL mode keeps -wal and -shm beside the file, and a new file is created there: csi-tui
    # writes in the folder, not only in the file. Checked first, so that a read-only folder is one
    # line rather than SQLite's "unable to open database file" half-way through a command.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FileRefused(f"{path}: its folder {folder} is read-only; csi-tui saves every change beside the "
                          "file, so it needs to write there")


def inspect(path: Path, *, allow_views: bool = False) -> Inspection:
    """Decide whether csi-tui may open ``path`` to write it; raise FileRefused if not.
    ``allow_views``: an analyst's own views may stay (a merge's output; see the module's notes)."""
    real = real_path(path)
    try:
        info = real.stat()
    except FileNotFoundError:
        if not real.parent.is_dir():
            raise FileRefused(f"{path}: the folder {path.parent} does not exist") from None
        _writable_folder(path, real.parent)
        return Inspection(exists=False, applied=())
    except OSError as error:
        raise FileRefused(f"{path}: cannot be read ({error.strerror or error})") from None
    _regular(path, info)
    header = _read_header(real)
    if info.st_size:
        _check_header(path, header, info.st_size)
    if not os.access(real, os.W_OK):
        raise FileRefused(f"{path}: is read-only; csi-tui saves every change, so it needs to write")
    _writable_folder(path, real.parent)
    if info.st_size == 0:
        # SQLite itself treats an empty file as an empty database: nothing in it to lose.
        return Inspection(exists=True, applied=())
    with _readable(real, header) as (uri, _):
        return _inspect_uri(path, uri, allow_views=allow_views)


@contextmanager
def reading(path: Path) -> Iterator[Reading]:
    """Check a file csi-tui will only read and give the URI that reads it, for as long as the
    block runs. A missing or empty file is refused (and not created): it has nothing to give."""
    real = real_path(path)
    info = _stat(real)
    _regular(path, info)
    if info.st_size == 0:
        raise FileRefused(f"{path}: is empty, not a csi-tui workshop file")
    header = _read_header(real)
    _check_header(path, header, info.st_size)
    with _readable(real, header) as (uri, copied):
        inspection = _inspect_uri(path, uri, allow_views=True)
        if not inspection.applied:
            raise FileRefused(f"{path}: holds no csi-tui workshops")
        yield Reading(uri, inspection.applied, copied)


def _uri(path: Path, parameter: str) -> str:
    return f"file:{quote(str(path))}?{parameter}"


@contextmanager
def _readable(real: Path, header: bytes) -> Iterator[tuple[str, bool]]:
    """A URI that reads the file (with its -wal) as it stands, creating and changing nothing
    beside it; and whether it names a temporary copy. Plain mode=ro would not do: on a WAL-mode
    file it creates -wal and -shm and leaves them behind.

    - Rollback-journal file (header bytes 18-19 are 1) with no -wal beside it: mode=ro. A reader
      there creates nothing and takes SQLite's shared lock, so a writer in another process is
      waited for, not torn. (SQLite opens a -wal it finds beside any file, and makes a -shm for it:
      such a file is read from a copy, as below.)
    - WAL file without a -wal: no connection has it open (the last one to close removes the
      -wal), so immutable=1 reads the file as it stands and creates nothing.
    - WAL file with a -wal and a writable -shm: a connection has it open (or crashed); mode=ro
      reads through the same shared index, as every reader of a live file does.
    - WAL file with a -wal but no usable -shm (a copied file, a read-only folder): the file and
      its -wal are copied into a private folder and read there, since recovering the index
      would mean creating the -shm beside the original.
    """
    wal_mode = header[18] == 2 or header[19] == 2
    wal, shm = beside(real, "-wal"), beside(real, "-shm")
    if not wal.exists():
        yield _uri(real, "immutable=1" if wal_mode else "mode=ro"), False
    elif wal_mode and shm.exists() and os.access(shm, os.R_OK | os.W_OK):
        yield _uri(real, "mode=ro"), False
    else:
        import shutil  # only here: `csi-tui open` checks its file before the first paint
        import tempfile

        with tempfile.TemporaryDirectory(prefix="csi-tui-read-") as folder:
            copy = Path(folder) / "copy.db"
            try:
                shutil.copyfile(real, copy)
                shutil.copyfile(wal, beside(copy, "-wal"))
            except OSError as error:
                raise FileRefused(f"{real}: cannot be read ({error.strerror or error})") from None
            yield _uri(copy, "mode=ro"), True


def _inspect_uri(path: Path, uri: str, *, allow_views: bool) -> Inspection:
    """The contents' checks, on a connection that can neither write nor create anything."""
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            return _inspect_contents(path, conn, allow_views)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise FileRefused(f"{path}: damaged ({error})") from None


def _newer(path: Path, version: int) -> FileRefused:
    return FileRefused(
        f"{path}: written by a newer csi-tui (schema version {version}, this version "
        f"knows {SCHEMA_VERSION}); upgrade csi-tui to open it"
    )


def _inspect_contents(path: Path, conn: sqlite3.Connection, allow_views: bool) -> Inspection:
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
    if any(name not in KNOWN_NAMES for name in applied):
        raise _newer(path, len(applied))
    # user_version is the schema version our migrations set: one above ours is a newer schema
    # even when its record of migrations was not kept.
    (user_version,) = conn.execute("PRAGMA user_version").fetchone()
    if user_version > SCHEMA_VERSION:
        raise _newer(path, user_version)
    strangers = sorted(_strangers(conn, allow_views))
    if strangers:
        raise FileRefused(f"{path}: contains {', '.join(strangers)} that csi-tui did not create; not opened")
    return Inspection(exists=True, applied=tuple(applied))


def _strangers(conn: sqlite3.Connection, allow_views: bool) -> Iterator[str]:
    """What in the file runs code csi-tui did not write, each as "a trigger NAME" and so on."""
    known = known_schema_objects()
    our_names = {name for _, name, _ in known}
    for kind, name, sql in schema_objects(conn):
        if (kind, name, sql) in known:
            continue
        if kind == "trigger":  # runs on our writes: never
            yield f"a trigger {name}"
        elif kind == "view" and not allow_views:
            yield f"a view {name}"
        elif kind == "index" and (name in our_names or _runs_code(conn, name)):
            # A plain index on columns costs little and changes nothing; an expression or a WHERE
            # clause runs on every row written (and on the whole table when SQLite checks it).
            yield f"an index {name}"


def _runs_code(conn: sqlite3.Connection, index: str) -> bool:
    columns = conn.execute("SELECT cid FROM pragma_index_xinfo(?)", [index]).fetchall()
    if any(cid == -2 for (cid,) in columns):  # -2: an expression, not a column
        return True
    (table,) = conn.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = ?",
                            [index]).fetchone()
    return any(partial for name, partial in conn.execute(
        "SELECT name, partial FROM pragma_index_list(?)", [table]) if name == index)
