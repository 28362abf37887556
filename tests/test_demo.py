"""The demo programme: realistic, built by code, the same every time; `csi-tui demo` and
`csi-tui open` start the app on it."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from csi_tui.demo import write_demo
from csi_tui.transfer.document import workshop_document
from csi_tui.domain.models import Perspective
from csi_tui.store.workshop_store import open_store
from benchmarks.startup import measure_start
from tests.helpers.ui import settle, test_app


def test_the_demo_is_a_service_desk_programme_over_two_cycles(tmp_path: Path) -> None:
    second = write_demo(tmp_path / "demo.db")
    with open_store(tmp_path / "demo.db") as store:
        latest = store.workshop(second)
        first = store.workshop(latest.previous_id)
        assert (first.cycle, latest.cycle) == (1, 2)
        for workshop in (first, latest):
            assert len(store.dimensions(workshop.id)) == 34  # the ITIL 4 practices
            people = store.participants(workshop.id)
            assert len(people) == 6 and Counter(p.perspective for p in people) == {
                Perspective.BUSINESS: 3, Perspective.IT: 3}
            assert all(row.current is not None for row in store.snapshot(workshop.id).gap_rows())
            assert all(store.answers(workshop.id).get(step) for step in (2, 3, 4, 5))
        statuses = {item.status.value for w in (first, latest) for item in store.register_items(w.id)}
        assert {"new", "accepted", "approved", "in progress", "on hold", "monitoring", "closed",
                "cancelled"} <= statuses
        kpis = store.kpis(second)
        assert len(kpis) == 5
        for kpi in kpis:  # a year of monthly measurements, across the two cycles
            trend = store.kpi_trend(second, kpi.id)
            months = {(m.measured_at.year, m.measured_at.month) for _, m in trend}
            assert len(months) == 12 and {cycle for cycle, _ in trend} == {1, 2}
        verdicts = Counter(review.status.value for review in store.snapshot(second).kpi_reviews)
        assert set(verdicts) == {"achieved", "partly", "missed"}  # step 5 has something to say


def test_two_builds_are_the_same_workshop(tmp_path: Path) -> None:
    one, two = write_demo(tmp_path / "one.db"), write_demo(tmp_path / "two.db")
    with open_store(tmp_path / "one.db") as a, open_store(tmp_path / "two.db") as b:
        assert workshop_document(a, one) == workshop_document(b, two)


async def test_opening_straight_on_a_workshop_and_escape_shows_the_list(tmp_path: Path) -> None:
    from csi_tui.screens.home import HomeScreen
    from csi_tui.screens.step import StepScreen

    second = write_demo(tmp_path / "demo.db")
    app = test_app(tmp_path / "demo.db")
    app.open_workshop = second
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, StepScreen) and pilot.app.screen.step.number == 5
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
        assert pilot.app.screen.query_one("#workshops").row_count == 2


def test_csi_tui_demo_opens_on_the_list_saying_it_is_a_throwaway_copy(tmp_path: Path) -> None:
    """Issue 14: not dropped on cycle 2, step 5 with no word of what this is."""
    start = measure_start([sys.executable, "-m", "csi_tui", "demo"], "throwaway copy", settle_s=0.2,
                          env={"TMPDIR": str(tmp_path)})  # the demo's folder, left by SIGTERM
    assert start.first_paint_s > 0


async def test_the_demo_list_says_what_to_try_and_the_first_try_works(tmp_path: Path) -> None:
    from csi_tui.demo import WELCOME
    from csi_tui.screens.home import HomeScreen
    from csi_tui.screens.step import StepScreen
    from tests.test_user_text_is_data import screen_text

    second = write_demo(tmp_path / "demo.db")
    app = test_app(tmp_path / "demo.db")
    app.note = WELCOME  # as `csi-tui demo` builds it (cli.command_demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        text = " ".join(screen_text(app).split())
        assert "throwaway copy" in text and "deleted when you quit" in text
        assert all(f"{n}. " in text for n in (1, 2, 3))  # three things to try
        assert "Service desk CSI programme" in text  # the list is there below the note
        await pilot.press("enter")  # try 1: resume cycle 2
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert (app.screen.workshop_id, app.screen.step.number) == (second, 5)


def test_open_with_an_unknown_id_says_so_in_one_line(tmp_path: Path, run_cli) -> None:  # noqa: ANN001
    write_demo(tmp_path / "demo.db")
    result = run_cli("--db", str(tmp_path / "demo.db"), "open", "99")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "99" in result.stderr


def test_opening_an_up_to_date_file_does_not_load_sqlite_utils(tmp_path: Path, run_cli) -> None:  # noqa: ANN001
    """The start-up saving recorded in docs/performance.md: sqlite-utils loads only to migrate."""
    write_demo(tmp_path / "demo.db")
    code = ("import sys; import csi_tui.cli, csi_tui.app; from csi_tui.store.workshop_store import open_store; "
            f"open_store({str(tmp_path / 'demo.db')!r}).close(); "
            "print(sorted(m for m in ('sqlite_utils', 'plotext', 'textual_plotext') if m in sys.modules))")
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


def test_open_paints_the_step_before_pydantic_loads_and_then_shows_its_answers(tmp_path: Path) -> None:
    """The start-up order recorded in docs/performance.md: `csi-tui open ID` writes its first frame
    (the step's question) before pydantic and the models are imported; the answers follow."""
    database, seen = tmp_path / "demo.db", tmp_path / "loaded-at-first-frame.txt"
    workshop_id = write_demo(database)
    # Instruments the terminal driver only: notes what is imported when the question is first written.
    code = (
        "import sys\n"
        "import textual.drivers.linux_driver as linux\n"
        "write = linux.LinuxDriver.write\n"
        "def noting(self, data):\n"
        f"    if 'Did we get there?' in data and not {str(seen)!r} in done:\n"
        f"        done.add({str(seen)!r})\n"
        "        heavy = sorted(m for m in ('pydantic', 'csi_tui.domain.models', 'csi_tui.store.workshop_store')"
        " if m in sys.modules)\n"
        f"        open({str(seen)!r}, 'w').write(repr(heavy))\n"
        "    return write(self, data)\n"
        "done = set()\n"
        "linux.LinuxDriver.write = noting\n"
        "from csi_tui.cli import main\n"
        f"sys.exit(main(['--db', {str(database)!r}, 'open', '{workshop_id}']))\n"
    )
    # The workshop's title and last cycle's scores come from the first read, after the first frame.
    start = measure_start([sys.executable, "-c", code], "Service desk CSI programme · cycle 2", settle_s=0.1)
    assert start.first_paint_s > 0
    assert seen.read_text() == "[]"
