"""The participant's page in a real browser (Debian's chromium, driven by Playwright), at phone
size: three people join from three browsers, score blind, one changes a score, the facilitator
reveals and opens a second round on the dimensions the room split on, they score again; the
file holds exactly each person's final vote per round. The facilitator's side is the room's
server itself here (the room screen's own tests drive it from the app)."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

from csi_tui.domain.rounds import worth_revoting
from tests.helpers.room import CODE, a_room

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser") if shutil.which(name)), None)
playwright = pytest.importorskip("playwright.async_api", reason="needs playwright (pip install playwright)")
pytestmark = [
    pytest.mark.xdist_group("room"),
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium for the page (apt-get install chromium)"),
]
PHONE = {"width": 360, "height": 740}
WAIT = 10_000  # ms: the page polls every 2 s; a loaded machine may take a few polls


async def join(browser, url: str, name: str, side: str, keyboard: bool = False):
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    await page.goto(url)
    if keyboard:  # no pointer: tab through the form as a screen-reader user would
        await page.focus("#join-code")
        await page.keyboard.type(CODE)
        await page.keyboard.press("Tab")
        await page.keyboard.type(name)
        await page.keyboard.press("Tab")
        await page.keyboard.press("Space" if side == "business" else "ArrowDown")
        await page.keyboard.press("Enter")
    else:
        await page.fill("#join-code", CODE)
        await page.fill("#join-name", name)
        await page.check(f"input[name=perspective][value={side}]")
        await page.click("button[type=submit]")
    return page, problems


async def score(page, index: int, value: int) -> None:
    await page.click(f"input[name=dim-{index}][value='{value}']")
    await page.wait_for_selector(f"#saved-{index}.ok:has-text('Saved: {value}')", timeout=WAIT)


def votes(db_path: Path) -> dict[tuple[int, str, str], int]:
    """(round number, name, dimension) -> level, as the file holds the rounds."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute("""SELECT r.number, p.name, d.key, v.value FROM room_vote v
                             JOIN room_round r ON r.id = v.round_id JOIN participant p ON p.id = v.participant_id
                             JOIN dimension d ON d.id = v.dimension_id""").fetchall()
    db.close()
    return {(number, name, key): value for number, name, key, value in rows}


async def test_three_phones_score_two_blind_rounds_in_a_real_browser(db_path: Path) -> None:
    async with a_room(db_path, anonymous=True) as room, playwright.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            url = room.server.url
            people = [await join(browser, url, "Owl", "it"), await join(browser, url, "Fox", "business"),
                      await join(browser, url, "Elk", "it", keyboard=True)]
            pages = [page for page, _ in people]
            for page in pages:
                await page.wait_for_selector("#ballot:not([hidden])", timeout=WAIT)
            assert sorted((name, str(side)) for _, name, side in room.server.joined()) == [
                ("Elk", "it"), ("Fox", "business"), ("Owl", "it")]
            keys = list(room.server.round.dimension_keys)

            # At phone size: nothing wider than the screen, every target big enough for a thumb.
            owl = pages[0]
            assert (await owl.locator("body").bounding_box())["width"] <= PHONE["width"]
            for target in await owl.locator(".level").all():
                assert (await target.bounding_box())["height"] >= 44
            # Every level's name and description in view, as text, in a fieldset per dimension.
            assert await owl.locator("#dimensions fieldset").count() == len(keys)
            assert await owl.locator("#dimensions fieldset legend").first.text_content() == "Organizations and people"
            assert "Results are unpredictable" in await owl.locator(".level-text").first.text_content()

            first = {"Owl": [1, 3, 2, 4], "Fox": [2, 3, 5, 4], "Elk": [3, 3, 2, 4]}
            for page, name in zip(pages, ("Owl", "Fox", "Elk")):
                for index, value in enumerate(first[name]):
                    await score(page, index, value)
            await pages[2].fill("#note-0", "we measured it")  # a note, then a change of mind
            await score(pages[2], 0, 5)
            first["Elk"][0] = 5
            assert room.server.progress().text == "3 of 3 have scored"

            await room.server.reveal()
            for page in pages:
                await page.wait_for_selector("#status:has-text('Revealed — look at the screen')", timeout=WAIT)
            assert await owl.locator("input[name=dim-0]").first.is_disabled()

            revote = worth_revoting(keys, await asyncio.to_thread(room.session.round_votes, room.server.round.id))
            assert revote == [keys[0], keys[2]]  # 1/2/5 and 2/5/2: spread of two or more
            await room.server.open_round(revote)
            for page in pages:
                await page.wait_for_selector("#round-title:has-text('Round 2')", timeout=WAIT)
                assert await page.locator("#dimensions fieldset").count() == 2
            second = {"Owl": [2, 3], "Fox": [3, 3], "Elk": [3, 2]}
            for page, name in zip(pages, ("Owl", "Fox", "Elk")):
                for index, value in enumerate(second[name]):
                    await score(page, index, value)
            await room.server.close_round()
            await owl.wait_for_selector("#status:has-text('Round closed')", timeout=WAIT)
            assert all(not problems for _, problems in people)
        finally:
            await browser.close()

    expected = {(1, name, key): value for name, values in first.items() for key, value in zip(keys, values)}
    expected |= {(2, name, key): value for name, values in second.items() for key, value in zip(revote, values)}
    assert votes(db_path) == expected

