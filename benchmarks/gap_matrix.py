"""Benchmark: a score changes, and every matrix on screen is recomputed and repainted.

What one iteration times, in a headless app showing either the closing screen (the gap matrix,
its summary) or step 2 with its gap panel open (the scoring table, the room grid and the gap
matrix): another connection saves one participant's score (its own transaction,
synchronous=FULL); the app looks at the file as its poll does, the session reads what the change
log says changed, the screen's worker reads those scores and recomputes those rows, the screen
draws them; then the whole screen is laid out and every line rendered (a full repaint, more
than a real frame does).

Baseline, same run, same process: a plain DataTable with the same number of rows and columns of
fixed strings, refilled and fully repainted, with no database and no computation.

    python benchmarks/gap_matrix.py [--repeats 40] [--sizes 34x12,340x30] [--append docs/performance.md]
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

from rich.text import Text  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from benchmarks.report import Result, machine_line, print_table, append_report  # noqa: E402
from csi_tui.app import make_app  # noqa: E402
from csi_tui.domain.models import (  # noqa: E402
    AssessmentTemplate, Participant, Score, ScoreKind, TemplateDimension, WorkshopDraft,
)
from csi_tui.screens.closing import ClosingScreen  # noqa: E402
from csi_tui.screens.step import StepScreen  # noqa: E402
from csi_tui.store.workshop_store import WorkshopStore, open_store  # noqa: E402
from csi_tui.templates import load_scale, load_template  # noqa: E402
from csi_tui.widgets.gap_matrix import COLUMNS, GapMatrix  # noqa: E402

GOALS_MS = {34: 16.0, 340: 50.0}


def build(db_path: Path, dimensions: int, participants: int) -> tuple[int, list[str], list[int]]:
    scale = load_scale("itil4-capability")
    if dimensions == 34:
        template = load_template("itil4-practices")
    else:
        template = AssessmentTemplate(id="synthetic", name="Synthetic", default_scale=scale.id, dimensions=[
            TemplateDimension(key=f"d{i:03d}", name=f"Dimension {i:03d}", weight=1 + i % 5) for i in range(dimensions)])
    with open_store(db_path) as store:
        draft = WorkshopDraft(title="Benchmark", template_id=template.id, scale_id=scale.id)
        workshop_id = store.create_workshop(draft, template, scale).id
        people = [store.add_participant(workshop_id, Participant(name=f"P{i}", perspective="business" if i % 2 else "it")).id
                  for i in range(participants)]
        keys = [d.key for d in template.dimensions]
        with store.db.atomic():
            for n, key in enumerate(keys):
                for p, pid in enumerate(people):
                    store.save_score(workshop_id, Score(dimension_key=key, kind=ScoreKind.CURRENT, value=1 + (n + p) % 5,
                                                        participant_id=pid, evidence="seed"))
                    store.save_score(workshop_id, Score(dimension_key=key, kind=ScoreKind.TARGET, value=5,
                                                        participant_id=pid))
    return workshop_id, keys, [pid for pid in people if pid is not None]


async def full_repaint(app: App[None]) -> None:
    """Render what the widgets marked dirty, as the screen's frame timer would, then every line.
    Without the first call a table's pending re-render could land after the timed window and a
    stale cached frame be timed instead (seen: a bimodal 11 ms / 45 ms distribution)."""
    screen = app.screen
    screen._on_timer_update()
    screen._refresh_layout()
    screen._compositor.render_update(full=True)


async def measure_app(dimensions: int, participants: int, repeats: int, where: str) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        workshop_id, keys, people = build(db_path, dimensions, participants)
        # No live polling: the benchmark looks at the file itself, right after each save, as the
        # poll would (a quarter of a second later).
        app = make_app(db_path, keymap={}, cursor_blink=False, live_poll_seconds=None)
        times = []
        async with app.run_test(size=(160, 50)) as pilot:
            if where == "closing":
                await app.push_screen(ClosingScreen(app.session, workshop_id))
            else:
                await app.push_screen(StepScreen(app.session, workshop_id, 2))
            screen = app.screen
            while not screen.loaded:  # type: ignore[attr-defined]
                await pilot.pause(0.05)
            if where == "step":
                await pilot.press("f2")  # the gap panel beside the scores
                await pilot._wait_for_screen()
            # Told when the screen has drawn what its worker read: waiting by polling would hold
            # the interpreter lock against that worker and time the contention, not the app.
            drawn = asyncio.Event()
            for name in ("show", "show_scores"):
                def told(*args: object, _draw=getattr(screen, name)) -> None:
                    _draw(*args)
                    drawn.set()
                setattr(screen, name, told)
            with WorkshopStore.connect(db_path) as store:
                for i in range(repeats):
                    score = Score(dimension_key=keys[(7 * i) % len(keys)], kind=ScoreKind.CURRENT,
                                  value=1 + i % 5, participant_id=people[i % len(people)], evidence="changed")
                    drawn.clear()
                    started = time.perf_counter()
                    store.save_score(workshop_id, score)
                    app.notice_changes()
                    await drawn.wait()
                    await pilot._wait_for_screen()
                    await full_repaint(app)
                    times.append(time.perf_counter() - started)
        return times


class BareTable(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()


async def measure_baseline(dimensions: int, repeats: int) -> list[float]:
    app = BareTable()
    times = []
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(DataTable)
        for i in range(repeats):
            started = time.perf_counter()
            table.clear(columns=True)
            for column in COLUMNS:
                table.add_column(column.header, width=12)
            for row in range(dimensions):
                table.add_row(*(Text(f"{row}-{i}-{c}") for c in range(len(COLUMNS))))
            await pilot._wait_for_screen()
            await full_repaint(app)
            times.append(time.perf_counter() - started)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


WHERE = {"closing": "the closing screen's gap matrix", "step": "step 2: scores, room grid and gap panel"}


def run(sizes: list[tuple[int, int]], repeats: int, places: list[str]) -> list[Result]:
    results = []
    for dimensions, participants in sizes:
        base_times = asyncio.run(measure_baseline(dimensions, repeats))
        baseline = statistics.median(base_times) * 1000
        for where in places:
            app_times = asyncio.run(measure_app(dimensions, participants, repeats, where))
            median = statistics.median(app_times) * 1000
            results.append(Result(
                name=f"score change → {WHERE[where]} repainted, {dimensions} dimensions x {participants} participants",
                median_ms=median, p95_ms=p95(app_times) * 1000, baseline_ms=baseline,
                goal=f"median ≤ {GOALS_MS[dimensions]:g} ms" if dimensions in GOALS_MS else "",
                met=median <= GOALS_MS[dimensions] if dimensions in GOALS_MS else None,
            ))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--sizes", default="34x12,340x30", help="dimensions x participants, comma separated")
    parser.add_argument("--screens", default="closing,step", help="closing, step, or both")
    parser.add_argument("--append", type=Path, help="append the results to this Markdown file")
    args = parser.parse_args(argv)
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")]
    results = run(sizes, args.repeats, args.screens.split(","))  # type: ignore[arg-type]
    print(machine_line())
    print_table(results)
    if args.append:
        append_report(args.append, "Gap matrix: score change to repaint", results,
                      f"{args.repeats} repeats; {__doc__.split(chr(10) + chr(10))[1].strip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
