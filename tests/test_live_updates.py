"""A score changed by another process shows in the open gap matrix within a second, and a file
nobody writes to costs nothing: no reloads, no redraws."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

from csi_tui.domain.models import Score, ScoreKind
from csi_tui.screens.closing import ClosingScreen
from csi_tui.screens.step import StepScreen
from csi_tui.session.workshop_session import WorkshopSession
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.line_table import LineTable, as_text
from tests.conftest import create_workshop
from tests.helpers.ui import open_selected_workshop, settle, test_app, until

WRITE_A_SCORE = """
import sys
from csi_tui.domain.models import Score, ScoreKind
from csi_tui.store.workshop_store import open_store
with open_store(sys.argv[1]) as store:
    store.save_score(int(sys.argv[2]), Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT, value=4))
"""


def matrix_cell(screen, name: str, column: int) -> str:
    """A cell of the gap matrix row showing the dimension called `name`."""
    table = screen.query_one(LineTable)
    (row,) = [i for i in range(table.row_count) if table.cell_text(i, 0) == name]
    return table.cell_text(row, column)


async def test_another_process_writing_a_score_shows_within_a_second(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+g", "6", "ctrl+n")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ClosingScreen)
        assert matrix_cell(screen, "Partners and suppliers", 1) == "–"

        await asyncio.to_thread(subprocess.run, [sys.executable, "-c", WRITE_A_SCORE, str(db_path), str(workshop_id)],
                                check=True, cwd=Path(__file__).parent.parent)
        # The promise to a facilitator is "within a second"; the app looks four times a second.
        await until(pilot, lambda: matrix_cell(screen, "Partners and suppliers", 1) == "4", timeout=1.0)


async def test_the_step_gap_panel_follows_a_score_saved_on_the_same_screen(db_path: Path) -> None:
    with open_store(db_path) as store:
        create_workshop(store)
    async with test_app(db_path).run_test(size=(160, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n", "f2")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, StepScreen)
        panel = screen.query_one("#gap-panel")
        assert panel.display
        screen.query_one("#scoring #scores").focus()
        await pilot.press("enter", "3", "enter")  # score the first dimension 3, no evidence
        await settle(pilot)
        assert matrix_cell(panel, "Organizations and people", 1) == "3"


def count_reads(monkeypatch) -> list[frozenset[str] | None]:
    """Every read the screens ask of the session: None for the whole workshop, else the
    dimensions whose scores it read again."""
    reads: list[frozenset[str] | None] = []
    snapshot, rescore = WorkshopSession.snapshot, WorkshopSession.rescore

    def whole(self, workshop_id):
        reads.append(None)
        return snapshot(self, workshop_id)

    def some(self, before, dimensions):
        reads.append(frozenset(dimensions))
        return rescore(self, before, dimensions)

    monkeypatch.setattr(WorkshopSession, "snapshot", whole)
    monkeypatch.setattr(WorkshopSession, "rescore", some)
    return reads


def count_drawn_rows(monkeypatch) -> dict[str, list[str]]:
    """The rows each table (by id) renders, by the text of their first cell."""
    drawn: dict[str, list[str]] = {}
    render = LineTable._render_cells

    def counting(self, cells):
        drawn.setdefault(self.id or "", []).append(as_text(cells[0]).plain.strip() if cells else "")
        return render(self, cells)

    monkeypatch.setattr(LineTable, "_render_cells", counting)
    return drawn


async def test_nothing_is_read_or_drawn_while_nobody_writes(db_path: Path, monkeypatch) -> None:
    with open_store(db_path) as store:
        create_workshop(store)
    reads = count_reads(monkeypatch)
    drawn = count_drawn_rows(monkeypatch)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert reads and drawn  # the counting is in place: the step was read and drawn
        reads.clear()
        drawn.clear()
        await pilot.pause(1.5)  # six polls of the file, with nobody writing to it
        assert reads == [] and drawn == {}


async def test_a_score_saved_elsewhere_reads_and_redraws_only_its_dimension(db_path: Path, monkeypatch) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        # Level 4's name is already in the table: its column need not widen (which draws it all).
        for key, value in (("organizations-people", 4), ("partners-suppliers", 2)):
            store.save_score(workshop_id, Score(dimension_key=key, kind=ScoreKind.CURRENT, value=value))
    reads = count_reads(monkeypatch)
    drawn = count_drawn_rows(monkeypatch)
    async with test_app(db_path).run_test(size=(160, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n", "f2")  # step 2, its gap panel open
        await settle(pilot)
        screen = pilot.app.screen
        scores = screen.query_one("#scoring #scores", LineTable)
        assert scores.get_row("partners-suppliers")[1].plain == "2"
        reads.clear()
        drawn.clear()

        await asyncio.to_thread(subprocess.run, [sys.executable, "-c", WRITE_A_SCORE, str(db_path), str(workshop_id)],
                                check=True, cwd=Path(__file__).parent.parent)
        await until(pilot, lambda: scores.get_row("partners-suppliers")[1].plain == "4", timeout=1.0)
        await settle(pilot)
        assert reads == [frozenset({"partners-suppliers"})]  # that dimension's scores, not the workshop
        # Its row in the scoring table and in the room grid; no other row of either is drawn again.
        assert drawn["scores"] == ["Partners and suppliers"]
        assert set(drawn.get("room", [])) <= {"Partners and suppliers"}
        assert matrix_cell(screen.query_one("#gap-panel"), "Partners and suppliers", 1) == "4"


async def test_a_burst_of_scores_is_read_once_and_shown_whole(db_path: Path, monkeypatch) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        keys = [d.key for d in store.dimensions(workshop_id)]
    reads = count_reads(monkeypatch)
    app = test_app(db_path, live_poll_seconds=None)  # the test says when the app looks
    async with app.run_test(size=(160, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        reads.clear()
        with open_store(db_path) as elsewhere:  # a room voting: a save per vote, each its own commit
            for round_ in range(5):
                for number, key in enumerate(keys):
                    elsewhere.save_score(workshop_id, Score(dimension_key=key, kind=ScoreKind.CURRENT,
                                                            value=1 + (round_ + number) % 5))
        app.notice_changes()  # one look at the file, as the poll takes
        await settle(pilot)
        assert reads == [frozenset(keys)]  # twenty saves, one read
        table = app.screen.query_one("#scoring #scores", LineTable)
        assert [table.get_row(key)[1].plain for key in keys] == [str(1 + (4 + n) % 5) for n in range(len(keys))]


async def test_a_program_writing_without_the_change_log_makes_the_screen_read_it_all(
        db_path: Path, monkeypatch) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        store.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT, value=2))
    reads = count_reads(monkeypatch)
    app = test_app(db_path, live_poll_seconds=None)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        reads.clear()
        with sqlite3.connect(db_path) as analyst:  # sqlite3 by hand: no change-log row
            analyst.execute("UPDATE score SET value = 5")
        app.notice_changes()
        await settle(pilot)
        assert reads == [None]
        assert app.screen.query_one("#scoring #scores", LineTable).get_row("partners-suppliers")[1].plain == "5"


async def test_a_change_to_another_workshop_reads_nothing_here(db_path: Path, monkeypatch) -> None:
    with open_store(db_path) as store:
        create_workshop(store)
        other = create_workshop(store, title="Another")
    reads = count_reads(monkeypatch)
    app = test_app(db_path, live_poll_seconds=None)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_selected_workshop(pilot)  # the newest: "Another"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.screen.workshop_id == other
        reads.clear()
        with open_store(db_path) as elsewhere:
            elsewhere.save_score(other - 1, Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT,
                                                  value=3))
        app.notice_changes()
        await settle(pilot)
        assert reads == []


async def test_a_gap_panel_opened_after_votes_arrived_shows_them(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
    app = test_app(db_path, live_poll_seconds=None)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n")  # step 2, its gap panel closed
        await settle(pilot)
        panel = app.screen.query_one("#gap-panel")
        assert not panel.display
        with open_store(db_path) as elsewhere:
            elsewhere.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT,
                                                    value=4))
        app.notice_changes()
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert matrix_cell(panel, "Partners and suppliers", 1) == "4"


async def test_the_workshop_list_under_a_step_waits_until_it_is_shown(db_path: Path, monkeypatch) -> None:
    # Textual counts the screen just below the top one as visible; the list under the step read
    # every workshop, refilled its table and laid its footer out again on every vote.
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
    lists: list[int] = []
    workshop_list = WorkshopSession.workshop_list

    def counting(self, first=None):
        lists.append(1)
        return workshop_list(self, first)

    monkeypatch.setattr(WorkshopSession, "workshop_list", counting)
    app = test_app(db_path, live_poll_seconds=None)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        lists.clear()
        with open_store(db_path) as elsewhere:
            elsewhere.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT,
                                                    value=4))
            elsewhere.set_current_step(workshop_id, 4)
        app.notice_changes()
        await settle(pilot)
        assert lists == []  # nothing read for a list nobody sees
        await pilot.press("escape")  # back to the list
        await settle(pilot)
        assert lists  # read when shown, with what changed meanwhile
        table = app.screen.query_one("#workshops", LineTable)
        assert table.get_row(str(workshop_id))[3].plain.startswith("4")


async def step_under_the_register(pilot) -> StepScreen:
    """Step 2 of the selected workshop, then the register (f3) over it: the step, out of sight."""
    await open_selected_workshop(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    step = pilot.app.screen
    assert isinstance(step, StepScreen)
    await pilot.press("f3")  # the register, over the step
    await settle(pilot)
    assert pilot.app.screen is not step
    return step


async def test_a_step_under_the_register_reads_the_votes_when_shown_again(db_path: Path, monkeypatch) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
    reads = count_reads(monkeypatch)
    app = test_app(db_path, live_poll_seconds=None)
    async with app.run_test(size=(160, 40)) as pilot:
        step = await step_under_the_register(pilot)
        reads.clear()
        with open_store(db_path) as elsewhere:
            elsewhere.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT,
                                                    value=4))
        app.notice_changes()
        await settle(pilot)
        # The register read that dimension for its coverage; the step out of sight read nothing.
        assert reads == [frozenset({"partners-suppliers"})]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is step
        assert reads[-1] == frozenset({"partners-suppliers"})  # only that dimension, once shown
        assert step.query_one("#scoring #scores", LineTable).get_row("partners-suppliers")[1].plain == "4"


async def test_a_step_out_of_sight_shows_the_save_state_when_shown_again(db_path: Path, monkeypatch) -> None:
    # Under the room screen a step hears every batch of votes being saved; its indicator, which
    # nobody sees, is left alone (restyling it cost milliseconds each time) and shows the last
    # state heard once the step is in sight again.
    from csi_tui.widgets.save_indicator import SaveIndicator

    with open_store(db_path) as store:
        create_workshop(store)
    shown: list[str] = []
    watch_state = SaveIndicator.watch_state

    def counting(self, old, new):
        shown.append(new)
        watch_state(self, old, new)

    monkeypatch.setattr(SaveIndicator, "watch_state", counting)
    app = test_app(db_path, live_poll_seconds=None)
    async with app.run_test(size=(160, 40)) as pilot:
        step = await step_under_the_register(pilot)
        shown.clear()
        for state in ("saving", "saved", "saving", "failed"):
            app.session.save_state.publish(state)
        await settle(pilot)
        assert shown == []  # nothing restyled out of sight
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is step
        assert step.query_one(SaveIndicator).state == "failed"  # the last heard, shown with the step
