"""The next cycle carries open register items instead of copying them: the earlier cycle's copy
stays as history, marked "carried to cycle N", and every count (the closing summary, the register,
the analysts' view, a merged portfolio) holds each item once. Starting the next cycle asks
whether the same people take part: their names and perspectives come along, never their scores."""

from __future__ import annotations

import csv
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Static

from csi_tui.domain.cycle import summarise
from csi_tui.domain.errors import InvalidInput
from csi_tui.domain.models import Participant, RegisterItem, RegisterStatus, Score, ScoreKind
from csi_tui.screens.closing import ClosingScreen
from csi_tui.screens.new_workshop import NewWorkshopScreen
from csi_tui.screens.next_cycle_dialog import NextCycleDialog
from csi_tui.screens.register import RegisterScreen
from csi_tui.screens.step import StepScreen
from csi_tui.store import schema
from csi_tui.store.views import REGISTER_VIEW
from csi_tui.store.workshop_store import WorkshopStore, open_store
from csi_tui.transfer.files import export_report
from csi_tui.transfer.merge import merge_files
from csi_tui.transfer.tables import export_csv
from csi_tui.widgets.line_table import LineTable
from tests.conftest import create_workshop, fixed_clock
from tests.helpers.ui import open_selected_workshop, settle, test_app

KEY = "partners-suppliers"


def cycle_one(store: WorkshopStore) -> int:
    """A first cycle with two people who scored, one item under way and one closed."""
    first = create_workshop(store)
    for name, perspective, value in (("Bea", "business", 3), ("Ivo", "it", 2)):
        person = store.add_participant(first, Participant(name=name, role="Desk", perspective=perspective))
        store.save_score(first, Score(dimension_key=KEY, kind=ScoreKind.CURRENT, value=value, participant_id=person.id))
    store.save_score(first, Score(dimension_key=KEY, kind=ScoreKind.TARGET, value=4))
    store.add_register_item(first, RegisterItem(raised_on=date(2026, 3, 1), description="Supplier reviews",
                                                status=RegisterStatus.IN_PROGRESS, due_on=date(2026, 3, 10),
                                                dimension_keys=[KEY]))
    store.add_register_item(first, RegisterItem(raised_on=date(2026, 3, 1), description="Call scripts",
                                                status=RegisterStatus.CLOSED, closure="successful"))
    return first


def listed(conn: sqlite3.Connection | WorkshopStore, description: str) -> int:
    """How many rows of the analysts' register view hold this item."""
    db = conn.db if isinstance(conn, WorkshopStore) else conn
    (count,) = db.execute("SELECT count(*) FROM register_overview WHERE description = ?", [description]).fetchone()
    return count


def test_an_open_item_moves_to_the_next_cycle_and_the_earlier_copy_is_marked_carried(store: WorkshopStore) -> None:
    first = cycle_one(store)
    second = store.start_next_cycle(first)

    before = {i.description: i for i in store.register_items(first)}
    after = {i.description: i for i in store.register_items(second.id)}
    assert before["Supplier reviews"].carried_to_cycle == 2  # history, marked
    assert before["Call scripts"].carried_to_cycle is None  # closed here: nothing to carry
    assert set(after) == {"Supplier reviews"} and after["Supplier reviews"].carried_to_cycle is None
    carried = store.db.execute(
        "SELECT i.workshop_id, i.status, c.to_cycle FROM register_item_carried c "
        "JOIN register_item i ON i.id = c.item_id").fetchall()
    assert [tuple(row) for row in carried] == [(first, "in progress", 2)]
    assert listed(store, "Supplier reviews") == 1  # once, in cycle 2
    assert store.db.execute("SELECT workshop_id FROM register_overview WHERE description = 'Supplier reviews'"
                            ).fetchone()[0] == second.id
    # Cycle 1's closing summary counts the item it kept, not the one that went on.
    snapshot = store.snapshot(first)
    assert summarise(snapshot.gap_rows(), snapshot.register_items, snapshot.kpi_reviews).items_opened == 1
    # The history is not edited or moved any more: the live copy is in cycle 2.
    number = before["Supplier reviews"].number
    with pytest.raises(InvalidInput, match="carried to cycle 2"):
        store.change_register_status(first, number, RegisterStatus.MONITORING)
    with pytest.raises(InvalidInput, match="carried to cycle 2"):
        store.update_register_item(first, number, owner="Ivo")
    # A later cycle started from cycle 1 again does not take the same item a second time.
    assert store.register_items(store.start_next_cycle(first).id) == []


def test_a_merged_portfolio_counts_a_carried_item_once(tmp_path: Path) -> None:
    source = tmp_path / "site.db"
    with open_store(source, clock=fixed_clock) as store:
        store.start_next_cycle(cycle_one(store))
    portfolio = tmp_path / "portfolio.db"
    assert merge_files([source], portfolio).merged == 2
    with open_store(portfolio) as merged:
        assert listed(merged, "Supplier reviews") == 1
        marked = [(w.cycle, i.carried_to_cycle) for w in merged.workshops() for i in merged.register_items(w.id)
                  if i.description == "Supplier reviews"]
        assert sorted(marked, key=lambda pair: pair[0]) == [(1, 2), (2, None)]


