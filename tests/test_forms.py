"""Forms that can't trap a facilitator in front of the room (issue 14): enter never creates a
workshop with fields not reached, a chosen scale survives a template change, escape asks before
it throws typed changes away, a score's evidence typed after its digit is kept, `i` on a gap row
opens the item dialog prefilled, and messages read as sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select, SelectionList, Static

from csi_tui.domain.models import Kpi, RegisterItem, ScoreKind
from csi_tui.screens.checkpoint_dialog import CheckpointDialog
from csi_tui.screens.checkpoints import CheckpointsScreen
from csi_tui.screens.closing import ClosingScreen
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.home import HomeScreen
from csi_tui.screens.kpi_dialog import KpiDialog
from csi_tui.screens.kpis import KpiScreen
from csi_tui.screens.measurement_dialog import MeasurementDialog
from csi_tui.screens.new_workshop import NewWorkshopScreen
from csi_tui.screens.register import RegisterScreen
from csi_tui.screens.register_item_dialog import RegisterItemDialog
from csi_tui.screens.score_dialog import ScoreDialog
from csi_tui.screens.step import StepScreen
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.line_table import LineTable
from tests.conftest import create_workshop
from tests.helpers.ui import open_selected_workshop, reach, settle, test_app, type_text
from tests.test_live_updates import matrix_cell
from tests.test_register_screen import items, seed_scores


def text_of(screen: Screen[object], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


# --- 1. the new-workshop form ----------------------------------------------------------------


async def new_workshop_form(pilot: Pilot[None]) -> NewWorkshopScreen:
    """The workshop list's `n`: the new-workshop form, on top."""
    return await reach(pilot, NewWorkshopScreen, "n")


async def test_enter_through_the_new_workshop_form_never_creates_it_and_the_chosen_scale_stays(
    db_path: Path,
) -> None:
    async with test_app(db_path).run_test(size=(100, 40)) as pilot:
        form = await new_workshop_form(pilot)
        for text in ("Service desk CSI", "Acme", "First line", "Ann", "Leeds"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await settle(pilot)
        # The last text field's enter moves on to the template: the scale is still to be chosen.
        assert pilot.app.screen is form
        assert pilot.app.focused is form.query_one("#template", Select)
        with open_store(db_path) as store:
            assert store.workshops() == []

        await pilot.press("ctrl+w")  # the form's save key creates
        await settle(pilot)
        assert not isinstance(pilot.app.screen, NewWorkshopScreen)
    with open_store(db_path) as store:
        (workshop,) = store.workshops()
    assert (workshop.title, workshop.organisation, workshop.facilitator) == ("Service desk CSI", "Acme", "Ann")
    assert workshop.site_label == "Leeds"  # the site a portfolio tells it apart by


async def test_enter_on_a_chosen_template_moves_on_to_the_scale_not_round_the_list_again(db_path: Path) -> None:
    # Textual's Select keeps the focus once a choice is made: the next enter opened the same
    # list again, and a facilitator going down the form with enter went round in a circle.
    async with test_app(db_path).run_test(size=(100, 40)) as pilot:
        form = await new_workshop_form(pilot)
        form.query_one("#template", Select).focus()
        await pilot.press("enter")  # the list opens
        await settle(pilot)
        await pilot.press("down", "enter")  # another template, chosen
        await settle(pilot)
        assert form.query_one("#template", Select).value != "itil4-dimensions"
        assert pilot.app.focused is form.query_one("#scale", Select)


async def test_a_chosen_scale_survives_a_template_change(db_path: Path) -> None:
    async with test_app(db_path).run_test(size=(100, 40)) as pilot:
        form = await new_workshop_form(pilot)
        await type_text(pilot, "Service desk CSI")
        form.query_one("#scale", Select).value = "cmmi"  # the room's scale
        await settle(pilot)
        form.query_one("#template", Select).value = "itil4-svs"  # then another template
        await settle(pilot)
        assert form.query_one("#scale", Select).value == "cmmi"  # the chosen scale survives
        await pilot.click("#create")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, NewWorkshopScreen)
    with open_store(db_path) as store:
        (workshop,) = store.workshops()
    assert (workshop.template_id, workshop.scale_id) == ("itil4-svs", "cmmi")


