"""Participants are added and removed from the keyboard alone, as a facilitator at a projector does."""

from __future__ import annotations

from pathlib import Path

from csi_tui.domain.models import Perspective
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.participants import ParticipantsScreen
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop
from tests.helpers.ui import settle, test_app, until


async def test_name_role_perspective_and_enter_adds_and_delete_removes(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
    async with test_app(db_path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "ctrl+r")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ParticipantsScreen)
        # Typing starts in the name field; after choosing a perspective, enter adds the person.
        await pilot.press(*"Ivo", "tab", *"Engineer", "tab", "enter", "down", "enter", "enter")
        await settle(pilot)
        # The perspective stays as last chosen (people are often entered group by group).
        await pilot.press(*"Bea", "tab", *"Sales", "tab", "enter", "up", "enter", "enter")
        await settle(pilot)
        with open_store(db_path) as store:
            people = {(p.name, p.role, p.perspective) for p in store.participants(workshop_id)}
        assert people == {("Ivo", "Engineer", Perspective.IT), ("Bea", "Sales", Perspective.BUSINESS)}

        await pilot.press("shift+tab")  # from the name field back up to the list
        assert pilot.app.focused is pilot.app.screen.query_one("#people")
        await pilot.press("delete")  # the first row, Ivo: asked first (issue 14), then removed
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
    with open_store(db_path) as store:
        assert [p.name for p in store.participants(workshop_id)] == ["Bea"]