def test_the_earlier_cycles_exports_name_the_item_carried(store: WorkshopStore, tmp_path: Path) -> None:
    first = cycle_one(store)
    store.start_next_cycle(first)
    export_csv(store, first, tmp_path / "tables")
    with (tmp_path / "tables" / "register.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["description"]: row for row in csv.DictReader(handle)}
    assert {name: row["carried_to_cycle"] for name, row in rows.items()} == {
        "Supplier reviews": "2", "Call scripts": ""}
    export_report(store, first, tmp_path / "report.md", "md")
    (line,) = [line for line in (tmp_path / "report.md").read_text().splitlines() if "Supplier reviews" in line]
    assert "carried to cycle 2" in line


def as_older_version(path: Path) -> None:
    """The file as csi-tui's schema 3 left it: both copies open, no marks, the first view."""
    conn = sqlite3.connect(path)
    conn.executescript(f"""
        DROP VIEW register_overview;
        DROP TABLE register_item_carried;
        {REGISTER_VIEW};
        DELETE FROM _sqlite_migrations WHERE name = 'm0004_carried_items';
        PRAGMA user_version = 3;
    """)
    conn.close()


def test_a_file_of_an_earlier_version_counts_each_item_once_after_upgrade_and_in_a_merge(tmp_path: Path) -> None:
    source = tmp_path / "old.db"
    with open_store(source, clock=fixed_clock) as store:
        first = cycle_one(store)
        store.start_next_cycle(first)
    as_older_version(source)
    assert listed(sqlite3.connect(source), "Supplier reviews") == 2  # what earlier versions showed

    portfolio = tmp_path / "portfolio.db"
    assert merge_files([source], portfolio).merged == 2
    with sqlite3.connect(portfolio) as merged:
        assert listed(merged, "Supplier reviews") == 1
        assert merged.execute("SELECT to_cycle FROM register_item_carried").fetchall() == [(2,)]

    with open_store(source) as upgraded:  # the app's upgrade finds the same marks in place
        assert upgraded.schema_version() == schema.SCHEMA_VERSION
        assert listed(upgraded, "Supplier reviews") == 1
        assert [i.carried_to_cycle for i in upgraded.register_items(first)] == [2, None]


@pytest.mark.parametrize("keep", [True, False])
def test_the_next_cycle_keeps_the_people_only_when_asked_and_never_their_scores(store: WorkshopStore,
                                                                                 keep: bool) -> None:
    first = cycle_one(store)
    second = store.start_next_cycle(first, keep_participants=keep).id
    people = [(p.name, p.role, p.perspective.value) for p in store.participants(second)]
    assert people == ([("Bea", "Desk", "business"), ("Ivo", "Desk", "it")] if keep else [])
    assert store.scores(second) == []
    assert len(store.participants(first)) == 2  # cycle 1 keeps its own


def seed_at_step_six(db_path: Path) -> int:
    with open_store(db_path) as store:
        first = cycle_one(store)
        store.set_current_step(first, 6)
    return first


@pytest.mark.parametrize(("key", "kept"), [("k", ["Bea", "Ivo"]), ("n", [])])
async def test_starting_the_next_cycle_asks_about_the_people(db_path: Path, key: str, kept: list[str]) -> None:
    first = seed_at_step_six(db_path)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClosingScreen)
        await pilot.press("ctrl+n")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, NextCycleDialog)
        people = str(dialog.query_one("#next-cycle-people", Static).render())
        assert "Bea (business)" in people and "Ivo (it)" in people and "not their scores" in people
        await pilot.press(key)
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, StepScreen) and screen.snapshot is not None
        assert screen.snapshot.workshop.cycle == 2
        second = screen.snapshot.workshop.id
    with open_store(db_path) as store:
        assert [p.name for p in store.participants(second)] == kept
        assert store.scores(second) == []
        assert [(i.description, i.carried_to_cycle) for i in store.register_items(first)] == [
            ("Supplier reviews", 2), ("Call scripts", None)]
        assert [i.description for i in store.register_items(second)] == ["Supplier reviews"]


async def test_escape_in_the_next_cycle_dialog_starts_nothing(db_path: Path) -> None:
    seed_at_step_six(db_path)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NextCycleDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClosingScreen)
    with open_store(db_path) as store:
        assert [w.cycle for w in store.workshops()] == [1]


async def test_the_earlier_cycles_register_shows_the_item_as_carried_and_counts_it_out(db_path: Path) -> None:
    with open_store(db_path, clock=fixed_clock) as store:
        first = cycle_one(store)
        store.start_next_cycle(first)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pilot.app.show_register(first)
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RegisterScreen)
        table = screen.query_one("#items", LineTable)
        statuses = {table.get_row_at(i)[1].plain: table.get_row_at(i)[2].plain for i in range(table.row_count)}
        # Due 10 March, today is 14 March: overdue, if at all, in cycle 2, not in its history.
        assert statuses == {"Supplier reviews": "carried to cycle 2", "Call scripts": "closed"}
        title = str(screen.query_one("#register-title", Static).render())
        assert title.endswith("0 open, 0 overdue, 1 carried")
        await pilot.press("f")  # the "open" filter: nothing is left to do in cycle 1
        await settle(pilot)
        assert table.row_count == 0


async def test_the_anonymous_box_reads_differently_ticked_and_unticked(db_path: Path) -> None:
    async with test_app(db_path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NewWorkshopScreen)
        box = pilot.app.screen.query_one("#anonymous", Checkbox)
        unticked = box.render().plain
        box.focus()
        await pilot.press("space")
        await settle(pilot)
        assert box.value
        ticked = box.render().plain
        assert unticked.startswith("▐ ▌") and ticked.startswith("▐X▌")
