"""Many session files merged into one portfolio for analysis: ids remapped, sources recorded,
duplicates skipped, bad files reported and skipped while the rest merge."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import sqlite_utils

from benchmarks.sessions import generate_sessions
from csi_tui.cli import main
from csi_tui.demo import write_demo
from csi_tui.transfer.document import workshop_document
from csi_tui.transfer.files import export_database
from csi_tui.transfer.merge import FileResult, merge_files
from csi_tui.domain.cycle import is_open, live_items
from csi_tui.domain.register import is_overdue
from csi_tui.store.workshop_store import open_store
from tests.conftest import fixed_clock
from tests.test_export_import import rich_workshop

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """200 files: 194 good sessions, 2 copies of good ones under other names, 4 bad ones."""
    folder = tmp_path_factory.mktemp("sessions")
    files = generate_sessions(folder, 194, template="itil4-dimensions", participants=3)
    shutil.copyfile(files[0], folder / "copy-of-0.db")
    shutil.copyfile(files[7], folder / "copy-of-7.db")
    (folder / "notes.db").write_text("not a database at all")
    (folder / "truncated.db").write_bytes(files[1].read_bytes()[:3000])
    stranger = folder / "stranger.db"
    with sqlite3.connect(stranger) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    newer = folder / "newer.db"
    shutil.copyfile(files[2], newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('csi-tui', 'm0099_future', '2030-01-01')")
    conn.close()
    ordered = [*files[:100], folder / "copy-of-0.db", folder / "notes.db", folder / "truncated.db",
               *files[100:], folder / "copy-of-7.db", stranger, newer]
    assert len(ordered) == 200
    return ordered


def test_two_hundred_files_merge_with_duplicates_and_bad_files_skipped(sessions: list[Path], tmp_path: Path) -> None:
    portfolio = tmp_path / "portfolio.db"
    seen: list[FileResult] = []
    report = merge_files(sessions, portfolio, progress=seen.append)

    assert [r.path for r in seen] == sessions  # progress heard once per file, in order
    assert report.merged == 194 and report.duplicates == 2
    refused = {r.path.name: r.reason for r in report.refused}
    assert set(refused) == {"notes.db", "truncated.db", "stranger.db", "newer.db"}
    assert "not a SQLite database" in refused["notes.db"]
    assert "truncated" in refused["truncated.db"] or "damaged" in refused["truncated.db"]
    assert "not a csi-tui workshop file" in refused["stranger.db"]
    assert "newer csi-tui" in refused["newer.db"]
    assert all("\n" not in reason for reason in refused.values())

    with open_store(portfolio) as store:  # the portfolio is a csi-tui file the app accepts
        assert len(store.workshops()) == 194
        sources = {row["source_file"] for row in store.db.query("SELECT source_file FROM workshop_source")}
        assert sources == {str(path) for path in sessions[:100] + sessions[103:197]}
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        # every merged workshop says exactly what its session file said, under new ids
        for source in (sessions[0], sessions[150], sessions[196 - 3]):
            new_id = store.db.execute("SELECT workshop_id FROM workshop_source WHERE source_file = ?",
                                      [str(source)]).fetchone()[0]
            with open_store(source) as original:
                assert workshop_document(store, new_id) == workshop_document(original, 1)


def test_merging_again_adds_nothing_and_an_interrupted_merge_resumes(sessions: list[Path], tmp_path: Path) -> None:
    portfolio = tmp_path / "portfolio.db"
    first = merge_files(sessions[:50], portfolio)
    again = merge_files(sessions[:120], portfolio)  # as if the first run had stopped at file 50
    assert first.merged == 50
    assert again.merged == 120 - 50 - 1 - 2 and again.duplicates == 50 + 1  # copy-of-0 is one too
    with open_store(portfolio) as store:
        assert len(store.workshops()) == 117


def test_cycles_stay_linked_and_a_cycle_already_merged_is_linked_to(tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    second = write_demo(demo)
    with open_store(demo) as store:
        export_database(store, second, tmp_path / "history.db", with_history=True)
        export_database(store, store.workshop(second).previous_id, tmp_path / "first-cycle.db")
    portfolio = tmp_path / "portfolio.db"
    merge_files([tmp_path / "first-cycle.db"], portfolio)
    report = merge_files([tmp_path / "history.db"], portfolio)
    assert (report.merged, report.duplicates) == (1, 1)
    with open_store(portfolio) as store:
        first, latest = sorted(store.workshops(), key=lambda w: w.cycle)
        assert latest.previous_id == first.id
        assert store.kpi_trend(latest.id, store.kpis(latest.id)[0].id)  # the trend still spans both cycles
        assert len({cycle for cycle, _ in store.kpi_trend(latest.id, store.kpis(latest.id)[0].id)}) == 2


def test_the_analysis_views_agree_with_the_app(tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    second = write_demo(demo)
    with open_store(demo, clock=fixed_clock) as store:
        rich = rich_workshop(store)
        for workshop_id in (second, store.workshop(second).previous_id, rich):
            snapshot = store.snapshot(workshop_id)
            expected = sorted(((r.key, r.current, r.target, r.gap, r.weighted_gap, r.spread, r.perception_gap, r.rank)
                               for r in snapshot.gap_rows()))
            viewed = sorted(tuple(row) for row in store.db.execute(
                "SELECT dimension_key, current, target, gap, weighted_gap, spread, perception_gap, rank "
                "FROM gap_matrix WHERE workshop_id = ?", [workshop_id]))
            assert viewed == expected
            statuses = [(r.name, r.latest, r.target, r.status.value if r.status else None)
                        for r in snapshot.kpi_reviews]
            assert [tuple(row) for row in store.db.execute(
                "SELECT kpi, latest, target, status FROM kpi_status WHERE workshop_id = ? ORDER BY kpi_id",
                [workshop_id])] == statuses
            # Items carried on to a later cycle are listed there, not here (counted once).
            register = [(i.number, i.status.value, ", ".join(i.dimension_keys))
                        for i in live_items(snapshot.register_items)]
            assert [tuple(row) for row in store.db.execute(
                "SELECT number, status, coalesce(dimensions, '') FROM register_overview WHERE workshop_id = ? "
                "ORDER BY number", [workshop_id])] == register


def test_the_portfolio_works_as_is_with_sqlite_utils_and_datasette(sessions: list[Path], tmp_path: Path) -> None:
    portfolio = tmp_path / "portfolio.db"
    merge_files(sessions[:5], portfolio)
    db = sqlite_utils.Database(portfolio)
    assert {"gap_matrix", "register_overview", "kpi_status"} <= set(db.view_names())
    assert db["gap_matrix"].count == 5 * 4
    db.close()

    import asyncio

    from datasette.app import Datasette

    async def fetch() -> dict[str, object]:
        datasette = Datasette([str(portfolio)], immutables=[])
        response = await datasette.client.get("/portfolio/gap_matrix.json?_shape=array&_size=max")
        assert response.status_code == 200, response.text
        return response.json()

    rows = asyncio.run(fetch())
    assert len(rows) == 20 and {row["workshop"] for row in rows} == {f"Session {n}" for n in range(5)}


def test_merge_on_the_command_line_reports_skipped_files_and_exits_1(sessions: list[Path], tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    portfolio = tmp_path / "p.db"
    chosen = [*sessions[100:104]]  # the duplicate of file 0 merges as new here; notes and truncated are bad
    assert main(["merge", *map(str, chosen), "-o", str(portfolio)]) == 1
    out, err = capsys.readouterr()
    assert out.strip() == f"Merged 2 workshops from 4 files into {portfolio}; 0 already there (skipped), 2 files refused"
    assert sum(line.startswith("csi-tui: skipped ") for line in err.splitlines()) == 2
    assert main(["merge", str(sessions[0]), "-o", str(portfolio)]) == 0
    assert main(["merge", str(sessions[0]), "-o", str(tmp_path / "missing" / "p.db")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_example_queries_in_the_schema_document_run_on_a_portfolio(tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    write_demo(demo)
    portfolio = tmp_path / "portfolio.db"
    merge_files([demo], portfolio)
    queries = re.findall(r"```sql\n(.*?)```", (REPO / "docs" / "schema.md").read_text(), flags=re.S)
    assert len(queries) == 4
    with sqlite3.connect(portfolio) as conn:
        results = [conn.execute(query).fetchall() for query in queries]
    conn.close()
    largest, registers, kpis, sites = results
    assert len(largest) == 5 and largest[0][-1] == 10  # weight 5 x gap 2, the demo's largest
    with open_store(portfolio) as store:
        items = [item for w in store.workshops() for item in store.register_items(w.id)]
    assert registers == [("Northwind Utilities", sum(is_open(i) for i in items),
                          sum(is_overdue(i, date.today()) for i in items))]
    assert {status for _, _, status, _ in kpis} == {"achieved", "partly", "missed"}
    assert [(site, organisation) for site, organisation, _, _ in sites] == [("", "Northwind Utilities")]


def test_a_merge_on_a_terminal_shows_a_progress_bar(sessions: list[Path], tmp_path: Path) -> None:
    import os
    import pty
    import sys

    from benchmarks.startup import ESCAPES

    pid, master = pty.fork()
    if pid == 0:  # on a terminal, as an analyst runs it
        os.execv(sys.executable, [sys.executable, "-m", "csi_tui", "merge", *map(str, sessions[:40]),
                                  "-o", str(tmp_path / "p.db")])
    seen = b""
    while True:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:  # the merge finished and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    os.close(master)
    text = ESCAPES.sub(b"", seen).decode()
    assert os.waitstatus_to_exitcode(status) == 0
    assert "Merging" in text and re.search(r"\b\d+/40\b", text), text[-500:]
    assert "Merged 40 workshops from 40 files" in text


def test_an_analysts_view_and_full_text_index_do_not_lock_them_out(sessions: list[Path], tmp_path: Path) -> None:
    portfolio = tmp_path / "portfolio.db"
    merge_files(sessions[:3], portfolio)
    source = tmp_path / "annotated" / "session.db"
    source.parent.mkdir()
    shutil.copyfile(sessions[3], source)
    for path in (portfolio, source):  # what an analyst adds to study the answers
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE VIEW my_weighted AS SELECT * FROM gap_matrix WHERE weighted_gap > 2")
            conn.execute("CREATE VIRTUAL TABLE answer_search USING fts5(value)")
            conn.execute("INSERT INTO answer_search SELECT value FROM answer")
        conn.close()
    source_before = {p.name: p.read_bytes() for p in source.parent.iterdir()}
    assert main(["merge", str(source), str(sessions[4]), "-o", str(portfolio)]) == 0
    assert {p.name: p.read_bytes() for p in source.parent.iterdir()} == source_before  # read, never written
    with sqlite3.connect(portfolio) as conn:
        assert conn.execute("SELECT count(*) FROM workshop").fetchone() == (5,)
        assert conn.execute("SELECT count(*) FROM answer_search WHERE answer_search MATCH 'faster'").fetchone() == (3,)
    conn.close()
    listed = subprocess.run([sys.executable, "-m", "csi_tui", "list", "--db", str(portfolio)], capture_output=True,
                            text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert listed.returncode == 0 and listed.stdout.count("\n") == 5, listed.stderr


def test_a_merge_with_a_foreign_trigger_in_its_output_is_refused(sessions: list[Path], tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    portfolio = tmp_path / "portfolio.db"
    merge_files(sessions[:1], portfolio)
    with sqlite3.connect(portfolio) as conn:
        conn.execute("CREATE TRIGGER sneaky AFTER INSERT ON answer BEGIN DELETE FROM answer; END")
    conn.close()
    before = portfolio.read_bytes()
    assert main(["merge", str(sessions[1]), "-o", str(portfolio)]) == 2
    assert "trigger sneaky" in capsys.readouterr().err
    assert portfolio.read_bytes() == before


def test_a_merge_needs_no_home_directory(sessions: list[Path], tmp_path: Path) -> None:
    # No XDG_DATA_HOME and a HOME nothing can be made in: the merge names every file it uses.
    env = ("env", "-u", "XDG_DATA_HOME", "-u", "XDG_CONFIG_HOME", "-u", "XDG_CACHE_HOME", "-u", "XDG_STATE_HOME",
           "HOME=/dev/null/no-home")
    result = subprocess.run([*env, sys.executable, "-m", "csi_tui", "merge", *map(str, sessions[:2]),
                             "-o", str(tmp_path / "p.db")], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "Merged 2 workshops" in result.stdout
    unset = subprocess.run(["env", "-u", "HOME", *env[1:-1], sys.executable, "-m", "csi_tui", "merge",
                            str(sessions[2]), "-o", str(tmp_path / "p.db")], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=60, cwd=REPO)
    assert unset.returncode == 0, unset.stderr


def test_a_source_that_is_a_symlink_loop_is_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Path.resolve() raises RuntimeError on a loop of links: merge ended in its traceback."""
    loop = tmp_path / "loop.db"
    loop.symlink_to(loop.name)  # points at itself
    assert main(["merge", str(loop), "-o", str(tmp_path / "portfolio.db")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{loop}" in err and "Traceback" not in err
