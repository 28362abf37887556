"""A score changed by another process shows in the open gap matrix within a second, and a file
nobody writes to costs nothing: no reloads, no redraws."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from csi_tui.screens.closing import ClosingScreen
from csi_tui.screens.step import StepScreen
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.line_table import LineTable
from tests.conftest import create_workshop
from tests.helpers.ui import open_selected_workshop, settle, test_app, until

WRITE_A_SCORE = """
import sys
from csi_tui.domain.models import Score, ScoreKind
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.line_table import LineTable
with open_store(sys.argv[1]) as store:
    store.save_score(int(sys.argv[2]), Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT, value=4))
"""


def matrix_cell(screen, name: str, column: int) -> str:
    """A cell of the gap matrix row showing the dimension called `name`."""
    table = screen.query_one(LineTable)
    (row,) = [i for i in range(table.row_count) if table.cell_text(i, 0) == name]
    return table.cell_text(row, column)


async def test_another_process_writing_a_score_shows_within_a_second(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+g", "6", "ctrl+n")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ClosingScreen)
        assert matrix_cell(screen, "Partners and suppliers", 1) == "–"

        await asyncio.to_thread(subprocess.run, [sys.executable, "-c", WRITE_A_SCORE, str(db_path), str(workshop_id)],
                                check=True, cwd=Path(__file__).parent.parent)
        # The promise to a facilitator is "within a second"; the app looks four times a second.
        await until(pilot, lambda: matrix_cell(screen, "Partners and suppliers", 1) == "4", timeout=1.0)


async def test_the_step_gap_panel_follows_a_score_saved_on_the_same_screen(db_path: Path) -> None:
    with open_store(db_path) as store:
        create_workshop(store)
    async with test_app(db_path).run_test(size=(160, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n", "f2")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, StepScreen)
        panel = screen.query_one("#gap-panel")
        assert panel.display
        screen.query_one("#scoring DataTable").focus()
        await pilot.press("enter", "3", "enter")  # score the first dimension 3, no evidence
        await settle(pilot)
        assert matrix_cell(panel, "Organizations and people", 1) == "3"


async def test_nothing_is_reloaded_while_nobody_writes(db_path: Path, monkeypatch) -> None:
    with open_store(db_path) as store:
        create_workshop(store)
    loads: list[bool] = []
    real_load = StepScreen.load

    def counting_load(self: StepScreen):
        loads.append(True)
        return real_load(self)

    monkeypatch.setattr(StepScreen, "load", counting_load)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        loads.clear()
        await pilot.pause(1.5)  # six polls of the file, with nobody writing to it
        assert loads == []
