"""Complete cycle 1, start cycle 2 from the closing screen, re-score, and read step 5's verdicts."""

from __future__ import annotations

from pathlib import Path


from csi_tui.widgets.line_table import LineTable
from csi_tui.domain.models import Score, ScoreKind
from csi_tui.screens.closing import ClosingScreen
from csi_tui.screens.next_cycle_dialog import NextCycleDialog
from csi_tui.screens.step import StepScreen
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop
from tests.helpers.ui import open_selected_workshop, settle, test_app

CYCLE_ONE = {  # dimension: (current, target)
    "organizations-people": (2, 4),
    "information-technology": (3, 3),
    "partners-suppliers": (1, 3),
    "value-streams-processes": (2, 4),
}
CYCLE_TWO_NOW = {"organizations-people": 4, "information-technology": 3, "partners-suppliers": 2,
                 "value-streams-processes": 2}
EXPECTED = {"Organizations and people": "achieved", "Information and technology": "achieved",
            "Partners and suppliers": "partly", "Value streams and processes": "missed"}


async def test_cycle_two_judges_cycle_ones_targets(db_path: Path) -> None:
    with open_store(db_path) as store:
        first = create_workshop(store)
        for key, (now, target) in CYCLE_ONE.items():
            store.save_score(first, Score(dimension_key=key, kind=ScoreKind.CURRENT, value=now, evidence="audit"))
            store.save_score(first, Score(dimension_key=key, kind=ScoreKind.TARGET, value=target))
        store.set_current_step(first, 6)

    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)  # resumes at step 6
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClosingScreen)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NextCycleDialog)
        await pilot.press("n")  # nobody scored as a participant: start with new people
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, StepScreen) and screen.step.number == 1
        assert screen.snapshot is not None and screen.snapshot.workshop.cycle == 2

        await pilot.press("ctrl+n")  # step 2: the room scores where it stands now
        await settle(pilot)
        table = pilot.app.screen.query_one("#scoring #scores", LineTable)
        # Last cycle's target stands beside each score.
        assert table.shown_headers[:2] == ["Dimension", "Previous target"]
        shown = {table.get_row_at(i)[0].plain: table.get_row_at(i)[1].plain for i in range(table.row_count)}
        assert shown["Partners and suppliers"] == "3" and shown["Information and technology"] == "3"
        for row, key in enumerate(CYCLE_ONE):
            table.focus()
            table.move_cursor(row=row)
            await pilot.press("enter", str(CYCLE_TWO_NOW[key]), *"survey", "enter")  # digit, evidence, enter
            await settle(pilot)

        await pilot.press("ctrl+g", "5")
        await settle(pilot)
        review = pilot.app.screen.query_one("#dimension-review", LineTable)
        verdicts = {review.get_row_at(i)[0].plain: review.get_row_at(i)[4].plain for i in range(review.row_count)}
        assert verdicts == EXPECTED
        previous_targets = {review.get_row_at(i)[0].plain: review.get_row_at(i)[2].plain for i in range(review.row_count)}
        assert previous_targets["Partners and suppliers"] == "3"

    with open_store(db_path) as store:
        second = next(w for w in store.workshops() if w.cycle == 2)
        assert second.previous_id == first
        now = {s.dimension_key: s.value for s in store.scores(second.id) if s.kind is ScoreKind.CURRENT}
        assert now == CYCLE_TWO_NOW
