"""A file nobody can break: a generated corpus of hostile workshop files and JSON documents
(tests/helpers/hostile.py), each run through the command line as a person would (list, export
as JSON, Markdown and CSV, import, merge) and a representative part of it opened in the app.

Whatever the input: exit status 0 or 2 (merge: 1 when it skipped a source), never a traceback,
the source's bytes (and its -wal and -shm) as they were, and every row that breaks a rule of the
domain named and refused: left out of what is listed, shown and exported; an import or a merge of
the file refused with one line that names the table, the row and the rule.

The command-line runs are many (about 450); a process costs about 0.25 s of start-up, so list,
import and merge (about 190 runs) are processes (`python -m csi_tui`, on a thread pool, all at
once), and the exports and the re-import of each JSON export run the command line's own main() in
this process meanwhile; the parametrized tests read the results. The app opens a representative
part of the corpus (APP_CASES).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import traceback
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from csi_tui.app import make_app
from csi_tui.cli import main
from csi_tui.screens.home import HomeScreen
from csi_tui.screens.step import StepScreen
from csi_tui.store.workshop_store import WorkshopStore, open_store
from tests.conftest import cli_process, fixed_clock
from tests.helpers.hostile import (
    DB_CASES,
    FIRST,
    JSON_CASES,
    DbCase,
    JsonCase,
    build_db_case,
    export_base_document,
    make_base,
)
from tests.helpers.ui import settle, test_app, until

# One worker builds the corpus and runs it through the command line (a minute of processes):
# under `make test`'s --dist loadgroup the module's tests stay together instead of every worker
# building the corpus again.
pytestmark = pytest.mark.xdist_group("hostile-corpus")

DB_BY_NAME = {case.name: case for case in DB_CASES}
JSON_BY_NAME = {case.name: case for case in JSON_CASES}
WORKERS = max(2, (os.cpu_count() or 2) + 1)


def fingerprint(path: Path) -> dict[str, str | None]:
    """The file's bytes and those of its -wal and -shm (None: absent)."""
    result: dict[str, str | None] = {}
    for suffix in ("", "-wal", "-shm"):
        member = path.with_name(path.name + suffix)
        result[suffix] = hashlib.sha256(member.read_bytes()).hexdigest() if member.exists() else None
    return result


@dataclass
class Corpus:
    folder: Path
    db_files: dict[str, Path] = field(default_factory=dict)
    json_files: dict[str, Path] = field(default_factory=dict)
    before: dict[Path, dict[str, str | None]] = field(default_factory=dict)
    runs: dict[tuple[str, str], subprocess.CompletedProcess[str]] = field(default_factory=dict)
    after: dict[Path, dict[str, str | None]] = field(default_factory=dict)


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return cli_process(*args, env=env, timeout=120)


