"""The home screen lists the workshops in the file; user text shows literally."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from csi_tui.app import make_app
from csi_tui.store import open_store
from tests.conftest import create_workshop, fixed_clock

TRICKY_TITLE = "[bold]x[/] [@click=app.quit]y[/] [/] \x1b[31mred"


def seed(db_path: Path, *titles: str) -> None:
    with open_store(db_path, clock=fixed_clock) as store:
        for title in titles:
            create_workshop(store, title=title)


async def settled(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_workshops_are_listed_with_their_text_as_typed(db_path: Path) -> None:
    seed(db_path, "Service desk CSI", TRICKY_TITLE)
    app = make_app(db_path, clock=fixed_clock)
    async with app.run_test(size=(100, 24)) as pilot:
        await settled(pilot)
        table = pilot.app.screen.query_one("#workshops", DataTable)
        titles = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
        assert sorted(titles) == sorted(["Service desk CSI", TRICKY_TITLE])
        assert not pilot.app.screen.query_one("#empty", Static).display
        await pilot.click("#workshops", offset=(4, 2))  # clicking the row must not trigger its text
        await settled(pilot)
        assert pilot.app.is_running


async def test_an_empty_file_tells_a_first_time_user_what_to_do(db_path: Path) -> None:
    seed(db_path)
    app = make_app(db_path, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        empty = pilot.app.screen.query_one("#empty", Static)
        assert empty.display
        assert "csi-tui new" in str(empty.render())


def test_home_snapshot(snap_compare, db_path: Path) -> None:
    seed(db_path, "Service desk CSI", TRICKY_TITLE)

    async def wait_for_the_list(pilot: Pilot[None]) -> None:
        await settled(pilot)

    assert snap_compare(make_app(db_path, clock=fixed_clock), terminal_size=(80, 24), run_before=wait_for_the_list)


def test_empty_home_snapshot(snap_compare, db_path: Path) -> None:
    seed(db_path)

    async def wait_for_the_list(pilot: Pilot[None]) -> None:
        await settled(pilot)

    assert snap_compare(make_app(db_path, clock=fixed_clock), terminal_size=(80, 24), run_before=wait_for_the_list)
