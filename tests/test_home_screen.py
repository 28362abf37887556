"""The home screen lists the workshops in the file, opens, creates and deletes them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, Static

from benchmarks.workshop_list import build_portfolio
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.home import HomeScreen
from csi_tui.screens.new_workshop import NewWorkshopScreen
from csi_tui.screens.participants import ParticipantsScreen
from csi_tui.screens.step import StepScreen
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.line_table import LineTable
from tests.conftest import FIXED_NOW, create_workshop, fixed_clock
from tests.helpers.ui import TRICKY, settle, test_app

TRICKY_TITLE = " ".join(TRICKY[:3])


def seed(db_path: Path, *titles: str) -> list[int]:
    with open_store(db_path, clock=fixed_clock) as store:
        return [create_workshop(store, title=title) for title in titles]


async def test_workshops_are_listed_with_their_text_as_typed(db_path: Path) -> None:
    seed(db_path, "Service desk CSI", TRICKY_TITLE)
    async with test_app(db_path).run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#workshops", LineTable)
        titles = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
        assert sorted(titles) == sorted(["Service desk CSI", TRICKY_TITLE])
        assert not pilot.app.screen.query_one("#empty", Static).display


async def test_an_empty_file_tells_a_first_time_user_what_to_do_and_n_does_it(db_path: Path) -> None:
    seed(db_path)
    async with test_app(db_path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        empty = pilot.app.screen.query_one("#empty", Static)
        assert empty.display
        assert "Press  n  to create your first workshop" in str(empty.render())
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NewWorkshopScreen)


async def test_deleting_asks_first_and_no_keeps_the_workshop(db_path: Path) -> None:
    keep, drop = seed(db_path, "Keep", "Drop")
    async with test_app(db_path).run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#workshops", LineTable)
        table.move_cursor(row=table.row_index(str(drop)))
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        with open_store(db_path) as store:
            assert len(store.workshops()) == 2
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert table.row_count == 1
    with open_store(db_path) as store:
        assert [w.id for w in store.workshops()] == [keep]


async def test_an_anonymous_workshop_asks_for_aliases_only(db_path: Path) -> None:
    open_store(db_path).close()
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#title", Input).value = "Anonymous survey"
        await pilot.click("#anonymous")
        await pilot.click("#create")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ParticipantsScreen)
        assert dialog.query_one("#name", Input).placeholder == "Alias"
        assert not dialog.query("#role")
    with open_store(db_path) as store:
        (workshop,) = store.workshops()
        assert workshop.anonymous


async def test_at_ten_thousand_workshops_the_list_opens_and_enter_opens_the_chosen_one(tmp_path: Path) -> None:
    # A portfolio: the whole list is there (the last workshop a keypress away), and the row the
    # cursor is on is the workshop that opens, at the step where its room stopped.
    db_path = tmp_path / "portfolio.db"
    build_portfolio(db_path, 10_000)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = pilot.app.screen
        assert isinstance(home, HomeScreen) and home.complete
        table = home.query_one("#workshops", LineTable)
        assert table.row_count == 10_000
        await pilot.press("end")  # the oldest change: the second workshop built
        await settle(pilot)
        chosen = home.workshops[table.cursor_key or ""]
        assert table.get_row_at(table.cursor_row)[0].plain == chosen.title == "Service desk CSI 2"
        await pilot.press("enter")
        await settle(pilot)
        step = pilot.app.screen
        assert isinstance(step, StepScreen)
        assert (step.workshop_id, step.step.number) == (2, chosen.current_step)


async def test_a_workshop_changed_elsewhere_shows_its_new_title_and_the_cursor_keeps_its_workshop(
        db_path: Path) -> None:
    first, second, _ = seed(db_path, "Service desk CSI", "Change enablement", "Problem management")
    async with test_app(db_path).run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#workshops", LineTable)
        table.move_cursor(row=table.row_index(str(second)))
        await settle(pilot)
        # Another window, a minute later: the first workshop is renamed, so it is now the newest.
        with open_store(db_path, clock=lambda: FIXED_NOW + timedelta(minutes=1)) as elsewhere:
            elsewhere.update_workshop(first, title="Service desk CSI, second look")
        await settle(pilot)
        titles = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
        assert titles[0] == "Service desk CSI, second look"
        assert table.cursor_key == str(second)  # moved down a row with its workshop, not left behind
        assert "Change enablement" in str(pilot.app.screen.query_one("#workshop-line", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen.workshop_id == second


async def test_the_list_fits_80_columns_and_the_selected_workshop_is_shown_in_full(db_path: Path) -> None:
    long_title = "Service desk continual improvement for the whole northern region, second half"
    seed(db_path, long_title)
    async with test_app(db_path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#workshops", LineTable)
        assert sum(column.width + 2 for column in table.fitted) <= 80 - 1  # the scrollbar's gutter
        assert {"Title", "Step"} <= {table.columns[column.index].header for column in table.fitted}
        line = str(pilot.app.screen.query_one("#workshop-line", Static).render())
        assert long_title in line and "Step 1" in line
