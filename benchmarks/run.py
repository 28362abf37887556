"""Every benchmark in one command: a table on stdout, and the run appended to docs/performance.md.

Each figure has a baseline measured in the same run, on the same machine, so the ratio means
something on a shared, noisy machine where absolute times do not:

1. first paint: `csi-tui open` on the demo's current workshop vs a bare Textual app (Header,
   Static, Input, Footer), each started on a pseudo-terminal, until its first screen text shows;
   and against its floor (below), split in two: the imports each makes before its first frame
   (benchmarks/timed_imports.py), and the rest, from its code loaded to the first frame;
2. peak memory (VmHWM) of the same two, after one more second of running;
3. a field change until it is committed on disk (the text area changes as a keystroke changes
   it, the change reaches the screen's autosave, which hands it to the writer thread, whose
   transaction commits with synchronous=FULL; the autosave's pause is not counted) vs a raw
   sqlite3 upsert and commit with the same pragmas;
4. score change → gap matrix repainted (benchmarks/gap_matrix.py), 34 x 12 and 340 x 12;
5. the demo workshop exported to each format vs reading its rows with raw sqlite3 and writing
   them with json.dumps (the database copy: vs VACUUM INTO), and a merge of many session files
   vs raw sqlite3 ATTACH + INSERT ... SELECT of every table, one transaction per file.

Figures 1-3 also print their floor: what the stack the brief chooses costs before any of
csi-tui's own work. For start-up, benchmarks/step_floor.py (the same step screen in plain
Textual), alone and with pydantic imported; for a field change, the same keystroke path with the
save left out. A goal below its floor cannot be met by changing csi-tui's code.

    python benchmarks/run.py [--append docs/performance.md] [--repeats 7] [--merge-files 1000]
    python benchmarks/run.py --only startup [--append docs/performance.md]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import gap_matrix  # noqa: E402
from benchmarks.report import Result, append_report, machine_line, print_table  # noqa: E402
from benchmarks.sessions import generate_sessions  # noqa: E402
from benchmarks.startup import Start, measure_start  # noqa: E402
from csi_tui.demo import write_demo  # noqa: E402
from csi_tui.store.opening import PRAGMAS  # noqa: E402

FIRST_PAINT_GOAL, MEMORY_GOAL, COMMIT_GOAL, MERGE_GOAL = 1.25, 1.3, 2.0, 2.0
MODEL_FLOOR_MEMORY_GOAL = 1.1  # issue 15: within 1.1x of the floor with pydantic
FLOOR_PAINT_GOAL = 1.1  # issue 15: first paint within 1.1x of the floor
# What each imports before its first frame (see the start-up's runs below).
APP_IMPORTS = "csi_tui.cli,csi_tui.app,csi_tui.screens.step"
FLOOR_IMPORTS = ",".join(("textual.app", "textual.binding", "textual.containers", "textual.screen",
                          "textual.widgets._data_table", "textual.widgets._footer", "textual.widgets._label",
                          "textual.widgets._static", "textual.widgets._text_area"))


def result(name: str, times: list[float], baseline: list[float], goal: float | None = None,
           scale: float = 1000.0, unit: str = "ms") -> Result:
    median, base = statistics.median(times) * scale, statistics.median(baseline) * scale
    return Result(name, median, gap_matrix.p95(times) * scale, base, goal=f"ratio ≤ {goal:g}x" if goal else "",
                  met=(median / base <= goal) if goal else None, unit=unit)


# --- 1 and 2: start-up ---------------------------------------------------------------------------

def startup(demo: Path, workshop_id: int, repeats: int, folder: Path) -> list[Result]:
    # An installed csi-tui has its bytecode compiled (pip does it). Where PYTHONDONTWRITEBYTECODE
    # is set, as on the CI machines, a source checkout would otherwise compile every module on
    # every start (~60 ms here) and that would be timed as start-up.
    compileall.compile_dir(REPO / "csi_tui", quiet=1)
    compileall.compile_file(REPO / "benchmarks" / "bare_app.py", quiet=1)
    compileall.compile_file(REPO / "benchmarks" / "step_floor.py", quiet=1)
    floor_script = str(REPO / "benchmarks" / "step_floor.py")
    # The app and the floor start through timed_imports.py, which times the imports each makes
    # before its first frame: the floor's import lines, and csi-tui's command line, app and step
    # screen (the models and the store's readers load after the first frame).
    timed = [sys.executable, str(REPO / "benchmarks" / "timed_imports.py")]
    imports = {"app": folder / "app-imports.txt", "floor": folder / "floor-imports.txt"}
    runs = {
        "app": ([*timed, str(imports["app"]), APP_IMPORTS, "-m", "csi_tui", "--db", str(demo), "open",
                 str(workshop_id)], "Did we get there?"),
        "bare": ([sys.executable, str(REPO / "benchmarks" / "bare_app.py")], "Bare Textual app ready"),
        # The floors: the same step screen in plain Textual, and that with pydantic imported as
        # the models need it (pydantic_core and pydantic.main, before any model is defined).
        "floor": ([*timed, str(imports["floor"]), FLOOR_IMPORTS, floor_script], "Did we get there?"),
        "floor+pydantic": ([sys.executable, "-c", "import pydantic.main, runpy, sys; "
                            f"runpy.run_path({floor_script!r}, run_name='__main__')"], "Did we get there?"),
        # Importing pydantic.main leaves out the schema machinery that the first model class
        # loads (pydantic._internal._generate_schema, pydantic_core's schema): 8-9 MB that any
        # app with one pydantic model pays. This floor defines and uses one small model.
        "floor+model": ([sys.executable, "-c", "import pydantic, runpy, sys\n"
                         "class Probe(pydantic.BaseModel):\n    x: int\n"
                         "Probe(x=1)\n"
                         f"runpy.run_path({floor_script!r}, run_name='__main__')"], "Did we get there?"),
    }
    for argv, marker in runs.values():  # warm the file cache for each, uncounted
        measure_start(argv, marker)
    for times in imports.values():
        times.unlink()  # the warm-up's imports are not counted either
    starts: dict[str, list[Start]] = {name: [] for name in runs}
    for _ in range(repeats):  # alternate, so a busy spell on the machine hits each alike
        for name, (argv, marker) in runs.items():
            starts[name].append(measure_start(argv, marker))

    def paint(name: str) -> list[float]:
        return [s.first_paint_s for s in starts[name]]

    def memory(name: str) -> list[float]:
        return [s.peak_rss_mb for s in starts[name]]

    def imported(name: str) -> list[float]:
        return [float(line) / 1000 for line in imports[name].read_text(encoding="ascii").split()]

    def after_imports(name: str) -> list[float]:
        return [paint - took for paint, took in zip(paint(name), imported(name), strict=True)]

    return [
        result("first paint: the demo workshop vs a bare Textual app", paint("app"), paint("bare"), FIRST_PAINT_GOAL),
        result("  floor: the same screen in plain Textual vs the bare app", paint("floor"), paint("bare")),
        result("first paint: the demo workshop vs that floor", paint("app"), paint("floor"), FLOOR_PAINT_GOAL),
        result("  its imports before the first frame vs the floor's", imported("app"), imported("floor")),
        result("  the rest: from its code loaded to the first frame, vs the floor's", after_imports("app"),
               after_imports("floor")),
        result("peak memory (RSS) of the demo workshop vs the bare app", memory("app"), memory("bare"), MEMORY_GOAL,
               scale=1.0, unit="MB"),
        result("  floor: the same screen in plain Textual vs the bare app", memory("floor"), memory("bare"),
               scale=1.0, unit="MB"),
        result("  floor: that screen with pydantic imported vs the bare app", memory("floor+pydantic"),
               memory("bare"), scale=1.0, unit="MB"),
        result("  floor: that screen with one pydantic model built vs the bare app", memory("floor+model"),
               memory("bare"), scale=1.0, unit="MB"),
        result("peak memory (RSS) of the demo workshop vs that floor", memory("app"), memory("floor+model"),
               MODEL_FLOOR_MEMORY_GOAL, scale=1.0, unit="MB"),
    ]


# --- 3: a field change until committed -------------------------------------------------------------

async def field_change_times(demo: Path, workshop_id: int, repeats: int) -> tuple[list[float], list[float]]:
    """The timed path for each change, and its floor: the same keystroke path with the save left
    out (the change reaches the screen, and a job that does nothing passes through the writer
    thread), which is what a UI with a writer thread costs before any SQLite work."""
    from textual.widgets import TextArea

    from csi_tui.app import make_app
    from csi_tui.screens.step import StepScreen

    app = make_app(demo, keymap={}, cursor_blink=False, live_poll_seconds=None, open_workshop=workshop_id)
    times: list[float] = []
    floor: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, StepScreen) and app.screen.loaded):
            await pilot.pause(0.05)
        screen = app.screen
        session = app.session
        field = screen.query_one("#answer-outcomes", TextArea)
        key = (workshop_id, 5, "outcomes")
        for n in range(2 * repeats):
            save = n % 2 == 0  # alternate, so a busy spell on the machine hits both alike
            committed = threading.Event()
            stamps: list[float] = []
            started = time.perf_counter()
            field.insert(f" {n}")  # as a keystroke does: the field changes, the screen hears of it
            while key not in session.answers.pending:  # the edit has reached the session's autosave
                await asyncio.sleep(0)
            if save:
                session.flush_answers()  # what the debounce timer calls once typing pauses
            # Queued behind the save on the one writer thread: runs the moment the save has committed.
            session.writer.put(lambda store: stamps.append(time.perf_counter())).add_done_callback(
                lambda _: committed.set())
            await asyncio.to_thread(committed.wait)
            (times if save else floor).append(stamps[0] - started)
            if not save:
                session.flush_answers()  # outside the timed window
            await pilot._wait_for_screen()  # the repaint after the save, outside the timed window
    return times, floor


def raw_commit_times(demo: Path, workshop_id: int, repeats: int) -> list[float]:
    conn = sqlite3.connect(demo, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    conn.execute("PRAGMA journal_mode = WAL")
    times = []
    for n in range(repeats):
        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO answer (workshop_id, step, field, value, updated_at) VALUES (?, 5, 'outcomes', ?, ?) "
                     "ON CONFLICT (workshop_id, step, field) DO UPDATE SET value = excluded.value, "
                     "updated_at = excluded.updated_at", [workshop_id, f"raw {n}", "2026-01-01T00:00:00+00:00"])
        conn.execute("COMMIT")
        times.append(time.perf_counter() - started)
    conn.close()
    return times


def store_save_times(demo: Path, workshop_id: int, repeats: int) -> list[float]:
    from csi_tui.store.workshop_store import open_store

    with open_store(demo) as store:
        return timed(lambda n: store.save_answer(workshop_id, 5, "outcomes", f"store {n}"), repeats)


def field_change(demo: Path, workshop_id: int, repeats: int) -> list[Result]:
    ours, floor = asyncio.run(field_change_times(demo, workshop_id, repeats))
    raw = raw_commit_times(demo, workshop_id, repeats)
    return [
        result("field change → committed on disk vs a raw sqlite3 commit", ours, raw, COMMIT_GOAL),
        result("  floor: the same keystroke path, the save left out, vs the same raw commit", floor, raw),
        # The same commit without the UI: what the store's transaction (the answer, its change-log
        # row, the workshop's updated time) costs over the raw upsert.
        result("  of which the store's save alone vs the same raw commit", store_save_times(demo, workshop_id, repeats),
               raw),
    ]


# --- 5: exports and the merge -----------------------------------------------------------------------

def raw_rows(demo: Path, workshop_id: int) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(demo)
    tables = {name: f"SELECT * FROM {name} WHERE workshop_id = ?" for name in
              ("workshop", "scale_level", "dimension", "participant", "score", "answer", "kpi", "register_item",
               "checkpoint")}
    tables["workshop"] = "SELECT * FROM workshop WHERE id = ?"
    tables["measurement"] = "SELECT m.* FROM measurement m JOIN kpi k ON k.id = m.kpi_id WHERE k.workshop_id = ?"
    rows = {name: conn.execute(sql, [workshop_id]).fetchall() for name, sql in tables.items()}
    conn.close()
    return rows


def timed(action: Callable[[int], None], repeats: int) -> list[float]:
    times = []
    for n in range(repeats):
        started = time.perf_counter()
        action(n)
        times.append(time.perf_counter() - started)
    return times


def exports(demo: Path, workshop_id: int, folder: Path, repeats: int) -> list[Result]:
    from csi_tui.transfer.files import export_workshop
    from csi_tui.store.workshop_store import open_store

    def raw_json(n: int) -> None:
        (folder / f"raw-{n}.json").write_text(json.dumps(raw_rows(demo, workshop_id), default=str))

    def raw_copy(n: int) -> None:
        conn = sqlite3.connect(demo)
        conn.execute("VACUUM INTO ?", [str(folder / f"raw-{n}.db")])
        conn.close()

    results = []
    with open_store(demo) as store:
        for kind in ("db", "json", "csv", "md", "html"):
            ours = timed(lambda n, k=kind: export_workshop(store, workshop_id, k, folder / f"{k}-{n}.{k}"), repeats)
            baseline = timed(raw_copy if kind == "db" else raw_json, repeats)
            what = "VACUUM INTO" if kind == "db" else "raw rows → json.dumps"
            results.append(result(f"export the demo workshop as {kind} (baseline: {what})", ours, baseline))
    return results


def raw_merge(sources: list[Path], target: Path) -> None:
    """The baseline: what a person would write with sqlite3 alone: attach, copy every table with
    ids moved past the target's, commit, detach. No checks, no duplicate detection."""
    from csi_tui.store.workshop_store import open_store

    open_store(target).close()  # the same empty schema to copy into
    conn = sqlite3.connect(target, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    order = ["workshop", "scale_level", "dimension", "participant", "score", "answer", "kpi", "measurement",
             "register_item", "register_item_dimension", "register_item_kpi", "checkpoint", "change_log"]
    columns = {t: [row[1] for row in conn.execute(f"PRAGMA table_info({t})")] for t in order}
    references = {"workshop_id": "workshop", "previous_id": "workshop", "dimension_id": "dimension",
                  "participant_id": "participant", "kpi_id": "kpi", "item_id": "register_item"}
    for source in sources:
        conn.execute("ATTACH DATABASE ? AS src", [str(source)])
        conn.execute("BEGIN IMMEDIATE")
        offsets = {t: conn.execute(f"SELECT coalesce(max(id), 0) FROM main.{t}").fetchone()[0]
                   for t in set(references.values()) | {"score", "measurement", "checkpoint"}}
        for table in order:
            names = [c for c in columns[table] if not (table == "change_log" and c == "id")]
            select = [f"{c} + {offsets[table]}" if c == "id" else
                      f"{c} + {offsets[references[c]]}" if c in references and table != "change_log" else
                      f"workshop_id + {offsets['workshop']}" if c == "workshop_id" else c for c in names]
            conn.execute(f"INSERT INTO main.{table} ({', '.join(names)}) SELECT {', '.join(select)} FROM src.{table}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE src")
    conn.close()


def merge(folder: Path, count: int, repeats: int) -> Result:
    from csi_tui.transfer.merge import merge_files

    sources = generate_sessions(folder / "sessions", count)
    ours, baseline = [], []
    for n in range(repeats):
        started = time.perf_counter()
        report = merge_files(sources, folder / f"portfolio-{n}.db")
        ours.append(time.perf_counter() - started)
        assert report.merged == count, report.refused[:1]
        started = time.perf_counter()
        raw_merge(sources, folder / f"raw-{n}.db")
        baseline.append(time.perf_counter() - started)
    return result(f"merge {count} session files (34 practices x 6 people each) vs ATTACH + INSERT…SELECT",
                  ours, baseline, MERGE_GOAL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="start-ups, exports and merges per figure")
    parser.add_argument("--commits", type=int, default=100, help="field changes to commit")
    parser.add_argument("--gap-repeats", type=int, default=40)
    parser.add_argument("--gap-sizes", default="34x12,340x12")
    parser.add_argument("--merge-files", type=int, default=1000)
    parser.add_argument("--append", type=Path, help="append the run to this Markdown file")
    parser.add_argument("--only", choices=["startup"], help="only the start-up and memory figures")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="csi-bench-") as temporary:
        folder = Path(temporary)
        demo = folder / "demo.db"
        workshop_id = write_demo(demo)
        results = startup(demo, workshop_id, args.repeats, folder)
        if args.only == "startup":
            return report(results, args, f"{args.repeats} start-ups of each, alternated")
        scratch = folder / "commits.db"
        shutil.copyfile(demo, scratch)
        results += field_change(scratch, workshop_id, args.commits)
        sizes = [tuple(int(n) for n in size.split("x")) for size in args.gap_sizes.split(",")]
        results += gap_matrix.run(sizes, args.gap_repeats, ["closing"])  # type: ignore[arg-type]
        (folder / "exports").mkdir()
        results += exports(demo, workshop_id, folder / "exports", args.repeats)
        results.append(merge(folder, args.merge_files, max(1, args.repeats // 3)))

    return report(results, args, f"{args.repeats} start-ups, exports and merges; {args.commits} commits; "
                                 f"{args.gap_repeats} gap-matrix repaints")


def report(results: list[Result], args: argparse.Namespace, what: str) -> int:
    print(machine_line())
    print_table(results)
    if args.append:
        title = "Start-up and memory (benchmarks/run.py --only startup)" if args.only else "All benchmarks (benchmarks/run.py)"
        append_report(args.append, title, results,
                      f"{what}. How each figure is measured: see the docstring of benchmarks/run.py.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
