"""Quit in the middle of a step, reopen: the same step, the same content, nothing lost."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from csi_tui.screens.step import StepScreen
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop
from tests.helpers.ui import settle, test_app, type_text


async def test_quitting_mid_step_and_reopening_resumes_the_same_step_and_text(db_path: Path) -> None:
    with open_store(db_path) as store:
        create_workshop(store)

    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "ctrl+g", "3")  # open, then jump straight to step 3
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, StepScreen) and screen.step.number == 3
        screen.query_one("#answer-priorities", TextArea).focus()
        await type_text(pilot, "Incidents first")
        await pilot.press("ctrl+q")  # at once: well inside the autosave delay

    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the most recent workshop is selected; enter resumes it
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, StepScreen) and screen.step.number == 3
        assert screen.query_one("#answer-priorities", TextArea).text == "Incidents first"

    with open_store(db_path) as store:
        (workshop,) = store.workshops()
        assert workshop.current_step == 3
        assert store.answers(workshop.id) == {3: {"priorities": "Incidents first"}}
