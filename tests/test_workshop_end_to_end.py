"""A whole workshop run from the keyboard, then the database checked against what was typed."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from csi_tui.widgets.line_table import LineTable
from csi_tui.domain.models import Perspective, ScoreKind
from csi_tui.screens.participants import ParticipantsScreen
from csi_tui.screens.score_dialog import ScoreDialog
from csi_tui.screens.step import StepScreen
from csi_tui.domain.steps import STEPS
from csi_tui.store.workshop_store import open_store
from tests.helpers.ui import settle, test_app, type_keys

DIMENSIONS = ["organizations-people", "information-technology", "partners-suppliers", "value-streams-processes"]
CURRENT = {"organizations-people": 2, "information-technology": 3, "partners-suppliers": 1, "value-streams-processes": 2}
TARGET = {"organizations-people": 4, "information-technology": 3, "partners-suppliers": 3, "value-streams-processes": 5}
WEIGHT = {"organizations-people": 5, "information-technology": 2, "partners-suppliers": 3, "value-streams-processes": 4}


def answer_for(step: int, field: str) -> str:
    return f"{field[:5]} {step}: -50%"


async def create_workshop_through_the_form(pilot: Pilot[None]) -> None:
    await pilot.press("n")
    await settle(pilot)
    for text in ("Service desk CSI", "Acme", "First line", "Ann"):
        await type_keys(pilot, text)
        await pilot.press("enter")  # moves to the next field, and never creates
    await pilot.press("ctrl+w")  # template and scale as offered: create
    await settle(pilot)


async def fill_fields(pilot: Pilot[None], step: int) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, StepScreen) and screen.step.number == step
    for field in STEPS[step - 1].fields:
        screen.query_one(f"#answer-{field.key}", TextArea).focus()
        await type_keys(pilot, answer_for(step, field.key))


async def add_participants(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+r")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ParticipantsScreen)
    for name, role, perspective_moves in (("Bea", "Sales lead", 0), ("Ivo", "Network engineer", 1)):
        pilot.app.screen.query_one("#name", Input).focus()
        await type_keys(pilot, name)
        await pilot.press("tab")
        await type_keys(pilot, role)
        await pilot.press("tab", "enter", *["down"] * perspective_moves, "enter")  # open, pick, close
        await pilot.click("#add")
        await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)


async def score_every_dimension(pilot: Pilot[None], kind: ScoreKind) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, StepScreen)
    table = screen.query_one("#scoring #scores", LineTable)
    table.focus()
    table.move_cursor(row=0)
    for row, key in enumerate(DIMENSIONS):
        # A score given moves the cursor to the next dimension, as enter moves down a spreadsheet.
        assert table.cursor_row == row
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ScoreDialog)
        value = (CURRENT if kind is ScoreKind.CURRENT else TARGET)[key]
        await pilot.press(str(value))  # the level by its number; the hand is on the evidence
        await type_keys(pilot, f"{key[:4]} {kind.value[0]}")
        if kind is ScoreKind.TARGET:
            await pilot.press("tab", "ctrl+u", str(WEIGHT[key]))  # the weight, a tab away
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, StepScreen)


async def test_a_whole_workshop_run_from_the_keyboard_is_saved_exactly(db_path: Path) -> None:
    app = test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await create_workshop_through_the_form(pilot)
        for step in range(1, 7):
            if step == 2:
                await add_participants(pilot)
                await score_every_dimension(pilot, ScoreKind.CURRENT)
            if step == 3:
                await score_every_dimension(pilot, ScoreKind.TARGET)
            await fill_fields(pilot, step)
            await pilot.press("ctrl+n")
            await settle(pilot)
        await pilot.press("ctrl+q")

    with open_store(db_path) as store:
        (workshop,) = store.workshops()
        assert (workshop.title, workshop.organisation, workshop.scope, workshop.facilitator) == (
            "Service desk CSI", "Acme", "First line", "Ann")
        assert (workshop.template_id, workshop.scale_id, workshop.current_step) == (
            "itil4-dimensions", "itil4-capability", 6)
        assert store.answers(workshop.id) == {
            step.number: {field.key: answer_for(step.number, field.key) for field in step.fields} for step in STEPS
        }
        people = {(p.name, p.role, p.perspective) for p in store.participants(workshop.id)}
        assert people == {("Bea", "Sales lead", Perspective.BUSINESS), ("Ivo", "Network engineer", Perspective.IT)}
        scores = {(s.dimension_key, s.kind): (s.value, s.evidence, s.participant_id, s.perspective)
                  for s in store.scores(workshop.id)}
        expected = {}
        for key in DIMENSIONS:
            expected[(key, ScoreKind.CURRENT)] = (CURRENT[key], f"{key[:4]} c", None, None)
            expected[(key, ScoreKind.TARGET)] = (TARGET[key], f"{key[:4]} t", None, None)
        assert scores == expected
        assert {d.key: d.weight for d in store.dimensions(workshop.id)} == WEIGHT
