"""Checkpoints: quarterly review dates by default, each recorded with what went well and wrong,
and the next one due shown on the home screen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Input

from csi_tui.screens.checkpoint_dialog import CheckpointDialog
from csi_tui.screens.checkpoints import CheckpointsScreen
from csi_tui.screens.home import COLUMNS, HomeScreen
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.line_table import LineTable
from tests.conftest import create_workshop
from tests.helpers.ui import open_selected_workshop, settle, test_app, type_text


async def test_quarterly_checkpoints_are_recorded_and_the_next_shows_on_home(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        store.set_current_step(workshop_id, 5)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CheckpointsScreen)
        await pilot.press("q")  # one a quarter from today (the fixed clock: 2026-03-14)
        await settle(pilot)
        await pilot.press("enter")  # record the first
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, CheckpointDialog)
        dialog.query_one("#held_on", Input).focus()
        await type_text(pilot, "2026-06-16")
        dialog.query_one("#went_well", Input).focus()
        await type_text(pilot, "FCR up 5 points")
        dialog.query_one("#went_wrong", Input).focus()
        await type_text(pilot, "[bold]portal[/] slipped")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CheckpointsScreen)
        await pilot.press("escape", "escape")
        await settle(pilot)
        home = pilot.app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one("#workshops", LineTable)
        next_due = table.get_row_at(0)[[c.header for c in COLUMNS].index("Next review")]
        assert next_due.plain == "2026-09-14"  # June's is held: the next one not yet held
    with open_store(db_path) as store:
        checkpoints = store.checkpoints(workshop_id)
    assert [c.due_on for c in checkpoints] == [date(2026, 6, 14), date(2026, 9, 14), date(2026, 12, 14),
                                               date(2027, 3, 14)]
    assert (checkpoints[0].held_on, checkpoints[0].went_well, checkpoints[0].went_wrong) == (
        date(2026, 6, 16), "FCR up 5 points", "[bold]portal[/] slipped")