# --- 2. escape asks before typed changes are discarded ---------------------------------------


async def answer_discard(pilot: Pilot[None], dialog: Screen[object], discard: bool) -> None:
    await pilot.press("escape")
    await settle(pilot)
    confirm = pilot.app.screen
    assert isinstance(confirm, ConfirmScreen)
    assert "Discard your changes?" in text_of(confirm, ".dialog-title")
    await pilot.press("y" if discard else "n")
    await settle(pilot)


async def test_escape_in_the_register_item_dialog_asks_before_discarding_typed_fields(db_path: Path) -> None:
    workshop_id = seed_scores(db_path)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f3", "n")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, RegisterItemDialog)
        await pilot.press("escape")  # nothing typed: it just closes
        await settle(pilot)
        assert isinstance(pilot.app.screen, RegisterScreen)

        await pilot.press("n")
        await settle(pilot)
        dialog = pilot.app.screen
        await type_text(pilot, "Coaching for team leads")
        await answer_discard(pilot, dialog, discard=False)
        assert pilot.app.screen is dialog  # kept, with what was typed
        assert dialog.query_one("#description", Input).value == "Coaching for team leads"
        await pilot.press("ctrl+w")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RegisterScreen)

        await pilot.press("enter")  # edit it: a ticked dimension is a change too
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, RegisterItemDialog)
        dialog.query_one("#dimension_keys", SelectionList).focus()
        await pilot.press("space")
        await answer_discard(pilot, dialog, discard=True)
        assert isinstance(pilot.app.screen, RegisterScreen)
    (item,) = items(db_path, workshop_id)
    assert (item.description, item.dimension_keys) == ("Coaching for team leads", [])


@pytest.mark.parametrize("dialog_key", ["kpi", "measurement", "checkpoint"])
async def test_escape_in_a_kpi_measurement_or_checkpoint_dialog_asks_when_something_was_typed(
    db_path: Path, dialog_key: str
) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        store.add_kpi(workshop_id, Kpi(name="FCR", unit="%", baseline=60, short_target=75))
    screen_key, open_key, dialog_type, screen_type = {
        "kpi": ("f5", "n", KpiDialog, KpiScreen),
        "measurement": ("f5", "v", MeasurementDialog, KpiScreen),
        "checkpoint": ("f9", "n", CheckpointDialog, CheckpointsScreen),
    }[dialog_key]
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press(screen_key, open_key)
        await settle(pilot)
        assert isinstance(pilot.app.screen, dialog_type)
        await pilot.press("escape")  # untouched (a prefilled date is not a change): closes at once
        await settle(pilot)
        assert isinstance(pilot.app.screen, screen_type)

        await pilot.press(open_key)
        await settle(pilot)
        dialog = pilot.app.screen
        await type_text(pilot, "42")
        await answer_discard(pilot, dialog, discard=False)
        assert pilot.app.screen is dialog
        assert "42" in pilot.app.focused.value  # type: ignore[union-attr]
        await answer_discard(pilot, dialog, discard=True)
        assert isinstance(pilot.app.screen, screen_type)
    with open_store(db_path) as store:
        assert [k.name for k in store.kpis(workshop_id)] == ["FCR"]
        assert store.measurements(store.kpis(workshop_id)[0].id) == []
        assert store.checkpoints(workshop_id) == []


async def test_escape_in_the_new_workshop_form_asks_once_something_was_typed(db_path: Path) -> None:
    async with test_app(db_path).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
        await pilot.press("n")
        await settle(pilot)
        form = pilot.app.screen
        await type_text(pilot, "Service desk CSI")
        await answer_discard(pilot, form, discard=False)
        assert pilot.app.screen is form
        await answer_discard(pilot, form, discard=True)
        assert isinstance(pilot.app.screen, HomeScreen)
    with open_store(db_path) as store:
        assert store.workshops() == []


# --- 3. scoring follows the hand -------------------------------------------------------------


