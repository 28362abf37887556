"""Issue 16's acceptance, end to end: the facilitator runs the room from the app (Pilot: the room
key, 1, r, 2, enter) while three people score from three phone-sized browsers (Debian's chromium,
driven by Playwright): they join, score blind, one changes a score, the facilitator reveals and
opens round 2 on the dimensions the room split on (ticked for them), they score again, and the
file holds exactly each person's final vote per round. tests/test_room_page.py checks the page
itself in more detail, with the server driven directly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Static

from csi_tui.screens.room import RoomScreen
from csi_tui.screens.round_dialog import RoundDialog
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.line_table import LineTable
from csi_tui.widgets.tick_box import TickBox
from tests.conftest import create_workshop, fixed_clock
from tests.helpers.ui import settle, test_app, until
from tests.test_room_page import PHONE, WAIT, score, votes

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser") if shutil.which(name)), None)
playwright = pytest.importorskip("playwright.async_api", reason="needs playwright (pip install playwright)")
pytestmark = [
    pytest.mark.xdist_group("room"),
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium for the page (apt-get install chromium)"),
]


async def join(browser, url: str, code: str, name: str, side: str):
    page = await (await browser.new_context(viewport=PHONE)).new_page()
    await page.goto(url)
    await page.fill("#join-code", code)
    await page.fill("#join-name", name)
    await page.check(f"input[name=perspective][value={side}]")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#ballot:not([hidden])", timeout=WAIT)
    return page


def on_screen(screen: RoomScreen) -> str:
    return "\n".join(str(static.render()) for static in screen.query(Static) if static.display)


async def test_the_facilitator_runs_two_blind_rounds_from_the_app(db_path: Path) -> None:
    with open_store(db_path, clock=fixed_clock) as store:
        workshop_id = create_workshop(store)
        store.update_workshop(workshop_id, anonymous=True)
    app = test_app(db_path, open_workshop=workshop_id, open_room=True, room_host="127.0.0.1", room_port=0)
    async with app.run_test(size=(120, 40)) as pilot, playwright.async_playwright() as driver:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RoomScreen) and screen.server is not None
        url, code = screen.server.url, screen.server.code
        await pilot.press("1")
        await settle(pilot)
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            pages = [await join(browser, url, code, name, side)
                     for name, side in (("Owl", "it"), ("Fox", "business"), ("Elk", "it"))]
            keys = list(screen.server.round.dimension_keys)
            first = {"Owl": [1, 3, 2, 4], "Fox": [2, 3, 5, 4], "Elk": [3, 3, 2, 4]}
            for page, name in zip(pages, first, strict=True):
                for index, value in enumerate(first[name]):
                    await score(page, index, value)
            await score(pages[2], 0, 5)  # a change of mind before the round closes
            first["Elk"][0] = 5
            await until(pilot, lambda: "3 of 3 have scored" in on_screen(screen), timeout=10)
            await settle(pilot)
            assert all(not table.row_count for table in screen.query(LineTable))  # blind: no value shown

            await pilot.press("r")
            await settle(pilot)
            for page in pages:
                await page.wait_for_selector("#status:has-text('Revealed — look at the screen')", timeout=WAIT)
            await until(pilot, lambda: screen.query_one("#room-grid LineTable", LineTable).row_count > 0)
            grid = screen.query_one("#room-grid LineTable", LineTable)
            assert {"Owl", "Fox", "Elk"} <= set(grid.shown_headers)  # the aliases as joined

            await pilot.press("2")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, RoundDialog)
            ticked = [c.key for c, box in zip(dialog.choices, dialog.query(TickBox), strict=True) if box.value]
            assert ticked == [keys[0], keys[2]]  # 1/2/5 and 2/5/2: a spread of two or more
            await pilot.press("enter")
            await settle(pilot)
            for page in pages:
                await page.wait_for_selector("#round-title:has-text('Round 2')", timeout=WAIT)
            second = {"Owl": [2, 3], "Fox": [3, 3], "Elk": [3, 2]}
            for page, name in zip(pages, second, strict=True):
                for index, value in enumerate(second[name]):
                    await score(page, index, value)
            await until(pilot, lambda: "3 of 3 have scored" in on_screen(screen), timeout=10)
            await pilot.press("r")
            await settle(pilot)
            await until(pilot, lambda: screen.query_one("#room-convergence", Static).display)
            said = str(screen.query_one("#room-convergence", Static).render())
            assert "4 → 1 (closer)" in said and "3 → 1 (closer)" in said
        finally:
            await browser.close()

    expected = {(1, name, key): value for name, values in first.items() for key, value in zip(keys, values)}
    expected |= {(2, name, key): value for name, values in second.items() for key, value in zip(ticked, values)}
    assert votes(db_path) == expected
