"""Each field is saved on its own, debounced, off the UI thread; a failed save is shown and the
text stays on screen until a later save succeeds."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from textual.widgets import TextArea

from csi_tui.session import workshop_session
from csi_tui.screens.step import StepScreen
from csi_tui.store.workshop_store import WorkshopStore, open_store
from csi_tui.widgets.save_indicator import SaveIndicator
from tests.conftest import create_workshop
from tests.helpers.ui import open_selected_workshop, settle, test_app, type_keys, type_text, until


def seed(db_path: Path) -> int:
    with open_store(db_path) as store:
        return create_workshop(store)


async def open_step_one(pilot) -> tuple[StepScreen, TextArea, SaveIndicator]:
    await open_selected_workshop(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StepScreen)
    area = screen.query_one("#answer-vision", TextArea)
    area.focus()
    return screen, area, screen.query_one(SaveIndicator)


def test_the_autosave_delay_is_within_the_promised_half_second() -> None:
    assert 0 < workshop_session.AUTOSAVE_DELAY <= 0.5


async def test_a_burst_of_typing_is_one_save_made_on_the_writer_thread(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workshop_id = seed(db_path)
    threads: list[str] = []
    real_save = WorkshopStore.save_answer

    def recording_save(self: WorkshopStore, *args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return real_save(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(WorkshopStore, "save_answer", recording_save)
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        _, _, indicator = await open_step_one(pilot)
        await type_keys(pilot, "Fewer repeats")  # a typist's pace: no pause the autosave would take for the end
        assert indicator.state in ("editing", "saving")
        await until(pilot, lambda: indicator.state == "saved")
        await settle(pilot)

    assert threads == ["csi-tui writer"]  # one save for the burst, never on the UI thread
    with open_store(db_path) as store:
        assert store.answers(workshop_id) == {1: {"vision": "Fewer repeats"}}
        assert [e.new_value for e in store.change_log(workshop_id) if e.entity == "answer"] == ["Fewer repeats"]


async def test_a_failed_save_is_shown_and_the_text_stays_until_a_save_succeeds(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workshop_id = seed(db_path)
    real_save = WorkshopStore.save_answer

    def failing_save(self: WorkshopStore, *args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        screen, area, indicator = await open_step_one(pilot)
        monkeypatch.setattr(WorkshopStore, "save_answer", failing_save)
        await type_text(pilot, "Keep me")
        # The indicator turns as the save fails; the notice is a message the app handles after.
        await until(pilot, lambda: indicator.state == "failed")
        await until(pilot, lambda: any("disk I/O error" in str(n.message) for n in pilot.app._notifications))
        assert area.text == "Keep me"

        monkeypatch.setattr(WorkshopStore, "save_answer", real_save)  # the disk is back
        await type_text(pilot, "!")
        await until(pilot, lambda: indicator.state == "saved")
        assert area.text == "Keep me!"

    with open_store(db_path) as store:
        assert store.answers(workshop_id) == {1: {"vision": "Keep me!"}}


async def test_leaving_a_step_saves_what_was_typed_at_once(db_path: Path) -> None:
    workshop_id = seed(db_path)
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_step_one(pilot)
        await type_text(pilot, "Quick")
        await pilot.press("ctrl+n")  # no waiting for the debounce
        await settle(pilot)
    with open_store(db_path) as store:
        assert store.answers(workshop_id) == {1: {"vision": "Quick"}}


async def test_a_save_that_fails_after_leaving_the_step_is_announced_and_kept(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workshop_id = seed(db_path)
    real_save = WorkshopStore.save_answer

    def failing_save(self: WorkshopStore, *args: object, **kwargs: object) -> None:
        # Not "database is locked": a lock is waited out (tests/test_contention.py), a full disk is not.
        raise sqlite3.OperationalError("database or disk is full")

    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_step_one(pilot)
        monkeypatch.setattr(WorkshopStore, "save_answer", failing_save)
        await type_text(pilot, "Typed before leaving")
        await pilot.press("ctrl+n")  # leaves at once; the save fails after the screen is gone
        await settle(pilot)
        assert any("database or disk is full" in str(n.message) for n in pilot.app._notifications)

        monkeypatch.setattr(WorkshopStore, "save_answer", real_save)
        await pilot.press("ctrl+o")  # back to step 1: the text is there again, and saved now
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, StepScreen)
        assert screen.query_one("#answer-vision", TextArea).text == "Typed before leaving"
        assert screen.query_one(SaveIndicator).state == "saved"
    with open_store(db_path) as store:
        assert store.answers(workshop_id) == {1: {"vision": "Typed before leaving"}}