async def test_a_digit_then_evidence_then_enter_saves_the_level_and_the_evidence(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        store.set_current_step(workshop_id, 2)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)  # step 2: the scoring table has focus
        await pilot.press("enter")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ScoreDialog)
        key = dialog.dimension.key
        await pilot.press("3")
        await type_text(pilot, "incident report March")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, StepScreen)  # saved and closed
    with open_store(db_path) as store:
        (score,) = store.scores(workshop_id)
    assert (score.dimension_key, score.kind, score.value, score.evidence) == (
        key, ScoreKind.CURRENT, 3, "incident report March")


async def open_target_dialog(pilot: Pilot[None]) -> str:
    await open_selected_workshop(pilot)
    return (await reach(pilot, ScoreDialog, "enter")).dimension.key


async def test_a_target_digit_then_evidence_then_one_enter_saves(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        store.set_current_step(workshop_id, 3)
        weights = {d.key: d.weight for d in store.dimensions(workshop_id)}
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        key = await open_target_dialog(pilot)
        await pilot.press("4")
        await type_text(pilot, "SLA review")
        await pilot.press("enter")  # once, as for a current score: the weight keeps its value
        await settle(pilot)
        assert isinstance(pilot.app.screen, StepScreen)
    with open_store(db_path) as store:
        (score,) = store.scores(workshop_id)
        weight = next(d.weight for d in store.dimensions(workshop_id) if d.key == key)
    assert (score.kind, score.value, score.evidence, weight) == (ScoreKind.TARGET, 4, "SLA review", weights[key])


async def test_a_target_weight_is_a_tab_away(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        store.set_current_step(workshop_id, 3)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        key = await open_target_dialog(pilot)
        await pilot.press("4")
        await type_text(pilot, "SLA review")
        await pilot.press("tab", "ctrl+u", "5", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, StepScreen)
    with open_store(db_path) as store:
        (score,) = store.scores(workshop_id)
        weight = next(d.weight for d in store.dimensions(workshop_id) if d.key == key)
    assert (score.kind, score.value, score.evidence, weight) == (ScoreKind.TARGET, 4, "SLA review", 5)


# --- 4. `i` on a gap row opens the item dialog -----------------------------------------------


def seed_gaps_with_a_covered_and_a_zero_row(db_path: Path) -> int:
    workshop_id = seed_scores(db_path)  # organisations 1→5, value streams 2→4, partners 3→4, IT 4→4
    with open_store(db_path) as store:
        store.add_register_item(workshop_id, RegisterItem(
            raised_on=date(2026, 3, 1), description="Supplier reviews", dimension_keys=["partners-suppliers"]))
    return workshop_id


async def select_gap(pilot: Pilot[None], name: str) -> None:
    """Arrow to the gap row of a dimension, as the facilitator does."""
    table = pilot.app.screen.query_one(LineTable)
    assert pilot.app.focused is table
    (row,) = [i for i in range(table.row_count) if table.cell_text(i, 0) == name]
    await pilot.press("home", *["down"] * row)
    await settle(pilot)


async def test_i_on_a_gap_row_opens_the_item_dialog_prefilled_and_saves_only_when_asked(db_path: Path) -> None:
    workshop_id = seed_gaps_with_a_covered_and_a_zero_row(db_path)
    async with test_app(db_path).run_test(size=(160, 40)) as pilot:
        await open_selected_workshop(pilot)  # step 4
        await pilot.press("f2")
        await settle(pilot)
        step = pilot.app.screen
        await select_gap(pilot, "Organizations and people")
        await pilot.press("i")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, RegisterItemDialog)
        assert len(items(db_path, workshop_id)) == 1  # nothing raised yet
        description = dialog.query_one("#description", Input).value
        assert "Organizations and people" in description and "from 1 to 5" in description
        assert list(dialog.query_one("#dimension_keys", SelectionList).selected) == ["organizations-people"]
        assert "Organizations and people" in text_of(dialog, ".dialog-title")
        await pilot.press("escape")  # untouched: closes, raises nothing
        await settle(pilot)
        assert pilot.app.screen is step
        assert len(items(db_path, workshop_id)) == 1

        await pilot.press("i")
        await settle(pilot)
        await pilot.press("ctrl+w")
        await settle(pilot)
        assert pilot.app.screen is step
        assert matrix_cell(step, "Organizations and people", 8) == "#2"
    raised = items(db_path, workshop_id)[1]
    assert (raised.number, raised.dimension_keys, raised.raised_by) == (2, ["organizations-people"], "Ann")
    assert "from 1 to 5" in raised.description


async def test_i_on_a_covered_or_zero_gap_says_so_in_the_dialog(db_path: Path) -> None:
    workshop_id = seed_gaps_with_a_covered_and_a_zero_row(db_path)
    async with test_app(db_path).run_test(size=(160, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await select_gap(pilot, "Partners and suppliers")
        await pilot.press("i")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, RegisterItemDialog)
        assert "already covered by #1" in text_of(dialog, "#note")
        await pilot.press("escape")
        await settle(pilot)

        await select_gap(pilot, "Information and technology")
        await pilot.press("i")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, RegisterItemDialog)
        note = text_of(dialog, "#note")
        assert "no gap" in note and "at 4" in note
        assert "from 4 to 4" not in dialog.query_one("#description", Input).value
        await pilot.press("escape")
        await settle(pilot)
    assert len(items(db_path, workshop_id)) == 1  # neither raised a duplicate nor a "from 4 to 4"


async def test_i_on_the_closing_screen_opens_the_item_dialog_too(db_path: Path) -> None:
    workshop_id = seed_gaps_with_a_covered_and_a_zero_row(db_path)
    async with test_app(db_path).run_test(size=(160, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+g", "6")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        closing = pilot.app.screen
        assert isinstance(closing, ClosingScreen)
        await select_gap(pilot, "Partners and suppliers")
        await pilot.press("i")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, RegisterItemDialog)
        assert "already covered by #1" in text_of(dialog, "#note")
        assert len(items(db_path, workshop_id)) == 1
        await pilot.press("ctrl+w")  # raised anyway, on purpose
        await settle(pilot)
        assert pilot.app.screen is closing
    assert [i.dimension_keys for i in items(db_path, workshop_id)] == [["partners-suppliers"]] * 2


# --- 5. messages -----------------------------------------------------------------------------


async def test_one_register_item_is_one_item(db_path: Path) -> None:
    workshop_id = seed_scores(db_path)
    with open_store(db_path) as store:
        store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 1), description="Knowledge base"))
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f3")
        await settle(pilot)
        header = str(pilot.app.screen.query_one("#register-title", Static).render())
        assert "1 item," in header and "1 items" not in header


