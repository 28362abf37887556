"""A file that is not ours, is damaged or truncated, was written by a newer version, is a
directory or cannot be read: exit status 2, one line on stderr, and the file left as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from csi_tui.store.workshop_store import open_store
from tests.conftest import RunCli, create_workshop


def make_valid(path: Path) -> None:
    with open_store(path) as store:
        workshop_id = create_workshop(store, template="itil4-practices")
        for step in range(1, 7):
            store.save_answer(workshop_id, 1, "vision", "x" * 3000 * step)


def not_sqlite(path: Path) -> None:
    path.write_text("title,organisation\nService desk CSI,Acme\n" * 50)


def fake_header(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)


def damaged(path: Path) -> None:
    make_valid(path)
    with sqlite3.connect(path) as conn:
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    with path.open("r+b") as handle:  # scribble over the second page, a b-tree root
        handle.seek(page_size)
        handle.write(b"\xa5" * page_size)


def truncated_at_a_page(path: Path) -> None:
    make_valid(path)
    with sqlite3.connect(path) as conn:
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    pages = path.stat().st_size // page_size
    os.truncate(path, (pages // 2) * page_size)


def truncated_mid_page(path: Path) -> None:
    make_valid(path)
    os.truncate(path, path.stat().st_size - 1000)


def valid_then(statement: str) -> Callable[[Path], None]:
    """A valid workshop file, then one SQL statement run on it by someone else's tool."""

    def make(path: Path) -> None:
        make_valid(path)
        with sqlite3.connect(path) as conn:
            conn.execute(statement)
        conn.close()

    return make


newer_schema = valid_then(
    "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
    "VALUES ('csi-tui', 'm9999_from_the_future', '2030-01-01')"
)
foreign_trigger = valid_then("CREATE TRIGGER sneaky AFTER INSERT ON answer BEGIN DELETE FROM workshop; END")
foreign_view = valid_then("CREATE VIEW innocent AS SELECT * FROM workshop")


def someone_elses_database(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE people (name TEXT)")
        conn.execute("INSERT INTO people VALUES ('Ann')")
    conn.close()


def directory(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text("keep me")


def unreadable(path: Path) -> None:
    make_valid(path)
    path.chmod(0)


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "not sqlite": (not_sqlite, "not a SQLite database"),
    "fake header": (fake_header, "damaged"),
    "damaged": (damaged, "damaged"),
    "truncated at a page": (truncated_at_a_page, "truncated"),
    "truncated mid page": (truncated_mid_page, "truncated"),
    "newer schema": (newer_schema, "newer csi-tui"),
    "someone else's database": (someone_elses_database, "not a csi-tui workshop file"),
    "foreign trigger": (foreign_trigger, "trigger sneaky"),
    "foreign view": (foreign_view, "view innocent"),
    "directory": (directory, "is a directory"),
    "unreadable": (unreadable, "permission denied"),
}


def fingerprint(path: Path) -> dict[str, str]:
    """Every file at or beside the path, with its bytes' hash: nothing may change or appear."""
    return {
        str(p.relative_to(path.parent)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(path.parent.rglob("*"))
    }


def without_file_permission_override() -> tuple[str, ...]:
    """Root reads any file; drop that power so that chmod 000 means unreadable for the CLI too."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    assert setpriv, "running as root needs setpriv (util-linux) to test an unreadable file"
    caps = "-dac_override,-dac_read_search"
    return (setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}")


@pytest.mark.parametrize("command", [["list"], []], ids=["list", "open the app"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_file_is_refused_in_one_line_and_left_untouched(
    tmp_path: Path, run_cli: RunCli, case: str, command: list[str]
) -> None:
    make, reason = CASES[case]
    path = tmp_path / "case" / "workshops.db"
    path.parent.mkdir()
    make(path)
    if case == "unreadable":
        path.chmod(0o644)
        before = fingerprint(path)
        path.chmod(0)
    else:
        before = fingerprint(path)

    result = run_cli(*command, "--db", str(path), prefix=without_file_permission_override() if case == "unreadable" else ())

    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"csi-tui: {path}: ")
    assert reason in lines[0]
    assert result.stdout == ""
    path.chmod(0o755 if path.is_dir() else 0o644)
    assert fingerprint(path) == before


def test_a_missing_folder_is_refused_without_creating_it(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "nowhere" / "workshops.db"
    result = run_cli("list", "--db", str(path))
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
    assert "does not exist" in result.stderr
    assert not path.parent.exists()


def test_an_empty_file_is_taken_as_a_new_database(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    result = run_cli("list", "--db", str(path))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM workshop").fetchone() == (0,)
