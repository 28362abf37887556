"""ctrl+z undoes this sitting's own changes, newest first, from the change log: a score, an
answer, a weight, a participant's removal (with their scores), an item's move and a new item.
Each undo is one transaction, logged like any change; another window's changes are never undone."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import TextArea

from csi_tui.domain.models import Participant, RegisterItem, Score
from csi_tui.domain.voice import Voice
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.participants import ParticipantsScreen
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop
from tests.helpers.ui import open_selected_workshop, quiet, settle, test_app, type_keys, until

ROOM = Voice(None, None, "Room consensus")


def notices(pilot: Pilot[None]) -> list[str]:
    return [str(n.message) for n in pilot.app._notifications]


async def done(pilot: Pilot[None], pending: Future[Any]) -> Any:
    """An intent of the app's own session, as a screen would call it, awaited."""
    result = await asyncio.wrap_future(pending)
    await settle(pilot)
    return result


async def undo(pilot: Pilot[None]) -> None:
    pilot.app.screen.set_focus(None)  # in a text field, ctrl+z undoes typing there
    await pilot.press("ctrl+z")
    await settle(pilot)


def setup(db_path: Path) -> tuple[int, str, str]:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        first, second = (d.key for d in store.dimensions(workshop_id)[:2])
    return workshop_id, first, second


def room_scores(db_path: Path, workshop_id: int) -> set[tuple[str, str, int, str]]:
    with open_store(db_path) as store:
        return {(s.dimension_key, s.kind.value, s.value, s.evidence) for s in store.scores(workshop_id)
                if s.participant_id is None}


async def test_scores_are_undone_newest_first_and_said(db_path: Path) -> None:
    workshop_id, first, _ = setup(db_path)
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        session = pilot.app.session
        await done(pilot, session.record_score(workshop_id, first, "current", ROOM, 2, "audit"))
        await done(pilot, session.record_score(workshop_id, first, "current", ROOM, 3, "new audit"))
        await undo(pilot)
        assert room_scores(db_path, workshop_id) == {(first, "current", 2, "audit")}
        assert any(n.startswith("Undone: the room's score for Organizations and people") for n in notices(pilot))
        await undo(pilot)
        assert room_scores(db_path, workshop_id) == set()
        await undo(pilot)
        assert "Nothing to undo" in notices(pilot)[-1]
    with open_store(db_path) as store:  # the undo is in the change log like any change
        values = [(e.old_value, e.new_value) for e in store.change_log(workshop_id)
                  if e.entity == "score" and e.field == "value"]
    assert values == [(None, "2"), ("2", "3"), ("3", "2"), ("2", None)]


async def test_a_weight_given_with_a_target_comes_back_with_it(db_path: Path) -> None:
    workshop_id, first, second = setup(db_path)
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        session = pilot.app.session
        await done(pilot, session.set_weight(workshop_id, second, 1))
        await done(pilot, session.record_score(workshop_id, first, "target", ROOM, 4, "", weight=5))
        await undo(pilot)
        with open_store(db_path) as store:
            weights = {d.key: d.weight for d in store.dimensions(workshop_id)}
        assert (weights[first], weights[second]) == (3, 1)
        assert room_scores(db_path, workshop_id) == set()
        await undo(pilot)
        with open_store(db_path) as store:
            assert {d.key: d.weight for d in store.dimensions(workshop_id)}[second] == 3
        assert "Undone: the weight of" in notices(pilot)[-1]


async def test_a_typed_answer_is_undone_in_the_file_and_on_screen(db_path: Path) -> None:
    workshop_id, _, _ = setup(db_path)
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        area = pilot.app.screen.query_one("#answer-vision", TextArea)
        area.focus()
        await type_keys(pilot, "Fewer repeats")  # a typist's pace: each answer is one save, one undo
        await until(pilot, lambda: pilot.app.session.state() == "saved")
        await settle(pilot)
        area.focus()
        await type_keys(pilot, " at the desk")
        await until(pilot, lambda: pilot.app.session.state() == "saved")
        await settle(pilot)
        await undo(pilot)
        with open_store(db_path) as store:
            assert store.answers(workshop_id)[1]["vision"] == "Fewer repeats"
        assert area.text == "Fewer repeats"
        assert "Undone: the answer to Vision statement (step 1)" in notices(pilot)[-1]
        await undo(pilot)
        with open_store(db_path) as store:
            assert 1 not in store.answers(workshop_id)
        assert area.text == ""


async def test_a_removed_participant_comes_back_with_their_scores(db_path: Path) -> None:
    workshop_id, first, second = setup(db_path)
    with open_store(db_path) as store:
        ana = store.add_participant(workshop_id, Participant(name="Ana Lopez", role="Lead", perspective="it"))
        for key in (first, second):
            store.save_score(workshop_id, Score(dimension_key=key, kind="current", value=2, evidence=f"e {key}",
                                                participant_id=ana.id))
        before = {(s.dimension_key, s.value, s.evidence, s.perspective) for s in store.scores(workshop_id)}
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ParticipantsScreen)
        await pilot.press("shift+tab", "delete")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await quiet(pilot)
        await pilot.press("y")
        await settle(pilot)
        with open_store(db_path) as store:
            assert store.participants(workshop_id) == [] and store.scores(workshop_id) == []
        await undo(pilot)
        assert "Undone: removing participant Ana Lopez and 2 scores" in notices(pilot)[-1]
    with open_store(db_path) as store:
        assert [(p.id, p.name, p.role, p.perspective.value) for p in store.participants(workshop_id)] == [
            (ana.id, "Ana Lopez", "Lead", "it")]
        assert {(s.dimension_key, s.value, s.evidence, s.perspective) for s in store.scores(workshop_id)} == before
        assert all(s.participant_id == ana.id for s in store.scores(workshop_id))


async def test_an_item_move_and_a_new_item_are_undone(db_path: Path) -> None:
    workshop_id, _, _ = setup(db_path)
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f3")
        await settle(pilot)
        session = pilot.app.session
        item = await done(pilot, session.raise_item(
            workshop_id, RegisterItem(raised_on=date(2026, 3, 14), description="Knowledge base")))
        await done(pilot, session.move_item(workshop_id, item.number, "accepted"))
        await done(pilot, session.move_item(workshop_id, item.number, "cancelled", "withdrawn"))
        await undo(pilot)
        with open_store(db_path) as store:
            (moved,) = store.register_items(workshop_id)
        assert (moved.status.value, moved.closure) == ("accepted", None)
        assert "Undone: moving register item #1 Knowledge base to cancelled" in notices(pilot)[-1]
        await undo(pilot)
        with open_store(db_path) as store:
            assert store.register_items(workshop_id)[0].status.value == "new"
        await undo(pilot)
        with open_store(db_path) as store:
            assert store.register_items(workshop_id) == []
        assert "Undone: new register item #1 Knowledge base" in notices(pilot)[-1]


async def test_another_windows_change_is_not_undone_nor_overwritten(db_path: Path) -> None:
    workshop_id, first, _ = setup(db_path)
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        await done(pilot, pilot.app.session.record_score(workshop_id, first, "current", ROOM, 2, ""))
        with open_store(db_path) as other:  # another window, the same file
            other.save_score(workshop_id, Score(dimension_key=first, kind="current", value=4))
        await settle(pilot)
        await undo(pilot)
        assert "Not undone" in notices(pilot)[-1]
        assert room_scores(db_path, workshop_id) == {(first, "current", 4, "")}
        await undo(pilot)
        assert "Nothing to undo" in notices(pilot)[-1]
        assert room_scores(db_path, workshop_id) == {(first, "current", 4, "")}
