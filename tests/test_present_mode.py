"""Present mode: the closing screen's matrix as large bars, saved as an SVG picture for slides."""

from __future__ import annotations

from pathlib import Path

from csi_tui.app import make_app
from csi_tui.screens.present import GapBar, PresentScreen
from csi_tui.store.workshop_store import open_store
from tests.helpers.ui import settle
from tests.test_snapshots import seed


async def test_present_mode_shows_a_bar_per_dimension_and_saves_a_picture(db_path: Path, tmp_path: Path) -> None:
    seed(db_path)
    pictures = tmp_path / "pictures"
    open_store(db_path).close()
    app = make_app(db_path, keymap={}, cursor_blink=False, pictures_dir=pictures)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "ctrl+g", "6", "ctrl+n")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PresentScreen)
        assert not screen.query("GuidancePanel")  # no facilitator notes in front of the room
        assert [bar.row.name for bar in screen.query(GapBar)][:2] == ["Organizations and people", "Partners and suppliers"]
        await pilot.press("s")
        await settle(pilot)
    (picture,) = pictures.glob("*.svg")
    assert picture.name == "service-desk-csi-spring-cycle-1-gaps.svg"
    svg = picture.read_text()
    assert svg.startswith("<svg") and "Organizations" in svg
