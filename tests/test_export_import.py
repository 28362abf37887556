"""Workshops leave a file and arrive in another intact: JSON and database exports round-trip,
ids are remapped so nothing collides, and no export replaces a file unless told to."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csi_tui.cli import main
from csi_tui.domain.errors import InvalidInput
from csi_tui.transfer.document import import_document, workshop_document
from csi_tui.transfer.formats import EXPORTS
from csi_tui.transfer.files import export_database, export_json, import_file
from csi_tui.domain.models import Checkpoint, Kpi, Measurement, Participant, RegisterItem, Score, ScoreKind
from csi_tui.store.workshop_store import WorkshopStore, open_store
from tests.conftest import RunCli, create_workshop, fixed_clock
from tests.test_bad_files import older_schema


def rich_workshop(store: WorkshopStore) -> int:
    """A workshop with something in every table an export carries."""
    workshop_id = create_workshop(store, title="Service desk [CSI] \x1b[31m2026")
    bea = store.add_participant(workshop_id, Participant(name="Bea", role="Sales", perspective="business"))
    ivo = store.add_participant(workshop_id, Participant(name="Ivo", perspective="it"))
    store.save_answer(workshop_id, 1, "vision", "Fewer repeat calls, = happier users")
    store.save_answer(workshop_id, 4, "approach", "Knowledge first")
    for voice in (None, bea.id, ivo.id):
        store.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT,
                                            value=2 if voice else 1, participant_id=voice, evidence="survey"))
    store.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind=ScoreKind.TARGET, value=4))
    kpi = store.add_kpi(workshop_id, Kpi(name="FCR", unit="%", baseline=60, short_target=75,
                                         dimension_key="partners-suppliers"))
    store.add_measurement(workshop_id, Measurement(kpi_id=kpi.id, measured_at=datetime(2026, 2, 1, tzinfo=UTC),
                                                   value=64, note="after training"))
    item = store.add_register_item(workshop_id, RegisterItem(
        raised_on=date(2026, 3, 1), description="Supplier review", priority=2, owner="Ivo",
        due_on=date(2026, 6, 30), dimension_keys=["partners-suppliers"], kpi_ids=[kpi.id]))
    store.change_register_status(workshop_id, item.number, "accepted")
    store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 2), description="Portal"))
    store.add_checkpoint(workshop_id, Checkpoint(due_on=date(2026, 6, 14), went_well="FCR up"))
    return workshop_id


def test_json_export_import_export_gives_the_same_document(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db", clock=fixed_clock) as source:
        create_workshop(source, title="Another one first, so ids differ")
        workshop_id = rich_workshop(source)
        export_json(source, workshop_id, tmp_path / "first.json")
    with open_store(tmp_path / "b.db", clock=fixed_clock) as target:
        for _ in range(3):  # the target already holds workshops, people and KPIs with low ids
            existing = create_workshop(target)
            target.add_participant(existing, Participant(name="Zed", perspective="it"))
            target.add_kpi(existing, Kpi(name="Other"))
        (imported,) = import_file(target, tmp_path / "first.json")
        assert imported == 4
        export_json(target, imported, tmp_path / "second.json")
        assert [p.name for p in target.participants(1)] == ["Zed"]  # nothing collided
    first = (tmp_path / "first.json").read_text(encoding="utf-8")
    assert (tmp_path / "second.json").read_text(encoding="utf-8") == first
    document = json.loads(first)
    assert document["workshop"]["title"] == "Service desk [CSI] \x1b[31m2026"
    assert len(document["scores"]) == 4 and len(document["register_items"]) == 2
    assert document["register_items"][0]["kpi_ids"] == [1] and document["register_items"][0]["status"] == "accepted"


def test_a_database_export_with_history_round_trips_and_keeps_cycles_linked(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db", clock=fixed_clock) as source:
        create_workshop(source, title="Unrelated")
        first = rich_workshop(source)
        second = source.start_next_cycle(first).id
        originals = [workshop_document(source, first), workshop_document(source, second)]
        alone = export_database(source, second, tmp_path / "alone.db")
        both = export_database(source, second, tmp_path / "both.db", with_history=True)
    assert len(alone) == 1 and len(both) == 2
    assert not (tmp_path / "both.db-wal").exists()  # one self-contained file
    with open_store(tmp_path / "both.db") as exported:
        older, newer = sorted(exported.workshops(), key=lambda w: w.cycle)
        assert newer.previous_id == older.id and (older.cycle, newer.cycle) == (1, 2)
        assert [workshop_document(exported, older.id), workshop_document(exported, newer.id)] == originals
    with open_store(tmp_path / "c.db") as target:  # and importing the .db brings both, still linked
        create_workshop(target)
        ids = import_file(target, tmp_path / "both.db")
        assert target.workshop(ids[1]).previous_id == ids[0]
        assert workshop_document(target, ids[1]) == originals[1]


def test_the_next_cycle_and_an_import_link_carried_items_to_the_same_kpis(store: WorkshopStore) -> None:
    create_workshop(store, title="Unrelated, so the copies' KPI ids differ from the source's")
    first = create_workshop(store)
    fcr, backlog, csat = (store.add_kpi(first, Kpi(name=name)).id for name in ("FCR", "Backlog", "CSAT"))
    for description, kpi_ids in [("Knowledge", [fcr]), ("Both", [backlog, fcr]), ("None", []), ("Survey", [csat])]:
        store.add_register_item(first, RegisterItem(raised_on=date(2026, 3, 1), description=description,
                                                    kpi_ids=kpi_ids))
    store.add_register_item(first, RegisterItem(raised_on=date(2026, 3, 1), description="Done", status="closed",
                                                closure="successful", kpi_ids=[csat]))

    def links(workshop_id: int) -> dict[str, list[str]]:
        names = {kpi.id: kpi.name for kpi in store.kpis(workshop_id)}
        return {item.description: [names[k] for k in item.kpi_ids] for item in store.register_items(workshop_id)
                if item.status != "closed"}

    next_cycle = store.start_next_cycle(first).id
    imported = import_document(store, workshop_document(store, first))
    assert links(next_cycle) == links(imported) == links(first) == {
        "Knowledge": ["FCR"], "Both": ["FCR", "Backlog"], "None": [], "Survey": ["CSAT"]}
    assert not {kpi.id for kpi in store.kpis(first)} & {kpi.id for kpi in store.kpis(next_cycle)}


def test_an_exported_database_opens_in_the_app(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db", clock=fixed_clock) as source:
        export_database(source, rich_workshop(source), tmp_path / "out.db")
    probe = ("import asyncio, sys\nfrom pathlib import Path\nfrom csi_tui.app import make_app\n"
             "async def main():\n"
             "    app = make_app(Path(sys.argv[1]), keymap={})\n"
             "    async with app.run_test() as pilot:\n"
             "        for _ in range(100):\n"
             "            await pilot.pause(0.05)\n"
             "            table = app.screen.query('#workshops')\n"
             "            if table and table.first().row_count:\n"
             "                print(table.first().get_row_at(0)[0].plain); return\n"
             "asyncio.run(main())\n")
    result = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "out.db")], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).parent.parent)
    # Brackets show as typed; the escape sequence is stored as typed but never drawn (domain/text.py).
    assert result.stdout.strip() == "Service desk [CSI] 2026"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_no_export_replaces_a_file_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.db"
    with open_store(db) as store:
        workshop_id = create_workshop(store)
    for fmt in ("json", "db", "md", "html"):  # csv: test_tables_and_reports.py
        output = tmp_path / f"mine.{fmt}"
        output.write_bytes(b"a facilitator's own file")
        code, _, err = run(capsys, "export", str(workshop_id), "--db", str(db), "--format", fmt, "-o", str(output))
        assert code == 2 and err.strip() == f"csi-tui: {output} already exists; add --force to replace it"
        assert output.read_bytes() == b"a facilitator's own file"
        code, out, _ = run(capsys, "export", str(workshop_id), "--db", str(db), "--format", fmt, "-o", str(output),
                           "--force")
        assert code == 0 and "written to" in out
        assert output.read_bytes() != b"a facilitator's own file"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no partial files left


@pytest.mark.parametrize(("args", "message"), [
    (["export", "99", "--format", "json", "-o", "{tmp}/x.json"], "no workshop with id 99"),
    (["export", "1", "--format", "json", "-o", "{tmp}/missing/x.json"], "does not exist"),
    (["export", "1", "--format", "json", "-o", "{tmp}"], "is a directory"),
    (["export", "99", "--format", "html", "-o", "{tmp}/x.html"], "no workshop with id 99"),
    (["export", "1", "--format", "md", "-o", "{tmp}/missing/x.md"], "does not exist"),
    (["export", "1", "--format", "csv", "-o", "{tmp}/missing/tables"], "does not exist"),
    (["import", "{tmp}/nothing.json"], "no such file"),
])
def test_a_bad_id_or_path_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               args: list[str], message: str) -> None:
    db = tmp_path / "w.db"
    with open_store(db) as store:
        create_workshop(store)
    code, _, err = run(capsys, "--db", str(db), *[a.format(tmp=tmp_path) for a in args])
    assert code == 2 and message in err and err.count("\n") == 1


def test_an_unknown_format_exits_2_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "csi_tui", "export", "1", "--format", "xlsx", "-o", "x"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2 and "invalid choice: 'xlsx'" in result.stderr and result.stderr.count("\n") == 1


@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                 st.dictionaries(st.text(max_size=8), st.integers()).map(lambda d: json.dumps(d).encode())))
def test_any_json_file_is_imported_or_refused_in_one_line_never_half(payload: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.json"
        source.write_bytes(payload)
        with open_store(Path(folder) / "w.db") as store:
            with pytest.raises(InvalidInput, match="not a csi-tui workshop document"):
                import_file(store, source)
            assert store.workshops() == []


# --- an export never replaces what the command reads, nor anything but a regular file -----------

def folder_bytes(folder: Path) -> dict[str, bytes | str]:
    """Every entry in a folder (the database, its -wal and -shm, anything beside it) and its bytes."""
    return {p.name: p.read_bytes() if p.is_file() and not p.is_symlink() else os.readlink(p) if p.is_symlink()
            else "not a regular file" for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(("fmt", "target"), [
    ("json", "self.db"), ("db", "self.db"), ("html", "self.db"), ("csv", "."),
    ("json", "self.db-wal"), ("md", "self.db-shm"), ("db", "link.db"), ("json", "hard.db"),
])
def test_an_export_onto_the_database_it_reads_is_refused_even_with_force(
    tmp_path: Path, run_cli: RunCli, fmt: str, target: str
) -> None:
    db = tmp_path / "self.db"
    with open_store(db) as store:
        create_workshop(store, title="First")
        create_workshop(store, title="Second")
    (tmp_path / "link.db").symlink_to(db)
    os.link(db, tmp_path / "hard.db")
    before = folder_bytes(tmp_path)
    result = run_cli("export", "1", "--format", fmt, "-o", str(tmp_path / target), "--force", "--db", str(db))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "reads" in result.stderr, result.stderr
    assert folder_bytes(tmp_path) == before  # every workshop still there, nothing written beside


@pytest.mark.parametrize("kind", ["a FIFO", "a device node", "/dev/null"])
@pytest.mark.parametrize("force", [False, True])
def test_an_export_onto_a_device_or_a_fifo_is_refused(tmp_path: Path, run_cli: RunCli, kind: str,
                                                     force: bool) -> None:
    db = tmp_path / "w.db"
    with open_store(db) as store:
        create_workshop(store)
    if kind == "a FIFO":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    elif kind == "a device node":  # a private copy of /dev/null: the same kind of file, nobody else's
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        target = tmp_path / "null"
        os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    else:
        target = Path("/dev/null")
    before = target.lstat()
    result = run_cli("export", "1", "--format", "json", "-o", str(target), *(["--force"] if force else []),
                     "--db", str(db))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "not a regular file" in result.stderr
    after = target.lstat()
    assert (stat.S_IFMT(after.st_mode), after.st_ino, after.st_rdev) == (
        stat.S_IFMT(before.st_mode), before.st_ino, before.st_rdev)
    assert not list(tmp_path.glob(".*"))


def test_importing_an_older_database_reads_it_without_upgrading_it(tmp_path: Path, run_cli: RunCli) -> None:
    source = tmp_path / "from-a-colleague" / "old.db"
    source.parent.mkdir()
    older_schema(source)
    before = folder_bytes(source.parent)
    result = run_cli("import", str(source), "--db", str(tmp_path / "mine.db"))
    assert result.returncode == 0, result.stderr
    assert folder_bytes(source.parent) == before  # no migration in place, no .bak, no -wal or -shm
    with open_store(tmp_path / "mine.db") as store:
        assert [w.title for w in store.workshops()] == ["Service desk CSI"]
        assert len(store.answers(1)[1]["vision"]) == 3000 * 6


@pytest.mark.parametrize("name", ["empty.db", "missing.db"])
def test_an_empty_or_missing_import_source_is_refused_and_not_created(tmp_path: Path, run_cli: RunCli,
                                                                      name: str) -> None:
    source = tmp_path / "in" / name
    source.parent.mkdir()
    if name == "empty.db":
        source.touch()
    result = run_cli("import", str(source), "--db", str(tmp_path / "mine.db"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert sorted(p.name for p in source.parent.iterdir()) == (["empty.db"] if name == "empty.db" else [])
    if name == "empty.db":
        assert source.read_bytes() == b""


def test_a_json_document_with_a_byte_order_mark_imports(tmp_path: Path, run_cli: RunCli) -> None:
    with open_store(tmp_path / "a.db", clock=fixed_clock) as source:
        export_json(source, rich_workshop(source), tmp_path / "plain.json")
    marked = tmp_path / "marked.json"  # as Windows Notepad and some editors save UTF-8
    marked.write_bytes(b"\xef\xbb\xbf" + (tmp_path / "plain.json").read_bytes())
    result = run_cli("import", str(marked), "--db", str(tmp_path / "b.db"))
    assert result.returncode == 0, result.stderr
    with open_store(tmp_path / "b.db") as store:
        assert [w.title for w in store.workshops()] == ["Service desk [CSI] \x1b[31m2026"]


def test_an_export_that_runs_out_of_space_says_so_in_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    with open_store(db) as store:
        workshop_id = create_workshop(store)
        store.save_answer(workshop_id, 1, "vision", "x" * 200_000)
    for fmt in (f.key for f in EXPORTS):  # every format the command line and the dialog offer
        result = run_limited(["export", str(workshop_id), "--format", fmt, "-o", str(tmp_path / f"out.{fmt}"),
                              "--db", str(db)], limit=64_000, killed=False)
        assert result.returncode == 2, (fmt, result.stderr)
        assert result.stderr.count("\n") == 1 and "could not be written" in result.stderr, (fmt, result.stderr)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["w.db"], fmt


def run_limited(args: list[str], limit: int, killed: bool) -> subprocess.CompletedProcess[str]:
    """The command line with a small file-size limit (RLIMIT_FSIZE): a write past it fails with
    EFBIG, as on a full disk, or, with SIGXFSZ at its default, kills the process mid-write.
    Python ignores SIGXFSZ at start-up, so the child restores the default itself when asked."""
    code = ("import os, resource, runpy, signal, sys\n"
            f"if {killed!r}: signal.signal(signal.SIGXFSZ, signal.SIG_DFL)\n"
            f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
            "sys.argv = ['csi-tui', *sys.argv[1:]]\n"
            "runpy.run_module('csi_tui', run_name='__main__')\n")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                          cwd=Path(__file__).resolve().parent.parent)


def test_a_database_whose_workshop_cannot_be_imported_is_named_as_an_import(tmp_path: Path, run_cli) -> None:
    """The import said "workshop 1 cannot be exported", without the file's name."""
    source = tmp_path / "source.db"
    with open_store(source) as store:
        create_workshop(store)
    with sqlite3.connect(source) as conn:  # a workshop the models cannot hold: no dimension at all
        conn.execute("DELETE FROM dimension")
    conn.close()
    result = run_cli("import", str(source), "--db", str(tmp_path / "into.db"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"{source}: workshop 1 cannot be imported" in result.stderr and "export" not in result.stderr
