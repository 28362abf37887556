"""What the room sees: home, every step, and the timer running, at a laptop's 80x24 and a larger
120x40, with a fixed clock and a steady cursor. Regenerate only after reading the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from csi_tui.domain.models import Participant, Score, ScoreKind
from csi_tui.domain.steps import STEPS
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop, fixed_clock
from tests.helpers.ui import settle, test_app

SIZES = [(80, 24), (120, 40)]


def seed(db_path: Path) -> None:
    """A workshop part-way through: answers in every step, two people, scores with and without evidence."""
    with open_store(db_path, clock=fixed_clock) as store:
        create_workshop(store, title="Older workshop")
        workshop_id = create_workshop(store, title="Service desk CSI [spring]")
        for step in STEPS:
            for field in step.fields[:2]:
                store.save_answer(workshop_id, step.number, field.key, f"The room on {field.label.lower()}.")
        store.add_participant(workshop_id, Participant(name="Bea", role="Sales lead", perspective="business"))
        store.add_participant(workshop_id, Participant(name="Ivo", role="Engineer", perspective="it"))
        for key, now, target, evidence in (
            ("organizations-people", 2, 4, "Staff survey 2026"),
            ("information-technology", 3, 3, "Tool audit"),
            ("partners-suppliers", 1, 3, ""),
        ):
            store.save_score(workshop_id, Score(dimension_key=key, kind=ScoreKind.CURRENT, value=now, evidence=evidence))
            store.save_score(workshop_id, Score(dimension_key=key, kind=ScoreKind.TARGET, value=target, evidence="Agreed"))


# Current levels per participant, in the order they were added: Bea (business), Ivo (IT) from
# seed(), then Cleo (business) and Dan (IT). The room's consensus from seed() stands beside:
# organizations-people 2 (the median too), information-technology 3 (the median), partners 1
# (the median is 1.5: the entered consensus differs).
ROOM = {
    "organizations-people": (1, 3, 2, 2),  # spread 2: wide
    "information-technology": (3, 3, 3, 4),  # spread 1
    "partners-suppliers": (1, 4, 2, 1),  # spread 3: wide
}


def seed_room(db_path: Path) -> int:
    """seed(), and four participants who each scored where we are now."""
    seed(db_path)
    with open_store(db_path, clock=fixed_clock) as store:
        workshop_id = max(w.id for w in store.workshops())
        store.add_participant(workshop_id, Participant(name="Cleo", perspective="business"))
        store.add_participant(workshop_id, Participant(name="Dan", perspective="it"))
        people = store.participants(workshop_id)
        for key, levels in ROOM.items():
            for person, level in zip(people, levels, strict=True):
                store.save_score(workshop_id, Score(dimension_key=key, kind=ScoreKind.CURRENT, value=level,
                                                    perspective=person.perspective, participant_id=person.id))
        return workshop_id


def seed_second_cycle(db_path: Path) -> int:
    """seed_room(), then a second cycle, scored again: the radar has last cycle's line too."""
    first = seed_room(db_path)
    with open_store(db_path, clock=fixed_clock) as store:
        second = store.start_next_cycle(first).id
        for key, now in (("organizations-people", 3), ("information-technology", 4), ("partners-suppliers", 2)):
            store.save_score(second, Score(dimension_key=key, kind=ScoreKind.CURRENT, value=now))
            store.save_score(second, Score(dimension_key=key, kind=ScoreKind.TARGET, value=5))
        return second


def opening(*keys: str):
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home(snap_compare, db_path: Path, size: tuple[int, int]) -> None:
    seed(db_path)
    assert snap_compare(test_app(db_path), terminal_size=size, run_before=opening())


def test_home_empty(snap_compare, db_path: Path) -> None:
    assert snap_compare(test_app(db_path), terminal_size=(80, 24), run_before=opening())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("step", range(1, 7))
