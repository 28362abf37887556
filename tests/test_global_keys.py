"""Issue 14: ctrl+q, f8 and the help key work from every screen and every dialog, as the README
says ("anywhere"); a text field still types `?`."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import ModalScreen

from csi_tui.domain.models import Participant
from csi_tui.screens.home import HomeScreen
from csi_tui.screens.step import StepScreen
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop, fixed_clock
from tests.helpers.ui import settle, test_app
from tests.test_user_text_is_data import screen_text

# Each dialog as a facilitator reaches it: keys from the list of workshops.
DIALOGS = {
    "new workshop": ("n",),
    "export": ("x",),
    "delete workshop": ("d",),
    "go to step": ("enter", "ctrl+g"),
    "timebox": ("enter", "f4"),
    "participants": ("enter", "ctrl+r"),
    "register item": ("enter", "f3", "n"),
    "KPI": ("enter", "f5", "n"),
    "checkpoint": ("enter", "f9", "n"),
}


def is_help(screen: object) -> bool:
    # by name: this file runs against the code before the help screen existed, and fails there
    return type(screen).__name__ == "HelpScreen"


def seed(db_path: Path) -> None:
    with open_store(db_path, clock=fixed_clock) as store:
        workshop_id = create_workshop(store)
        store.add_participant(workshop_id, Participant(name="Bea", role="Sales lead", perspective="business"))


async def open_dialog(pilot, keys: tuple[str, ...]) -> ModalScreen:  # noqa: ANN001
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ModalScreen), type(dialog).__name__
    return dialog


@pytest.mark.parametrize("keys", DIALOGS.values(), ids=DIALOGS.keys())
async def test_projector_and_quit_work_inside_every_dialog(db_path: Path, keys: tuple[str, ...]) -> None:
    seed(db_path)
    app = test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot, keys)
        await pilot.press("f8")
        await settle(pilot)
        assert app.theme == "projector" and app.screen is dialog  # the dialog stays, lit for the room
        await pilot.press("f8")
        await settle(pilot)
        assert app.theme != "projector"
        await pilot.press("ctrl+q")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.is_running  # nothing was unsaved: it left


async def test_help_opens_from_a_dialog_and_lists_its_keys_then_the_global_ones(db_path: Path) -> None:
    seed(db_path)
    app = test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dialog(pilot, DIALOGS["delete workshop"])
        await pilot.press("question_mark")
        await settle(pilot)
        assert is_help(app.screen)
        text = screen_text(app)
        assert "Yes" in text and "No" in text  # the dialog's own keys
        assert "ctrl+q" in text and "Projector" in text and "f8" in text
        await pilot.press("escape")
        await settle(pilot)
        assert not is_help(app.screen) and isinstance(app.screen, ModalScreen)


async def test_a_text_field_still_types_a_question_mark(db_path: Path) -> None:
    seed(db_path)
    app = test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dialog(pilot, DIALOGS["new workshop"])
        await pilot.press("W", "h", "y", "question_mark")
        await settle(pilot)
        assert not is_help(app.screen)
        assert app.focused is not None and getattr(app.focused, "value", "") == "Why?"


async def test_in_a_step_answer_question_mark_types_and_f12_opens_the_keys(db_path: Path) -> None:
    seed(db_path)
    app = test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        assert not is_help(app.screen)
        assert app.focused is not None and app.focused.text.endswith("?")  # type: ignore[attr-defined]
        await pilot.press("f12")
        await settle(pilot)
        assert is_help(app.screen)
        text = screen_text(app)
        for words in ("ctrl+o", "Previous step", "Go back one question", "escape", "Workshops",
                      "f12 opens this list"):
            assert words in text, words
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)  # escape closed the list, not the step


async def test_question_mark_on_the_list_shows_its_keys_with_what_they_do(db_path: Path) -> None:
    seed(db_path)
    app = test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert is_help(app.screen)
        text = screen_text(app)
        for words in ("Key", "Name", "What it does", "New workshop", "Create a workshop", "delete, d",
                      "Delete workshop", "Everywhere", "ctrl+q", "Quit", "f8", "Projector", "ctrl+p"):
            assert words in text, words
        await pilot.press("question_mark")  # the same key closes it
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
