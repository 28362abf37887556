"""Benchmark: the workshop list (the home screen) opens as quickly on a portfolio of 10,000
workshops as on a file of ten.

What one iteration times, in a headless app at 120x40: from building the app (make_app) until
the home screen's table holds its rows and the screen has rendered every line (a full repaint).
Two moments of the same opening: the list shown (the first screenful of workshops on screen) and
the list complete (every workshop in the table, so the last is a keypress away).

Baseline, same run, same process: the same opening on a file of 10 workshops, where the two
moments are one. Goal: the list shown at 10,000 within 1.2x of the 10-workshop opening.

The portfolio is built once for the run: one workshop through the store, with a checkpoint, then
copied with SQL in one transaction (its scale levels and dimensions too), each copy its own title,
organisation, cycle, step and time of last change.

    python benchmarks/workshop_list.py [--repeats 10] [--sizes 10,10000] [--append docs/performance.md]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from benchmarks.gap_matrix import full_repaint, p95  # noqa: E402
from benchmarks.report import Result, append_report, machine_line, print_table  # noqa: E402
from csi_tui.app import make_app  # noqa: E402
from csi_tui.domain.models import Checkpoint, WorkshopDraft  # noqa: E402
from csi_tui.store.workshop_store import open_store  # noqa: E402
from csi_tui.templates import load_scale, load_template  # noqa: E402

GOAL_RATIO = 1.2
SIZE = (120, 40)


def build_portfolio(db_path: Path, workshops: int) -> None:
    """A file of `workshops` workshops, newest change first by id; every third has a review due."""
    template, scale = load_template("itil4-dimensions"), load_scale("cmmi")
    with open_store(db_path) as store:
        draft = WorkshopDraft(title="Service desk CSI 1", organisation="Acme 1", scope="Service desk",
                              facilitator="Ann", template_id=template.id, scale_id=scale.id)
        first = store.create_workshop(draft, template, scale).id
        store.add_checkpoint(first, Checkpoint(due_on="2099-01-01"))
        with store.transaction():
            store.db.execute(
                """WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
                   INSERT INTO workshop (id, title, organisation, scope, facilitator, template_id, scale_id,
                       anonymous, cycle, previous_id, current_step, created_at, updated_at)
                   SELECT i, 'Service desk CSI ' || i, 'Acme ' || (i % 97), scope, facilitator, template_id,
                       scale_id, anonymous, 1 + i % 4, NULL, 1 + i % 6, created_at,
                       strftime('%Y-%m-%dT%H:%M:%S+00:00', '2026-01-01', '+' || i || ' minutes')
                   FROM workshop, n WHERE workshop.id = :first""", {"count": workshops, "first": first})
            for table, columns in (("scale_level", "value, name, description"),
                                   ("dimension", "key, name, group_name, weight, position")):
                store.db.execute(f"INSERT INTO {table} (workshop_id, {columns}) SELECT w.id, {columns} "
                                 f"FROM workshop w, {table} t WHERE t.workshop_id = ? AND w.id != ?", [first, first])
            store.db.execute("INSERT INTO checkpoint (workshop_id, due_on) SELECT id, "
                             "date('2099-01-01', '+' || (id % 300) || ' days') FROM workshop WHERE id % 3 = 0")


async def open_list(db_path: Path, workshops: int) -> tuple[float, float]:
    """Seconds from building the app until the list is shown, and until it is complete."""
    started = time.perf_counter()
    # No live polling: nothing else writes the file, and a poll would only add noise.
    app = make_app(db_path, keymap={}, cursor_blink=False, live_poll_seconds=None)
    shown = None
    async with app.run_test(size=SIZE) as pilot:
        while True:
            table = app.screen.query("#workshops")
            rows = table.first().row_count if table and getattr(app.screen, "loaded", False) else -1
            if rows > 0 or (rows == 0 and workshops == 0):
                await pilot._wait_for_screen()
                await full_repaint(app)
                if shown is None:
                    shown = time.perf_counter() - started
                if table.first().row_count == workshops:
                    return shown, time.perf_counter() - started
            await asyncio.sleep(0.001)


def measure(sizes: list[int], repeats: int, folder: Path) -> dict[int, tuple[list[float], list[float]]]:
    paths = {}
    for workshops in sizes:
        paths[workshops] = folder / f"{workshops}.db"
        build_portfolio(paths[workshops], workshops)
    times: dict[int, tuple[list[float], list[float]]] = {workshops: ([], []) for workshops in sizes}
    for workshops in sizes:  # once each untimed: the first opening of a process imports the app
        asyncio.run(open_list(paths[workshops], workshops))
    for _ in range(repeats):
        for workshops in sizes:  # interleaved: a busy machine slows both sizes alike
            shown, complete = asyncio.run(open_list(paths[workshops], workshops))
            times[workshops][0].append(shown)
            times[workshops][1].append(complete)
    return times


def run(sizes: list[int], repeats: int) -> list[Result]:
    with tempfile.TemporaryDirectory() as folder:
        times = measure(sizes, repeats, Path(folder))
    base_shown, base_complete = (statistics.median(t) * 1000 for t in times[sizes[0]])
    results = []
    for workshops in sizes[1:]:
        shown, complete = times[workshops]
        median = statistics.median(shown) * 1000
        results.append(Result(
            name=f"workshop list shown, {workshops:,} workshops (baseline: {sizes[0]:,})",
            median_ms=median, p95_ms=p95(shown) * 1000, baseline_ms=base_shown,
            goal=f"≤ {GOAL_RATIO:g}x", met=median <= GOAL_RATIO * base_shown))
        results.append(Result(
            name=f"workshop list complete, {workshops:,} workshops (baseline: {sizes[0]:,})",
            median_ms=statistics.median(complete) * 1000, p95_ms=p95(complete) * 1000, baseline_ms=base_complete))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--sizes", default="10,10000", help="workshops, comma separated; the first is the baseline")
    parser.add_argument("--append", type=Path, help="append the results to this Markdown file")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    results = run(sizes, args.repeats)
    print(machine_line())
    print_table(results)
    if args.append:
        append_report(args.append, "Workshop list: opening the app on a portfolio", results,
                      f"{args.repeats} repeats; {__doc__.split(chr(10) + chr(10))[1].strip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