async def test_a_refused_field_reads_as_a_sentence_without_the_validators_prefix(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        store.add_kpi(workshop_id, Kpi(name="FCR", unit="%", baseline=60, short_target=75))
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f5", "v")
        await settle(pilot)
        dialog = pilot.app.screen
        await type_text(pilot, "lots")
        await pilot.press("enter", "enter", "enter")  # value, the date as offered, the note: save
        await settle(pilot)
        assert pilot.app.screen is dialog
        error = text_of(dialog, "#error")
        assert "'lots' is not a number" in error
        assert "value:" not in error and "Input should" not in error

        await pilot.press("escape", "y", "escape", "f3", "n")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, RegisterItemDialog)
        await type_text(pilot, "Knowledge base")
        dialog.query_one("#due_on", Input).focus()
        await type_text(pilot, "2026-02-30")
        await pilot.press("ctrl+w")
        await settle(pilot)
        error = text_of(dialog, "#error")
        assert "'2026-02-30' is not a date" in error
        assert "due_on" not in error and "Value error" not in error


async def test_the_new_workshop_form_says_how_to_create_at_80x24(db_path: Path) -> None:
    # The form is taller than 24 rows: its Create button starts below the fold, so the key that
    # creates must be in sight from the start.
    from tests.test_user_text_is_data import screen_text

    async with test_app(db_path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NewWorkshopScreen)
        assert "ctrl+w creates" in screen_text(pilot.app)
