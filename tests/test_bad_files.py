"""A file that is not ours, is damaged or truncated, was written by a newer version, is a
directory or cannot be read: exit status 2, one line on stderr, and the file left as it was."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils

from csi_tui.store import schema
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
# An index on an expression runs that expression on every row written to the table (and on the
# whole table when built): a stranger's could make each save take minutes. Ours are known.
expression_index = valid_then("CREATE INDEX costly ON answer (replace(replace(value, 'a', 'b'), 'b', 'c'))")
# A known set of migrations, but a schema version this csi-tui has never heard of.
newer_user_version = valid_then("PRAGMA user_version = 99")


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
    "foreign expression index": (expression_index, "index costly"),
    "newer user_version": (newer_user_version, "newer csi-tui"),
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


NEW_FLAGS = ["--title", "T", "--org", "O", "--scope", "S", "--facilitator", "F", "--template", "itil4-dimensions",
             "--scale", "cmmi"]


def test_an_empty_file_is_taken_as_a_new_database_by_a_writing_command_only(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    # list only reads: it finds no workshops and leaves the empty file empty.
    result = run_cli("list", "--db", str(path))
    assert result.returncode == 0 and "csi-tui new" in result.stdout, result.stderr
    assert path.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]
    # new writes: SQLite treats an empty file as an empty database, nothing in it to lose.
    assert run_cli("new", *NEW_FLAGS, "--db", str(path)).returncode == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM workshop").fetchone() == (1,)
    conn.close()


def test_a_link_to_nothing_or_a_pipe_is_named_not_taken_for_no_file(tmp_path: Path, run_cli: RunCli) -> None:
    """list called a link to a missing file "No workshops" (exit 0), and import called a named
    pipe "no such file"."""
    dangling = tmp_path / "moved.db"
    dangling.symlink_to(tmp_path / "gone" / "workshops.db")
    result = run_cli("list", "--db", str(dangling))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, (result.stdout, result.stderr)
    assert "links to" in result.stderr and not dangling.exists()
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe)
    result = run_cli("import", str(pipe), "--db", str(tmp_path / "into.db"), timeout=20)
    assert result.returncode == 2 and "not a file" in result.stderr, result.stderr


# --- read commands never write; the guard looks where SQLite will look ------------------------

def older_schema(path: Path) -> None:
    """A workshop file as the schema before the newest migration left it (a facilitator's file
    from an older csi-tui), holding one workshop with answers, in rollback-journal mode."""
    with tempfile.TemporaryDirectory() as folder:
        newer = Path(folder) / "newer.db"
        make_valid(newer)
        old = sqlite_utils.Database(path, execute_plugins=False)
        schema.migrations().apply(old, stop_before=schema.KNOWN_NAMES[-1])
        old.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION - 1}")
        old.conn.commit()
        old.execute("ATTACH DATABASE ? AS newer", [str(newer)])
        tables = [t for t in old.table_names() if not t.startswith("_sqlite")]
        for table in tables:
            columns = ", ".join(f'"{c.name}"' for c in old[table].columns)
            old.execute(f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM newer."{table}"')
        old.conn.commit()
        old.execute("DETACH DATABASE newer")
        old.close()


def foreign_trigger_in_the_wal(real: Path) -> None:
    """A valid file whose main file is clean, with a committed foreign trigger still in its -wal
    (not yet checkpointed): what SQLite reads is the file and its -wal together."""
    with tempfile.TemporaryDirectory() as folder:
        original = Path(folder) / "w.db"
        make_valid(original)
        conn = sqlite3.connect(original, isolation_level=None)
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("CREATE TRIGGER sneaky AFTER INSERT ON answer BEGIN DELETE FROM answer; END")
        # Copied while the connection is open, so the -wal still holds the trigger's commit.
        shutil.copyfile(original, real)
        shutil.copyfile(original.with_name("w.db-wal"), real.with_name(real.name + "-wal"))
        conn.close()


def test_a_symlink_is_checked_where_sqlite_reads_its_wal(tmp_path: Path, run_cli: RunCli) -> None:
    real = tmp_path / "elsewhere" / "real.db"
    real.parent.mkdir()
    foreign_trigger_in_the_wal(real)
    with sqlite3.connect(f"file:{real}?immutable=1", uri=True) as conn:  # the main file alone looks clean
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'sneaky'"
                            ).fetchone() == (0,)
    conn.close()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    before = fingerprint(real)
    for command in (["list"], []):
        result = run_cli(*command, "--db", str(link))
        assert (result.returncode, result.stderr.count("\n")) == (2, 1), result.stderr
        assert "trigger sneaky" in result.stderr
        assert fingerprint(real) == before  # no -shm made beside the real file either


def test_list_reads_a_rollback_journal_file_without_changing_a_byte(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "case" / "workshops.db"
    path.parent.mkdir()
    make_valid(path)
    with sqlite3.connect(path) as conn:  # as `export --format db` hands a file over
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = fingerprint(path)
    result = run_cli("list", "--db", str(path))
    assert result.returncode == 0 and "Service desk CSI" in result.stdout, result.stderr
    assert fingerprint(path) == before  # not switched to WAL; no -wal or -shm beside it


def test_a_stray_wal_beside_a_rollback_journal_file_is_read_without_a_shm_appearing(
        tmp_path: Path, run_cli: RunCli) -> None:
    """SQLite opens a -wal it finds beside a file, whatever the file's header says, and makes a
    -shm for it: a read command left one beside a file it only read."""
    path = tmp_path / "case" / "workshops.db"
    path.parent.mkdir()
    make_valid(path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    Path(f"{path}-wal").write_bytes(bytes(range(256)) * 32)  # left by some other program
    before = fingerprint(path)
    for command in (["list", "--db", str(path)],
                    ["export", "1", "--db", str(path), "--format", "json", "-o", str(tmp_path / "out.json")]):
        result = run_cli(*command)
        assert result.returncode == 0, result.stderr
        assert fingerprint(path) == before, command  # no -shm made, nothing changed


def test_an_older_file_is_listed_without_being_upgraded_in_place(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "case" / "old.db"
    path.parent.mkdir()
    older_schema(path)
    before = fingerprint(path)
    result = run_cli("list", "--db", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert [w["title"] for w in json.loads(result.stdout)] == ["Service desk CSI"]
    assert fingerprint(path) == before  # no migration, no .bak, no -wal


def test_an_analysts_view_and_full_text_index_are_read_but_the_app_does_not_write_into_them(
    tmp_path: Path, run_cli: RunCli
) -> None:
    path = tmp_path / "case" / "portfolio.db"
    path.parent.mkdir()
    make_valid(path)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE VIEW my_titles AS SELECT title FROM workshop")
        conn.execute("CREATE VIRTUAL TABLE answer_search USING fts5(value)")
        conn.execute("INSERT INTO answer_search SELECT value FROM answer")
    conn.close()
    before = fingerprint(path)
    listed = run_cli("list", "--db", str(path))
    assert listed.returncode == 0 and "Service desk CSI" in listed.stdout, listed.stderr
    opened = run_cli("--db", str(path))  # the app writes: a stranger's view is still refused there
    assert (opened.returncode, opened.stderr.count("\n")) == (2, 1) and "view my_titles" in opened.stderr
    assert fingerprint(path) == before


def test_a_read_only_folder_is_read_and_refused_for_writing_in_one_line(tmp_path: Path, run_cli: RunCli) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "workshops.db"
    make_valid(path)
    document = tmp_path / "w.json"
    assert run_cli("export", "1", "--format", "json", "-o", str(document), "--db", str(path)).returncode == 0
    before = fingerprint(path)
    folder.chmod(0o555)
    as_user = without_file_permission_override()
    try:
        listed = run_cli("list", "--db", str(path), prefix=as_user)  # reading needs no write
        assert listed.returncode == 0 and "Service desk CSI" in listed.stdout, listed.stderr
        exported = run_cli("export", "1", "--format", "md", "-o", str(tmp_path / "w.md"), "--db", str(path),
                           prefix=as_user)
        assert exported.returncode == 0, exported.stderr
        refused = {
            "new": run_cli("new", *NEW_FLAGS, "--db", str(path), prefix=as_user),
            "new file": run_cli("new", *NEW_FLAGS, "--db", str(folder / "other.db"), prefix=as_user),
            "import": run_cli("import", str(document), "--db", str(path), prefix=as_user),
            "open": run_cli("open", "1", "--db", str(path), prefix=as_user),
            "export into it": run_cli("export", "1", "--format", "json", "-o", str(folder / "w.json"),
                                      "--db", str(path), prefix=as_user),
            "csv into it": run_cli("export", "1", "--format", "csv", "-o", str(folder / "tables"),
                                   "--db", str(path), prefix=as_user),
        }
    finally:
        folder.chmod(0o755)
    for name, result in refused.items():
        assert result.returncode == 2, (name, result.stderr)
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("csi-tui: "), (name, result.stderr)
        assert "read-only" in result.stderr or "ermission denied" in result.stderr, (name, result.stderr)
    assert fingerprint(path) == before


def test_text_that_is_not_utf8_in_a_file_is_one_line_for_every_reading_command(
        tmp_path: Path, run_cli: RunCli) -> None:
    """SQLite stores whatever bytes a program gives it as TEXT; Python cannot decode a title of
    bytes that are not UTF-8, and list, export and import ended in a traceback."""
    import sqlite3

    from csi_tui.store.workshop_store import open_store
    from tests.conftest import create_workshop

    path = tmp_path / "bytes.db"
    with open_store(path) as store:
        workshop_id = create_workshop(store)
    with sqlite3.connect(path) as crafted:
        crafted.execute("UPDATE workshop SET title = CAST(X'41C328FF42' AS TEXT) WHERE id = ?", [workshop_id])
    crafted.close()
    before = path.read_bytes()
    runs = {
        "list": run_cli("list", "--db", str(path)),
        "export": run_cli("export", str(workshop_id), "--db", str(path), "--format", "json",
                          "-o", str(tmp_path / "out.json")),
        "import": run_cli("import", str(path), "--db", str(tmp_path / "into.db")),
    }
    for command, result in runs.items():
        assert result.returncode == 2, (command, result.stderr[-500:])
        assert result.stderr.count("\n") == 1 and "not UTF-8" in result.stderr, command
    assert path.read_bytes() == before
