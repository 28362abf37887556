"""Nothing destructive on one key: removing a participant, a register item, a KPI or a checkpoint
asks first and says what goes with it; "keep it" keeps everything, "yes" removes it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from csi_tui.domain.models import Checkpoint, Kpi, Measurement, Participant, RegisterItem, Score
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.participants import ParticipantsScreen
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop
from tests.helpers.ui import open_selected_workshop, quiet, settle, test_app, until


def question(pilot: Pilot[None]) -> str:
    screen = pilot.app.screen
    assert isinstance(screen, ConfirmScreen), f"no question asked: {type(screen).__name__} on top"
    return " ".join(str(static.render()) for static in screen.query(Static))


async def asked(pilot: Pilot[None]) -> None:
    """Wait for the question. Not settle(): the worker that asks waits for the answer."""
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    await quiet(pilot)


async def ask_and_keep(pilot: Pilot[None], keys: tuple[str, ...]) -> str:
    """Press the remove key and answer no (keep it): the question asked."""
    await pilot.press(*keys)
    await asked(pilot)
    first = question(pilot)
    await pilot.press("n")
    await settle(pilot)
    assert not isinstance(pilot.app.screen, ConfirmScreen)
    return first


def workshop_with_ana(db_path: Path) -> tuple[int, int]:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        ana = store.add_participant(workshop_id, Participant(name="Ana Lopez", perspective="business"))
        for dimension in store.dimensions(workshop_id)[:2]:
            for kind in ("current", "target"):
                store.save_score(workshop_id, Score(dimension_key=dimension.key, kind=kind, value=2,
                                                    participant_id=ana.id))
    return workshop_id, ana.id or 0


async def test_removing_a_participant_asks_and_names_their_scores(db_path: Path) -> None:
    workshop_id, ana = workshop_with_ana(db_path)
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ParticipantsScreen)
        await pilot.press("shift+tab")  # from the name field up to the list
        shown = await ask_and_keep(pilot, ("delete",))
        assert "Remove Ana Lopez and their 4 scores?" in shown
        with open_store(db_path) as store:
            assert [p.name for p in store.participants(workshop_id)] == ["Ana Lopez"]
            assert sum(s.participant_id == ana for s in store.scores(workshop_id)) == 4
        await pilot.press("delete")
        await asked(pilot)
        await pilot.press("y")
        await settle(pilot)
    with open_store(db_path) as store:
        assert store.participants(workshop_id) == []
        assert not any(s.participant_id == ana for s in store.scores(workshop_id))


async def test_removing_a_register_item_asks_with_its_number_and_title(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 1), description="Knowledge base"))
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f3")
        await settle(pilot)
        shown = await ask_and_keep(pilot, ("delete",))
        assert "Remove register item #1 “Knowledge base”?" in shown
        with open_store(db_path) as store:
            assert [i.description for i in store.register_items(workshop_id)] == ["Knowledge base"]
        await pilot.press("delete")
        await asked(pilot)
        await pilot.press("y")
        await settle(pilot)
    with open_store(db_path) as store:
        assert store.register_items(workshop_id) == []


async def test_removing_a_kpi_asks_and_counts_its_measurements(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        kpi = store.add_kpi(workshop_id, Kpi(name="First contact resolution", unit="%"))
        for day, value in ((1, 60.0), (2, 62.0)):
            store.add_measurement(workshop_id, Measurement(kpi_id=kpi.id, value=value,
                                                           measured_at=datetime(2026, 3, day, tzinfo=UTC)))
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f5")
        await settle(pilot)
        shown = await ask_and_keep(pilot, ("delete",))
        assert "Remove the KPI First contact resolution and its 2 measurements?" in shown
        with open_store(db_path) as store:
            assert [k.name for k in store.kpis(workshop_id)] == ["First contact resolution"]
            assert len(store.measurements(kpi.id or 0)) == 2
        await pilot.press("delete")
        await asked(pilot)
        await pilot.press("y")
        await settle(pilot)
    with open_store(db_path) as store:
        assert store.kpis(workshop_id) == []
        (left,) = store.db.execute("SELECT count(*) FROM measurement").fetchone()
        assert left == 0


async def test_removing_a_checkpoint_asks_with_its_date(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        store.add_checkpoint(workshop_id, Checkpoint(due_on=date(2026, 6, 14), went_well="FCR up"))
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f9")
        await settle(pilot)
        shown = await ask_and_keep(pilot, ("delete",))
        assert "Remove the checkpoint due 2026-06-14?" in shown
        assert "what went well" in shown
        with open_store(db_path) as store:
            assert [c.due_on for c in store.checkpoints(workshop_id)] == [date(2026, 6, 14)]
        await pilot.press("delete")
        await asked(pilot)
        await pilot.press("y")
        await settle(pilot)
    with open_store(db_path) as store:
        assert store.checkpoints(workshop_id) == []
