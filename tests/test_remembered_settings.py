"""Issue 14: the projector theme, the timeboxes the timer dialog sets and the last voice chosen
above the scoring table are remembered across restarts, in the user config directory (here
XDG_CONFIG_HOME pointed at tmp_path, as platformdirs reads it); a broken or hostile file gives the
defaults (tests/test_settings_file.py holds the file's own corpus)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Select

from csi_tui.app import CsiApp, make_app
from csi_tui.domain.models import Participant
from csi_tui.screens.step import StepScreen
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.step_timer import StepTimer
from tests.conftest import create_workshop, fixed_clock
from tests.helpers.ui import settle
from tests.test_user_text_is_data import screen_text


def seed(db_path: Path) -> int:
    with open_store(db_path, clock=fixed_clock) as store:
        workshop_id = create_workshop(store)
        store.add_participant(workshop_id, Participant(name="Bea", role="Sales lead", perspective="business"))
        return workshop_id


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user config directory, in tmp_path: csi-tui's own folder inside XDG_CONFIG_HOME."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    return tmp_path / "xdg-config" / "csi-tui"


def start(db_path: Path, config: Path) -> CsiApp:
    # Found through XDG_CONFIG_HOME, as the command line finds it: no config_dir given.
    return make_app(db_path, clock=fixed_clock, keymap={}, cursor_blink=False)


def remembered(config: Path) -> dict:
    return json.loads((config / "settings.json").read_text())


async def quit_app(pilot) -> None:  # noqa: ANN001
    await pilot.press("ctrl+q")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_projector_theme_is_on_again_after_a_restart(db_path: Path, config: Path) -> None:
    seed(db_path)
    async with start(db_path, config).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        await quit_app(pilot)
    app = start(db_path, config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "projector"
        await pilot.press("f8")  # and off again, remembered off
        await settle(pilot)
    assert start(db_path, config).theme != "projector"
    assert remembered(config)["projector"] is False


async def test_a_timebox_set_in_the_timer_dialog_is_there_after_a_restart(db_path: Path, config: Path) -> None:
    seed(db_path)
    async with start(db_path, config).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "f4")
        await settle(pilot)
        await pilot.press("backspace", "backspace", "7", "enter")  # 15 minutes becomes 7
        await settle(pilot)
        await quit_app(pilot)
    app = start(db_path, config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.step.number == 1
        assert app.screen.query_one(StepTimer).timebox.seconds == 7 * 60
        assert "07:00" in screen_text(app)
        await pilot.press("ctrl+n")  # another step keeps its own default
        await settle(pilot)
        assert app.screen.query_one(StepTimer).timebox.seconds == 30 * 60


async def test_the_last_voice_chosen_above_the_scoring_table_is_chosen_again(db_path: Path, config: Path) -> None:
    seed(db_path)
    async with start(db_path, config).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "ctrl+g", "2")
        await settle(pilot)
        select = pilot.app.screen.query_one("#voice", Select)
        select.focus()
        await settle(pilot)
        await pilot.press("enter")  # the list opens on the room's consensus
        await settle(pilot)
        await pilot.press("down", "down", "down", "enter")  # business, IT, then Bea
        await settle(pilot)
        assert "Bea (business)" in screen_text(pilot.app)
        await quit_app(pilot)
    app = start(db_path, config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # resumes at step 2
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.step.number == 2
        line = next(line for line in screen_text(app).splitlines() if "Scoring as" in line)
        assert "Bea (business)" in line


async def test_the_app_starts_on_a_hostile_settings_file_and_still_remembers(db_path: Path, config: Path) -> None:
    seed(db_path)
    config.mkdir(parents=True)
    (config / "settings.json").write_text(json.dumps({
        "projector": "yes", "timeboxes": {"1": "ten", "9": 5, "2": -3, "x": 1}, "voice": 7}))
    app = start(db_path, config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme != "projector"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(StepTimer).timebox.seconds == 15 * 60
        await pilot.press("f8")
        await settle(pilot)
    assert remembered(config)["projector"] is True  # written over, whole


async def test_a_config_folder_that_cannot_be_written_is_said_once_and_the_theme_still_changes(
        db_path: Path, config: Path) -> None:
    seed(db_path)
    config.parent.mkdir(parents=True)
    config.write_text("a file where the folder should be")
    app = start(db_path, config)
    titles: list[str] = []  # every notice asked for; the list on screen drops each after its timeout
    notify = app.notify
    app.notify = lambda message, **options: (titles.append(options.get("title", "")), notify(message, **options))[1]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert app.theme == "projector"
        await pilot.press("f8")
        await settle(pilot)
        assert app.theme != "projector"
        assert titles == ["Settings"]  # once, not at every change


async def test_the_factory_takes_a_config_folder_of_its_own(db_path: Path, tmp_path: Path) -> None:
    seed(db_path)
    app = make_app(db_path, clock=fixed_clock, keymap={}, cursor_blink=False, config_dir=tmp_path / "mine")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
    assert remembered(tmp_path / "mine")["projector"] is True
