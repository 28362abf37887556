"""Benchmark: the register and the KPI list with thousands of rows, against a demo-size workshop.

What is timed, in a headless app at 120x40, each iteration ending when the screen has processed
its messages and every line of it has been laid out and rendered again (a full repaint):

- a search keystroke on the register screen: one character typed into the search field, or
  erased again (alternately), until the table shows the rows that match;
- a sort: `s` on the register's table, until the rows are in the next order;
- the same keystroke and sort ending as the screen's next frame ends instead: the lines that
  changed drawn, and the screen laid out only when something asked for it. The full repaint
  above also lays out the whole screen and renders every line, which no frame does; this is the
  part of it a person waits for (no goal: the goals are judged on the full repaint);
- the register redrawn from a fresh snapshot, as after any change to the file (the snapshot read
  beforehand, untimed: it is timed on its own, below);
- the KPI list redrawn from a fresh snapshot, likewise;
- reading the workshop's snapshot, as the screens' worker does after every change (no UI).

Baseline, same run, alternating with the sizes round by round: the same iterations against a
demo-size workshop (20 items, 5 KPIs). Workshops are built through the store.

    python benchmarks/register_scale.py [--repeats 50] [--rounds 3] [--sizes 2000x200] [--baseline 20x5]
                                        [--append docs/performance.md]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual import events  # noqa: E402
from textual.app import App  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Input, Static  # noqa: E402

from benchmarks.gap_matrix import full_repaint, p95  # noqa: E402
from benchmarks.report import Result, append_report, machine_line, print_table  # noqa: E402
from csi_tui.app import make_app  # noqa: E402
from csi_tui.domain.models import Kpi, Measurement, RegisterItem, RegisterStatus, WorkshopDraft  # noqa: E402
from csi_tui.screens.register import SORTS  # noqa: E402
from csi_tui.store.workshop_store import WorkshopStore, open_store  # noqa: E402
from csi_tui.templates import load_scale, load_template  # noqa: E402

GOAL_MS = 16.0
HOW = ("headless app at 120x40; each iteration ends when the screen has processed its messages and "
       "has been laid out and rendered whole. Baseline: the same iterations on a demo-size workshop.")
WORDS = ["knowledge base", "supplier review", "self-service portal", "backup test", "training plan",
         "monitoring alerts", "change calendar", "call scripts", "asset register", "survey follow-up"]
OWNERS = ["Ann", "Bea", "Ivo", "Cleo", "Dan", "Eve"]
SEARCH_KEY = "p"  # in about half the descriptions: the table changes on every keystroke
RENDER_ROUNDS = 20  # at most this many rounds of message processing before a condition must hold


def build(db_path: Path, items: int, kpis: int) -> int:
    """A workshop with `items` register items (a seventh of them accepted, some overdue, linked to
    dimensions and KPIs) and `kpis` KPIs with six measurements each."""
    template, scale = load_template("itil4-dimensions"), load_scale("cmmi")
    with open_store(db_path) as store:
        draft = WorkshopDraft(title="Benchmark", facilitator="Ann", template_id=template.id, scale_id=scale.id)
        workshop_id = store.create_workshop(draft, template, scale).id
        keys = [d.key for d in template.dimensions]
        with store.db.atomic():
            kpi_ids = []
            for k in range(kpis):
                kpi = store.add_kpi(workshop_id, Kpi(name=f"KPI {k:03d} {WORDS[k % len(WORDS)]}", unit="%",
                                                     baseline=50 + k % 20, short_target=80,
                                                     short_target_on=date(2026, 9, 30), source="ITSM report"))
                kpi_ids.append(kpi.id)
                for month in range(1, 7):
                    store.add_measurement(workshop_id, Measurement(
                        kpi_id=kpi.id, measured_at=datetime(2026, month, 1, tzinfo=UTC), value=50 + month * 3 + k % 7))
            for n in range(items):
                item = store.add_register_item(workshop_id, RegisterItem(
                    raised_on=date(2026, 1, 1), raised_by="Ann", owner=OWNERS[n % len(OWNERS)],
                    description=f"{WORDS[n % len(WORDS)].capitalize()} for team {n % 37}",
                    justification=f"Found in review {n}", priority=1 + n % 5,
                    due_on=date(2026, 1, 1) + timedelta(days=n % 365) if n % 3 else None,
                    dimension_keys=[keys[n % len(keys)]], kpi_ids=[kpi_ids[n % len(kpi_ids)]] if n % 4 == 0 else []))
                if n % 7 == 0:
                    store.change_register_status(workshop_id, item.number or 0, RegisterStatus.ACCEPTED)
    return workshop_id


async def settle_until(pilot: Pilot[None], condition: Callable[[], bool], whole: bool = True) -> None:
    """Let the screen process its messages until the condition holds, then render it whole
    (`whole`), or as its next frame would: what changed, laid out only if something asked."""
    for _ in range(RENDER_ROUNDS):
        await pilot._wait_for_screen()
        if condition():
            break
    else:
        raise AssertionError("the screen did not reach the expected state")
    if whole:
        await full_repaint(pilot.app)
    else:
        pilot.app.screen._on_timer_update()  # what the screen's frame timer runs


def status_line(app: App[None]) -> str:
    return str(app.screen.query_one("#register-status", Static).render())


async def wait_loaded(pilot: Pilot[None]) -> None:
    while not getattr(pilot.app.screen, "loaded", False):
        await pilot.pause(0.05)
    await pilot.pause()


async def measure(db_path: Path, workshop_id: int, repeats: int) -> dict[str, list[float]]:
    """Each timed action's seconds, in one app."""
    times: dict[str, list[float]] = {"search": [], "sort": [], "search-frame": [], "sort-frame": [], "register": [],
                                     "kpis": [], "read": []}
    # No live polling: the benchmark's own reads and redraws are the only ones.
    app = make_app(db_path, keymap={}, cursor_blink=False, live_poll_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        app.show_register(workshop_id)  # type: ignore[attr-defined]
        await wait_loaded(pilot)
        screen = app.screen
        search = screen.query_one("#search", Input)
        search.focus()
        await pilot.pause()
        for whole, key in ((True, "search"), (False, "search-frame")):
            for i in range(repeats):
                typing = i % 2 == 0
                started = time.perf_counter()
                # As the terminal driver delivers a key; pilot.press would add its own idle waits.
                app.post_message(events.Key(SEARCH_KEY, SEARCH_KEY) if typing else events.Key("backspace", None))
                await settle_until(pilot, lambda: ("search: " in status_line(app)) == typing, whole)
                times[key].append(time.perf_counter() - started)
        if search.value:
            search.value = ""
        screen.query_one("#items").focus()
        await pilot.pause()
        for whole, key in ((True, "sort"), (False, "sort-frame")):
            for i in range(repeats):
                name = SORTS[(screen.sort_index + 1) % len(SORTS)][0]  # type: ignore[attr-defined]
                started = time.perf_counter()
                app.post_message(events.Key("s", "s"))
                await settle_until(pilot, lambda: f"sorted by {name}" in status_line(app), whole)
                times[key].append(time.perf_counter() - started)
        with WorkshopStore.connect(db_path) as store:
            for _ in range(max(repeats // 2, 1)):
                started = time.perf_counter()
                snapshot = store.snapshot(workshop_id)
                times["read"].append(time.perf_counter() - started)
                started = time.perf_counter()
                screen.show(snapshot)  # type: ignore[attr-defined]
                await settle_until(pilot, lambda: True)
                times["register"].append(time.perf_counter() - started)
            app.pop_screen()
            app.show_kpis(workshop_id)  # type: ignore[attr-defined]
            await wait_loaded(pilot)
            kpi_screen = app.screen
            for _ in range(max(repeats // 2, 1)):
                snapshot = store.snapshot(workshop_id)
                started = time.perf_counter()
                kpi_screen.show(snapshot)  # type: ignore[attr-defined]
                await settle_until(pilot, lambda: True)
                times["kpis"].append(time.perf_counter() - started)
    return times


ROWS = [  # key, what is timed, goal in ms (None: no goal)
    ("search", "register: a search keystroke, table and screen redrawn", GOAL_MS),
    ("sort", "register: a sort (s), table and screen redrawn", GOAL_MS),
    ("search-frame", "  the same search keystroke, until its frame is drawn", None),
    ("sort-frame", "  the same sort, until its frame is drawn", None),
    ("register", "register redrawn from a fresh snapshot", None),
    ("kpis", "KPI list redrawn from a fresh snapshot", GOAL_MS),
    ("read", "reading the workshop snapshot (no UI)", None),
]


def run(sizes: list[tuple[int, int]], baseline: tuple[int, int], repeats: int, rounds: int) -> list[Result]:
    """`rounds` rounds of `repeats`, each round a new app for the baseline and then for each
    size: a slow spell of the machine (a run's medians moved 1.8x between two runs minutes
    apart, the baseline's with them) falls on both, not on one size's whole run."""
    with tempfile.TemporaryDirectory() as folder:
        workshops: dict[tuple[int, int], tuple[Path, int]] = {}
        for size in [baseline, *sizes]:
            db_path = Path(folder) / f"{size[0]}x{size[1]}.db"
            workshops[size] = (db_path, build(db_path, *size))
        times: dict[tuple[int, int], dict[str, list[float]]] = {size: {} for size in workshops}
        for _ in range(rounds):
            for size, (db_path, workshop_id) in workshops.items():
                for key, values in asyncio.run(measure(db_path, workshop_id, repeats)).items():
                    times[size].setdefault(key, []).extend(values)
        base_times = times[baseline]
        results = []
        for items, kpis in sizes:
            for key, what, goal in ROWS:
                samples = times[items, kpis][key]
                median = statistics.median(samples) * 1000
                results.append(Result(
                    name=f"{what}, {items} items x {kpis} KPIs (baseline {baseline[0]} x {baseline[1]})",
                    median_ms=median, p95_ms=p95(samples) * 1000,
                    baseline_ms=statistics.median(base_times[key]) * 1000,
                    goal=f"≤ {goal:g} ms median" if goal else "", met=median <= goal if goal else None))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50, help="timed actions of each kind per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, the baseline and the sizes alternating")
    parser.add_argument("--sizes", default="2000x200", help="register items x KPIs, comma separated")
    parser.add_argument("--baseline", default="20x5", help="the demo-size workshop: items x KPIs")
    parser.add_argument("--append", type=Path, help="append the results to this Markdown file")
    args = parser.parse_args(argv)
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")]
    baseline = tuple(int(n) for n in args.baseline.split("x"))
    results = run(sizes, baseline, args.repeats, args.rounds)  # type: ignore[arg-type]
    print(machine_line())
    print_table(results)
    if args.append:
        append_report(args.append, "Register and KPI list at scale", results,
                      f"{args.rounds} rounds of {args.repeats} repeats (half that for the redraws and the read), "
                      f"the baseline and the sizes alternating; {HOW}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