def _in_process(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line's own main(), in this process: the same code as `csi-tui ...` without
    an interpreter's start-up. An exception escaping it is what a person would see as a traceback."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as leaving:
            status = leaving.code if isinstance(leaving.code, int) else 1
        except Exception:
            traceback.print_exc()
            status = 1
    return subprocess.CompletedProcess(list(args), status, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """Every file of the corpus, made once for the module (about a second)."""
    folder = tmp_path_factory.mktemp("hostile")
    base = folder / "base.db"
    make_base(base)
    document = export_base_document(base, folder / "base.json")
    found = Corpus(folder)
    for case in DB_CASES:
        found.db_files[case.name] = build_db_case(base, case, folder / f"{case.name}.db")
    for json_case in JSON_CASES:
        path = folder / f"{json_case.name}.json"
        path.write_bytes(json_case.make(document))
        found.json_files[json_case.name] = path
    return found


@pytest.fixture(scope="module")
def corpus(hostile_files: Corpus) -> Iterator[Corpus]:
    """The corpus run through the command line, every command on every file."""
    found = hostile_files
    folder = found.folder
    base = folder / "base.db"
    env = {"XDG_DATA_HOME": str(folder / "xdg-data"), "XDG_CONFIG_HOME": str(folder / "xdg-config"),
           "COLUMNS": "80"}
    sources = [*found.db_files.values(), *found.json_files.values()]
    found.before = {path: fingerprint(path) for path in sources}

    # In a separate process (`python -m csi_tui`, as a person runs it): list and import of every
    # file, the import of every document, and one merge of them all.
    processes: dict[tuple[str, str], tuple[str, ...]] = {}
    for case in DB_CASES:
        path = found.db_files[case.name]
        processes[(f"db:{case.name}", "list")] = ("--db", str(path), "list")
        processes[(f"db:{case.name}", "import")] = (
            "--db", str(folder / f"{case.name}-imported-into.db"), "import", str(path))
    for json_case in JSON_CASES:
        processes[(f"json:{json_case.name}", "import-json")] = (
            "--db", str(folder / f"{json_case.name}-into.db"), "import", str(found.json_files[json_case.name]))
    # After a valid file, as a portfolio would be gathered.
    processes[("*", "merge")] = ("merge", str(base), *map(str, found.db_files.values()), "-o",
                                 str(folder / "portfolio.db"))
    with ThreadPoolExecutor(WORKERS) as pool:
        running = {key: pool.submit(_cli, *args, env=env) for key, args in processes.items()}
        # Meanwhile, in this process (about 0.25 s of start-up saved on each): the exports in
        # every format, and the JSON export imported back.
        for case in DB_CASES:
            path, out = str(found.db_files[case.name]), folder / case.name
            shown = str(case.shown or FIRST)
            found.runs[(f"db:{case.name}", "export-json")] = _in_process(
                "--db", path, "export", str(FIRST), "--format", "json", "-o", f"{out}-export.json")
            found.runs[(f"db:{case.name}", "export-md")] = _in_process(
                "--db", path, "export", shown, "--format", "md", "-o", f"{out}.md")
            found.runs[(f"db:{case.name}", "export-csv")] = _in_process(
                "--db", path, "export", shown, "--format", "csv", "-o", f"{out}-tables")
            if found.runs[(f"db:{case.name}", "export-json")].returncode == 0:
                found.runs[(f"db:{case.name}", "reimport")] = _in_process(
                    "--db", str(folder / f"{case.name}-reimported.db"), "import", f"{out}-export.json")
        found.runs.update({key: future.result() for key, future in running.items()})
    for case in DB_CASES:
        if found.runs[(f"db:{case.name}", "import")].returncode == 0:
            found.runs[(f"db:{case.name}", "list-imported")] = _in_process(
                "--db", str(folder / f"{case.name}-imported-into.db"), "list")
    found.runs[("*", "list-portfolio")] = _cli("--db", str(folder / "portfolio.db"), "list", env=env)
    found.after = {path: fingerprint(path) for path in sources}
    yield found


def workshops_in(path: Path) -> int:
    """How many workshops a file holds (a refused import may not have made it at all)."""
    if not path.exists():
        return 0
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM workshop").fetchone()[0]
    finally:
        conn.close()


def assert_clean(run: subprocess.CompletedProcess[str], allowed: set[int]) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode in allowed, (run.returncode, run.stdout[-2000:], run.stderr[-2000:])
    for line in run.stderr.splitlines():
        assert line.startswith("csi-tui: "), run.stderr  # one line each, said by csi-tui


@pytest.mark.parametrize("name", [case.name for case in DB_CASES])
def test_a_hostile_file_through_the_command_line(corpus: Corpus, name: str) -> None:
    case: DbCase = DB_BY_NAME[name]
    path = corpus.db_files[name]
    runs = {command: run for (case_name, command), run in corpus.runs.items() if case_name == f"db:{name}"}
    for command, run in runs.items():
        assert_clean(run, {0, 2} if command in ("export-json", "import") else {0})

    # A bad row is named (on stderr) by the reads that leave it out: the listing names a refused
    # workshop or dimension, an export the rows it goes without; a valid file draws no remark.
    said = {command: run.stderr for command, run in runs.items() if command not in ("import", "list-imported")}
    if case.refused:
        assert any("refused" in text for text in said.values()), said
    else:
        assert not any(said.values()), said
    if case.shown == FIRST:
        assert runs["export-json"].returncode == 0
    assert runs["export-json"].returncode == 0 or runs["export-json"].stderr.count("\n") == 1
    if "reimport" in runs:
        # What csi-tui exports it can read back: no inf, no NaN, no row it would refuse.
        assert runs["reimport"].returncode == 0 and runs["reimport"].stderr == ""
        exported = json.loads((corpus.folder / f"{name}-export.json").read_text(encoding="utf-8"))
        assert "Infinity" not in json.dumps(exported) and "NaN" not in json.dumps(exported)

    imported = runs["import"]
    if case.refused:
        assert imported.returncode == 2 and imported.stderr.count("\n") == 1, imported.stderr
        assert workshops_in(corpus.folder / f"{name}-imported-into.db") == 0  # nothing half-imported
    else:
        assert imported.returncode == 0 and imported.stderr == ""
        assert runs["list-imported"].returncode == 0 and runs["list-imported"].stderr == ""

    assert corpus.after[path] == corpus.before[path]  # read, never written


def test_a_merge_skips_each_hostile_source_with_one_line_and_the_portfolio_lists(corpus: Corpus) -> None:
    merged = corpus.runs[("*", "merge")]
    assert_clean(merged, {1})
    lines = merged.stderr.splitlines()
    for case in DB_CASES:
        path = str(corpus.db_files[case.name])
        named = [line for line in lines if f"{path}:" in line]
        if case.refused:
            assert len(named) == 1, (case.name, lines)
            # the table, the row and the rule
            assert "row" in named[0] and "skipped" in named[0], named[0]
        else:
            assert named == [], (case.name, named)
    listed = corpus.runs[("*", "list-portfolio")]
    assert listed.returncode == 0 and listed.stderr == "", listed.stderr
    with open_store(corpus.folder / "portfolio.db") as store:
        sources = {Path(s) for (s,) in store.db.execute("SELECT DISTINCT source_file FROM workshop_source")}
    refused = {corpus.db_files[c.name] for c in DB_CASES if c.refused}
    assert not sources & refused


@pytest.mark.parametrize("name", [case.name for case in JSON_CASES])
def test_a_hostile_json_document_is_imported_or_refused_in_one_line(corpus: Corpus, name: str) -> None:
    case: JsonCase = JSON_BY_NAME[name]
    run = corpus.runs[(f"json:{name}", "import-json")]
    assert_clean(run, {0, 2})
    count = workshops_in(corpus.folder / f"{name}-into.db")
    if case.accepted:
        assert run.returncode == 0 and count == 1, run.stderr
    elif case.accepted is None:
        assert (run.returncode, count) in ((0, 1), (2, 0)), run.stderr
    else:
        assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
        assert count == 0  # nothing half-imported
    path = corpus.json_files[name]
    assert corpus.after[path] == corpus.before[path]


@pytest.mark.parametrize("name", [case.name for case in DB_CASES])
def test_the_home_list_leaves_out_and_names_what_the_models_refuse(hostile_files: Corpus, name: str) -> None:
    # The home list reads 10,000 workshops without a model per row (store/workshops.py
    # `workshop_rows`): its SQL mirror must find every workshop row, scale and due checkpoint
    # the models refuse, and the models name them, as the model-per-row reads do.
    path = hostile_files.db_files[name]
    today = fixed_clock().date()
    with WorkshopStore.connect(path) as by_model:
        listed = by_model.workshops()
        next_due = by_model.next_checkpoints(today)
        named = set(by_model.refused)
    for first in (None, 1):
        with WorkshopStore.connect(path) as by_rows:
            rows = by_rows.workshop_rows(today, first)
            assert set(by_rows.refused) <= named
            if first is None:
                assert set(by_rows.refused) == named
        expected = listed if first is None else [w for w in listed if w.id in {r.id for r in rows}]
        assert [(r.id, r.title, r.organisation, r.cycle, r.current_step, r.updated_at) for r in rows] == [
            (w.id, w.title, w.organisation, w.cycle, w.current_step, w.updated_at) for w in expected]
        assert {r.id: r.next_review for r in rows} == {
            w.id: (next_due[w.id].due_on if w.id in next_due else None) for w in expected}


# --- the app --------------------------------------------------------------------------------

# A representative part of the corpus opened in the app (each open takes a few seconds, all of
# them would take minutes): one case of each kind of refusal that used to crash a screen or hide
# itself, and an odd-but-valid one. Each opens the home screen, then the workshop at step 2 and
# at step 5, and for the infinite measurement the KPI screen.
APP_CASES = ["score-99", "score-three", "weight-9", "year-1-updated-at", "inf-measurement", "previous-loop",
             "answer-blob", "register-links-a-strangers-kpi", "empty-scale", "measured-at-naive"]


@pytest.mark.parametrize("name", APP_CASES)
async def test_a_hostile_file_opens_in_the_app(hostile_files: Corpus, name: str, tmp_path: Path) -> None:
    case = DB_BY_NAME[name]
    path = tmp_path / "opened.db"
    path.write_bytes(hostile_files.db_files[name].read_bytes())
    shown = str(case.shown or FIRST)
    async with test_app(path).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = pilot.app.screen
        assert isinstance(home, HomeScreen)
        assert shown in home.workshops  # listed, whatever else in the file is refused
        for step in (2, 5):
            home._open(int(shown), step)
            await settle(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, StepScreen) and screen.loaded and screen.step.number == step
            if step == 5 and name == "inf-measurement":
                await pilot.press("f5")
                await settle(pilot)
                kpis = pilot.app.screen
                assert type(kpis).__name__ == "KpiScreen" and kpis.loaded
                await pilot.press("escape")
                await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert pilot.app.screen is home
        notices = [str(n.message) for n in pilot.app._notifications]
        if case.refused:  # named in the app too, in a notification
            assert any("refused" in notice for notice in notices), notices
        else:
            assert not any("refused" in notice for notice in notices), notices
        assert not any(n.severity == "error" for n in pilot.app._notifications), notices


@pytest.mark.parametrize("name", ["year-1-updated-at", "empty-scale"])
async def test_a_refused_workshop_opened_by_its_id_is_named_not_a_blank_screen(
        hostile_files: Corpus, name: str, tmp_path: Path) -> None:
    # `csi-tui open 1` on a workshop whose own row (or scale) breaks the rules: the app opens on
    # it, and the refusal is said in one line instead of a screen that never fills.
    path = tmp_path / "opened.db"
    path.write_bytes(hostile_files.db_files[name].read_bytes())
    open_store(path, clock=fixed_clock).close()
    app = make_app(path, clock=fixed_clock, keymap={}, cursor_blink=False, open_workshop=FIRST)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: any(n.title == "Not opened" for n in app._notifications))
        (notice,) = [str(n.message) for n in app._notifications if n.title == "Not opened"]
        assert "refused" in notice and "\n" not in notice
        from csi_tui.screens.home import HomeScreen
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))  # the list, not an empty step
        await settle(pilot)  # the list finishes mounting before the test leaves
        assert app.screen.query_one("#workshops").display


@pytest.mark.parametrize("name", ["current-step-0", "current-step-7"])
def test_open_refuses_a_workshop_at_a_step_that_is_no_step_in_one_line(hostile_files: Corpus, name: str,
                                                                      tmp_path: Path) -> None:
    # Before the app takes the screen: step 0 was silently step 6, step 7 an IndexError.
    path = tmp_path / "opened.db"
    path.write_bytes(hostile_files.db_files[name].read_bytes())
    run = cli_process("--db", str(path), "open", str(FIRST))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.startswith("csi-tui: there is no step") and run.stderr.count("\n") == 1
