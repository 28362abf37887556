"""The step timebox: start, pause, add five minutes, change it, and a quiet alert when time is up."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from csi_tui.screens.timebox_dialog import TimeboxDialog
from csi_tui.store.workshop_store import open_store
from csi_tui.domain.timebox import DEFAULT_MINUTES, Timebox, clock_face
from csi_tui.widgets.step_timer import StepTimer
from tests.conftest import FIXED_NOW, create_workshop
from tests.helpers.ui import open_selected_workshop, settle, test_app, until


class ManualClock:
    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self):
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def test_a_timebox_counts_only_while_running() -> None:
    box = Timebox(seconds=600).start(FIXED_NOW)
    paused = box.pause(FIXED_NOW + timedelta(seconds=100))
    assert paused.remaining(FIXED_NOW + timedelta(hours=5)) == 500
    resumed = paused.start(FIXED_NOW + timedelta(hours=5))
    assert resumed.remaining(FIXED_NOW + timedelta(hours=5, seconds=50)) == 450
    assert resumed.add(300).remaining(FIXED_NOW + timedelta(hours=5, seconds=50)) == 750


@given(st.lists(st.integers(min_value=0, max_value=3600), max_size=8))
def test_toggling_never_loses_or_invents_running_time(gaps: list[int]) -> None:
    box, now, running_for = Timebox(seconds=1800), FIXED_NOW, 0
    for gap in gaps:
        if box.running:
            running_for += gap
        now += timedelta(seconds=gap)
        box = box.toggle(now)
    assert box.remaining(now) == 1800 - running_for


def test_the_clock_face_reads_minutes_and_seconds_and_overtime() -> None:
    assert [clock_face(s) for s in (1800, 61, 0.4, 0, -1, -90)] == ["30:00", "01:01", "00:00", "00:00", "+00:01", "+01:30"]


def test_every_step_has_a_default_timebox() -> None:
    assert sorted(DEFAULT_MINUTES) == [1, 2, 3, 4, 5, 6]
    assert all(5 <= minutes <= 60 for minutes in DEFAULT_MINUTES.values())


async def test_start_run_out_alert_add_time_and_change_the_timebox(db_path: Path) -> None:
    with open_store(db_path) as store:
        create_workshop(store)
    clock = ManualClock()
    async with test_app(db_path, clock=clock).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        timer = pilot.app.screen.query_one(StepTimer)
        assert str(timer.render()) == "⏱ 15:00 ⏸"

        await pilot.press("ctrl+t")
        clock.advance(minutes=14)
        await until(pilot, lambda: str(timer.render()) == "⏱ 01:00 ▶")  # the countdown redraws by itself
        clock.advance(minutes=1, seconds=30)
        await until(pilot, lambda: timer.has_class("-overtime"))
        await until(pilot, lambda: any("Time is up" in str(n.message) for n in pilot.app._notifications))
        assert str(timer.render()) == "⏱ +00:30 ▶"

        await pilot.press("ctrl+l")  # five more minutes
        await pilot.pause()
        assert str(timer.render()) == "⏱ 04:30 ▶" and not timer.has_class("-overtime")

        await pilot.press("ctrl+t")  # pause: time passing no longer counts
        clock.advance(minutes=10)
        await pilot.pause()
        assert str(timer.render()) == "⏱ 04:30 ⏸"

        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TimeboxDialog)
        await pilot.press("ctrl+u", "2", "0", "enter")
        await settle(pilot)
        assert str(timer.render()) == "⏱ 20:00 ⏸"

        await pilot.press("ctrl+n", "ctrl+o")  # the timer of a step keeps its state while away
        await settle(pilot)
        assert str(pilot.app.screen.query_one(StepTimer).render()) == "⏱ 20:00 ⏸"
