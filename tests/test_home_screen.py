"""The home screen lists the workshops in the file, opens, creates and deletes them."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.new_workshop import NewWorkshopScreen
from csi_tui.screens.participants import ParticipantsScreen
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop, fixed_clock
from tests.helpers.ui import TRICKY, settle, test_app

TRICKY_TITLE = " ".join(TRICKY[:3])


def seed(db_path: Path, *titles: str) -> list[int]:
    with open_store(db_path, clock=fixed_clock) as store:
        return [create_workshop(store, title=title) for title in titles]


async def test_workshops_are_listed_with_their_text_as_typed(db_path: Path) -> None:
    seed(db_path, "Service desk CSI", TRICKY_TITLE)
    async with test_app(db_path).run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#workshops", DataTable)
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
        table = pilot.app.screen.query_one("#workshops", DataTable)
        table.move_cursor(row=table.get_row_index(str(drop)))
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