def test_step(snap_compare, db_path: Path, step: int, size: tuple[int, int]) -> None:
    seed(db_path)
    assert snap_compare(test_app(db_path), terminal_size=size, run_before=opening("enter", "ctrl+g", str(step)))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_keys_of_the_scoring_step(snap_compare, db_path: Path, size: tuple[int, int]) -> None:
    """`?` (here f12: focus may be in a text field) over step 2: its keys, then the global ones."""
    seed(db_path)
    assert snap_compare(test_app(db_path), terminal_size=size, run_before=opening("enter", "ctrl+g", "2", "f12"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_timer_running(snap_compare, db_path: Path, size: tuple[int, int]) -> None:
    seed(db_path)
    assert snap_compare(test_app(db_path), terminal_size=size, run_before=opening("enter", "ctrl+t"))


def test_projector_theme_scoring(snap_compare, db_path: Path) -> None:
    seed(db_path)
    assert snap_compare(test_app(db_path), terminal_size=(120, 40), run_before=opening("enter", "ctrl+n", "f8"))


def test_step_on_a_large_projector(snap_compare, db_path: Path) -> None:
    seed(db_path)
    assert snap_compare(test_app(db_path), terminal_size=(200, 60), run_before=opening("enter", "ctrl+g", "3"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_closing(snap_compare, db_path: Path, size: tuple[int, int]) -> None:
    seed(db_path)
    assert snap_compare(test_app(db_path), terminal_size=size, run_before=opening("enter", "ctrl+g", "6", "ctrl+n"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_present_mode(snap_compare, db_path: Path, size: tuple[int, int]) -> None:
    seed(db_path)
    assert snap_compare(test_app(db_path), terminal_size=size,
                        run_before=opening("enter", "ctrl+g", "6", "ctrl+n", "p"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_room_grid(snap_compare, db_path: Path, size: tuple[int, int]) -> None:
    seed_room(db_path)
    # tab: from the scoring table to the grid, which scrolls into view
    assert snap_compare(test_app(db_path), terminal_size=size, run_before=opening("enter", "ctrl+g", "2", "tab"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_radar(snap_compare, db_path: Path, size: tuple[int, int]) -> None:
    seed_second_cycle(db_path)
    # The second cycle opens first (the newest); present mode's last page is the radar.
    assert snap_compare(test_app(db_path), terminal_size=size,
                        run_before=opening("enter", "ctrl+g", "6", "ctrl+n", "p", "end"))


def test_gap_panel_on_step_two(snap_compare, db_path: Path) -> None:
    seed(db_path)
    assert snap_compare(test_app(db_path), terminal_size=(120, 40), run_before=opening("enter", "ctrl+n", "f2"))


def seed_register_and_kpis(db_path: Path) -> None:
    """Register items in several states (one overdue, one with markup-like text) and two KPIs
    with a year of measurements."""
    from datetime import UTC, date, datetime

    from csi_tui.domain.models import Kpi, Measurement, RegisterItem

    seed(db_path)
    with open_store(db_path, clock=fixed_clock) as store:
        workshop_id = max(w.id for w in store.workshops())
        fcr = store.add_kpi(workshop_id, Kpi(name="First-contact resolution", unit="%", baseline=60, short_target=75,
                                             short_target_on=date(2026, 9, 30), long_target=85, source="ITSM report",
                                             dimension_key="value-streams-processes"))
        store.add_kpi(workshop_id, Kpi(name="Supplier SLA met", unit="%", baseline=90, short_target=97,
                                       measurable=False, source="supplier reports"))
        for month in range(1, 13):
            store.add_measurement(workshop_id, Measurement(
                kpi_id=fcr.id, measured_at=datetime(2025, month, 28, tzinfo=UTC), value=60 + month * 1.5))
        for description, owner, due, moves in (
            ("Knowledge base for the top 20 calls", "Bea", date(2026, 3, 1), ["accepted", "in progress"]),
            ("Supplier review [quarterly]", "Ivo", date(2026, 6, 30), ["accepted"]),
            ("Self-service password reset", "Bea", None, []),
            ("Old ticket tool retired", "Ivo", date(2026, 2, 1), ["cancelled"]),
        ):
            item = store.add_register_item(workshop_id, RegisterItem(
                raised_on=date(2026, 1, 15), raised_by="Ann", description=description, owner=owner, due_on=due,
                dimension_keys=["partners-suppliers"] if "Supplier" in description else [],
                kpi_ids=[fcr.id] if "Knowledge" in description else []))
            for status in moves:
                store.change_register_status(workshop_id, item.number, status,
                                             "withdrawn" if status == "cancelled" else None)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_register_view(snap_compare, db_path: Path, size: tuple[int, int]) -> None:
    seed_register_and_kpis(db_path)
    assert snap_compare(test_app(db_path), terminal_size=size, run_before=opening("enter", "ctrl+g", "4", "f3"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_kpi_panel_with_its_chart(snap_compare, db_path: Path, size: tuple[int, int]) -> None:
    seed_register_and_kpis(db_path)
    assert snap_compare(test_app(db_path), terminal_size=size, run_before=opening("enter", "ctrl+g", "5", "f5"))


def test_demo_workshop_at_its_review_step(snap_compare, tmp_path: Path) -> None:
    """The demo programme's cycle 2 at step 5, opened as `csi-tui demo` and the start-up benchmark
    open it: the snapshot and the benchmarks use the one builder (csi_tui/demo.py)."""
    from csi_tui.app import make_app
    from csi_tui.demo import write_demo

    demo = tmp_path / "demo.db"
    workshop_id = write_demo(demo)
    app = make_app(demo, clock=fixed_clock, keymap={}, cursor_blink=False, open_workshop=workshop_id)
    assert snap_compare(app, terminal_size=(120, 40), run_before=opening())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_demo_scoring_beside_the_gap_panel(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    """The demo's 34 long-named dimensions at step 2 with the gap panel open: whole columns only,
    the selected rows in full below both tables, and the footer's keys ending before the palette."""
    from csi_tui.app import make_app
    from csi_tui.demo import write_demo

    demo = tmp_path / "demo.db"
    workshop_id = write_demo(demo)
    app = make_app(demo, clock=fixed_clock, keymap={}, cursor_blink=False, open_workshop=workshop_id)
    assert snap_compare(app, terminal_size=size, run_before=opening("ctrl+g", "2", "f2"))
