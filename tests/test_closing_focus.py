"""The closing screen's "next cycle" advice never claims targets are met that nobody scored."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from csi_tui.domain.models import Score, ScoreKind
from csi_tui.screens.closing import ClosingScreen
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop
from tests.helpers.ui import open_selected_workshop, settle, test_app


async def closing_focus(db_path: Path) -> str:
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)  # resumes at step 6
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClosingScreen)
        return str(pilot.app.screen.query_one("#focus", Static).render())


async def test_nothing_scored_says_so(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop = create_workshop(store)
        store.set_current_step(workshop, 6)
    text = await closing_focus(db_path)
    assert "Every target is met" not in text
    assert "Nothing is scored yet" in text


async def test_every_target_met_when_it_is(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop = create_workshop(store)
        for key in ("organizations-people", "information-technology", "partners-suppliers",
                    "value-streams-processes"):
            store.save_score(workshop, Score(dimension_key=key, kind=ScoreKind.CURRENT, value=3, evidence="audit"))
            store.save_score(workshop, Score(dimension_key=key, kind=ScoreKind.TARGET, value=3))
        store.set_current_step(workshop, 6)
    assert "Every target is met" in await closing_focus(db_path)
