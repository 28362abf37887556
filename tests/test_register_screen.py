"""The register in use: items raised from gap rows with one key, moved along the workflow (an
invalid move refused with its reason), edited, and found again by filter, sort and search."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, SelectionList, Static

from csi_tui.domain.models import RegisterItem, RegisterStatus, Score, ScoreKind
from csi_tui.screens.register import RegisterScreen
from csi_tui.screens.register_item_dialog import RegisterItemDialog
from csi_tui.screens.status_dialog import StatusDialog
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.line_table import LineTable
from tests.conftest import create_workshop
from tests.helpers.ui import open_selected_workshop, settle, test_app, type_text
from tests.test_live_updates import matrix_cell

SCORES = {  # dimension: (current, target); equal weights, so the gap orders the rows
    "organizations-people": (1, 5),
    "value-streams-processes": (2, 4),
    "partners-suppliers": (3, 4),
    "information-technology": (4, 4),
}


def seed_scores(db_path: Path) -> int:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        for key, (now, target) in SCORES.items():
            store.save_score(workshop_id, Score(dimension_key=key, kind=ScoreKind.CURRENT, value=now, evidence="x"))
            store.save_score(workshop_id, Score(dimension_key=key, kind=ScoreKind.TARGET, value=target))
        store.set_current_step(workshop_id, 4)
    return workshop_id


def items(db_path: Path, workshop_id: int) -> list[RegisterItem]:
    with open_store(db_path) as store:
        return store.register_items(workshop_id)


def rows(screen: RegisterScreen) -> list[list[str]]:
    table = screen.query_one("#items", LineTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def choose_status(pilot: Pilot[None], status: RegisterStatus) -> None:
    """In the status dialog: highlight a status by arrowing to it, then enter."""
    options = pilot.app.screen.query_one("#statuses", OptionList)
    target = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == status.value)
    await pilot.press("home", *["down"] * target, "enter")
    await settle(pilot)


async def test_i_raises_an_item_for_the_selected_gap_row_from_its_prefilled_dialog(db_path: Path) -> None:
    workshop_id = seed_scores(db_path)
    async with test_app(db_path).run_test(size=(160, 40)) as pilot:
        await open_selected_workshop(pilot)  # resumes at step 4
        await pilot.press("f2")  # the gap panel opens with its rows to choose from
        await settle(pilot)
        await pilot.press("i")  # the top row: the largest weighted gap
        await settle(pilot)
        assert isinstance(pilot.app.screen, RegisterItemDialog)
        await pilot.press("ctrl+w")  # saved as prefilled
        await settle(pilot)
        await pilot.press("down", "i")
        await settle(pilot)
        await pilot.press("ctrl+w")
        await settle(pilot)
        panel = pilot.app.screen.query_one("#gap-panel")
        assert matrix_cell(panel, "Organizations and people", 8) == "#1"  # covered now, live
        assert matrix_cell(panel, "Value streams and processes", 8) == "#2"
        assert matrix_cell(panel, "Partners and suppliers", 8).startswith("✗")
    raised = items(db_path, workshop_id)
    assert [(i.number, i.dimension_keys, i.status) for i in raised] == [
        (1, ["organizations-people"], RegisterStatus.NEW), (2, ["value-streams-processes"], RegisterStatus.NEW)]
    assert "from 1 to 5" in raised[0].description and raised[0].raised_by == "Ann"
    assert raised[0].raised_on == date(2026, 3, 14)  # the fixed clock's today


async def test_an_item_moves_through_the_workflow_and_an_invalid_move_is_refused(db_path: Path) -> None:
    workshop_id = seed_scores(db_path)
    with open_store(db_path) as store:
        store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 1), description="Knowledge base"))
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RegisterScreen)

        await pilot.press("m")
        await settle(pilot)
        await choose_status(pilot, RegisterStatus.CLOSED)
        dialog = pilot.app.screen
        assert isinstance(dialog, StatusDialog)  # refused: the dialog stays, with the reason
        reason = str(dialog.query_one("#error", Static).render())
        assert "cannot go from new to closed" in reason and "accepted, cancelled" in reason
        assert items(db_path, workshop_id)[0].status is RegisterStatus.NEW

        for status in (RegisterStatus.ACCEPTED, RegisterStatus.IN_PROGRESS, RegisterStatus.MONITORING):
            await choose_status(pilot, status)
            assert isinstance(pilot.app.screen, RegisterScreen)
            await pilot.press("m")
            await settle(pilot)
        await choose_status(pilot, RegisterStatus.CLOSED)  # needs a closure code first
        assert "needs a closure code" in str(pilot.app.screen.query_one("#error", Static).render())
        await pilot.press("enter", "down", "enter")  # the closure select, its first code
        await settle(pilot)
        await pilot.press("enter")  # Move
        await settle(pilot)
        assert isinstance(pilot.app.screen, RegisterScreen)
        assert rows(pilot.app.screen)[0][2] == "closed"

    (item,) = items(db_path, workshop_id)
    assert (item.status, item.closure) == (RegisterStatus.CLOSED, "successful")
    with open_store(db_path) as store:
        moves = [(e.old_value, e.new_value) for e in store.change_log(workshop_id) if e.field == "status"]
    assert moves == [("new", "accepted"), ("accepted", "in progress"), ("in progress", "monitoring"),
                     ("monitoring", "closed")]


async def test_an_item_is_edited_and_a_due_date_before_it_was_raised_is_refused(db_path: Path) -> None:
    workshop_id = seed_scores(db_path)
    with open_store(db_path) as store:
        store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 1), description="Knowledge base"))
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, RegisterItemDialog)
        dialog.query_one("#owner", Input).focus()
        await type_text(pilot, "Ivo")
        dialog.query_one("#due_on", Input).focus()
        await type_text(pilot, "2026-02-01")
        await pilot.press("ctrl+w")
        await settle(pilot)
        assert "before the raised date" in str(dialog.query_one("#error", Static).render())
        assert items(db_path, workshop_id)[0].owner == ""  # nothing saved
        dialog.query_one("#due_on", Input).value = ""
        await type_text(pilot, "2026-06-30")
        await pilot.press("ctrl+w")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RegisterScreen)
    (item,) = items(db_path, workshop_id)
    assert (item.owner, item.due_on, item.description) == ("Ivo", date(2026, 6, 30), "Knowledge base")


async def test_the_register_filters_sorts_searches_and_shows_overdue_items(db_path: Path) -> None:
    workshop_id = seed_scores(db_path)
    with open_store(db_path) as store:
        for description, priority, due in (("Knowledge base", 3, date(2026, 3, 10)),  # before the fixed today
                                           ("Supplier review", 1, date(2026, 9, 1)),
                                           ("Self-service portal", 2, None)):
            store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 1), description=description,
                                                              priority=priority, due_on=due, owner="Bea"))
        store.change_register_status(workshop_id, 3, RegisterStatus.CANCELLED, "withdrawn")
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RegisterScreen)
        assert [r[1] for r in rows(screen)] == ["Knowledge base", "Supplier review", "Self-service portal"]
        overdue = screen.query_one("#items", LineTable).get_row_at(0)
        assert overdue[2].plain == "new · overdue"
        assert str(overdue[2].style) == f"bold {pilot.app.current_theme.error}"  # it stands out
        assert "1 overdue" in str(screen.query_one("#register-title", Static).render())

        await pilot.press("f")  # open only
        await settle(pilot)
        assert [r[1] for r in rows(screen)] == ["Knowledge base", "Supplier review"]
        await pilot.press("f")  # overdue only
        await settle(pilot)
        assert [r[1] for r in rows(screen)] == ["Knowledge base"]
        await pilot.press("f", "f", "s")  # all again, sorted by priority
        await settle(pilot)
        assert [r[1] for r in rows(screen)] == ["Supplier review", "Self-service portal", "Knowledge base"]
        await pilot.press("slash")
        await type_text(pilot, "portal")
        await pilot.press("enter")
        await settle(pilot)
        assert [r[1] for r in rows(screen)] == ["Self-service portal"]
        assert screen.focused is screen.query_one("#items", LineTable)


async def test_an_item_added_in_the_register_shows_in_the_step_gap_panel_underneath(db_path: Path) -> None:
    """The step screen stays under the register while it is open: it must hear the change too,
    not only the screen on top (once, the gap's "Covered by" stayed empty until a later write)."""
    seed_scores(db_path)
    async with test_app(db_path).run_test(size=(160, 40)) as pilot:
        await open_selected_workshop(pilot)  # resumes at step 4
        await pilot.press("f2")  # the gap panel
        await settle(pilot)
        step = pilot.app.screen
        assert matrix_cell(step, "Organizations and people", 8) == "✗ uncovered"
        await pilot.press("f3", "n")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, RegisterItemDialog)
        await type_text(pilot, "Coaching for team leads")
        dimensions = dialog.query_one("#dimension_keys", SelectionList)
        dimensions.focus()
        target = next(i for i in range(dimensions.option_count)
                      if dimensions.get_option_at_index(i).value == "organizations-people")
        dimensions.highlighted = target
        await pilot.press("space", "ctrl+w")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RegisterScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is step
        assert matrix_cell(step, "Organizations and people", 8) == "#1"


def seed_items(db_path: Path) -> int:
    """Five items whose numbers, priorities and owners sort differently."""
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        for description, priority, owner in (("Knowledge base", 3, "Eve"), ("Supplier review", 1, "Dan"),
                                             ("Self-service portal", 5, "Bea"), ("Portal search", 2, "Cleo"),
                                             ("Call scripts", 4, "Ann")):
            store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 1), description=description,
                                                              priority=priority, owner=owner))
    return workshop_id


async def open_register(pilot: Pilot[None], workshop_id: int) -> RegisterScreen:
    await settle(pilot)
    pilot.app.show_register(workshop_id)  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RegisterScreen)
    return screen


def highlighted(screen: RegisterScreen) -> str:
    table = screen.query_one("#items", LineTable)
    return table.get_row_at(table.cursor_row)[1].plain


async def test_a_search_keeps_the_highlighted_item_while_it_still_matches(db_path: Path) -> None:
    workshop_id = seed_items(db_path)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        screen = await open_register(pilot, workshop_id)
        await pilot.press("down", "down", "down")
        assert highlighted(screen) == "Portal search"
        await pilot.press("slash")
        await type_text(pilot, "port")
        await settle(pilot)
        assert [r[1] for r in rows(screen)] == ["Self-service portal", "Portal search"]
        assert highlighted(screen) == "Portal search"  # still the item the facilitator was on
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await settle(pilot)
        assert len(rows(screen)) == 5 and highlighted(screen) == "Portal search"
        await pilot.press("enter", "e")  # back to the table; e edits the highlighted item
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, RegisterItemDialog) and dialog.item.description == "Portal search"


async def test_a_sort_keeps_the_cursor_on_the_same_item(db_path: Path) -> None:
    workshop_id = seed_items(db_path)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        screen = await open_register(pilot, workshop_id)
        await pilot.press("down")
        assert highlighted(screen) == "Supplier review"
        await pilot.press("s")  # by priority: it moves to the top
        await settle(pilot)
        assert [r[1] for r in rows(screen)][:2] == ["Supplier review", "Portal search"]
        assert highlighted(screen) == "Supplier review"
        await pilot.press("down", "s", "s", "s")  # by due date, status, then owner
        await settle(pilot)
        assert [r[5] for r in rows(screen)] == ["Ann", "Bea", "Cleo", "Dan", "Eve"]
        assert highlighted(screen) == "Portal search"


async def test_the_full_line_follows_the_cursor_and_is_laid_out_only_when_its_height_changes(db_path: Path) -> None:
    """The selected item in full, below the table: moving to an item whose line is as high only
    repaints it (a layout of the whole screen on every arrow key or search keystroke costs a
    frame at 2,000 items); a line that wraps to more lines is laid out and shown whole."""
    workshop_id = seed_items(db_path)
    with open_store(db_path) as store:
        store.add_register_item(workshop_id, RegisterItem(
            raised_on=date(2026, 3, 1), owner="Ann",
            description="Service desk knowledge articles reviewed with second-line teams " * 3))
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        screen = await open_register(pilot, workshop_id)
        line = screen.query_one("#register-line", Static)
        layouts = line._layout_updates  # Textual counts the layouts a widget asks for
        await pilot.press("down", "down")
        await settle(pilot)
        assert "Self-service portal" in str(line.render())
        assert line._layout_updates == layouts and line.size.height == 1
        await pilot.press("end")  # the long item: its line wraps
        await settle(pilot)
        assert line._layout_updates > layouts and line.size.height > 1
        assert str(line.render()).count("second-line teams") == 3


async def test_an_item_moved_elsewhere_changes_its_row_in_place(db_path: Path) -> None:
    """Another window (or the step screen underneath) moves an item along: its row shows the new
    status, and the facilitator's place in the list is kept."""
    workshop_id = seed_items(db_path)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        screen = await open_register(pilot, workshop_id)
        await pilot.press("down", "down")
        before = rows(screen)
        pilot.app.session.move_item(workshop_id, 4, RegisterStatus.ACCEPTED)  # type: ignore[attr-defined]
        await settle(pilot)
        after = rows(screen)
        assert after[3][2] == "accepted"
        assert [row for n, row in enumerate(after) if n != 3] == [row for n, row in enumerate(before) if n != 3]
        assert highlighted(screen) == "Self-service portal"


async def test_at_80_columns_the_register_leaves_out_whole_columns_not_words(db_path: Path) -> None:
    workshop_id = seed_items(db_path)
    with open_store(db_path) as store:
        store.update_register_item(workshop_id, 1, owner="Mohammed Al-Rashid", dimension_keys=["partners-suppliers"])
        store.change_register_status(workshop_id, 1, RegisterStatus.ACCEPTED)
        store.change_register_status(workshop_id, 1, RegisterStatus.IN_PROGRESS)
    async with test_app(db_path).run_test(size=(80, 24)) as pilot:
        screen = await open_register(pilot, workshop_id)
        table = screen.query_one("#items", LineTable)
        shown = table.shown_headers
        assert "Status" in shown and "Owner" in shown and "Pri" not in shown
        drawn = table.render_line(1).text  # item #1, as the room sees it
        assert "in progress" in drawn and "Mohammed Al-Rashid" in drawn
        line = str(screen.query_one("#register-line", Static).render())
        # Everything the table leaves out is on the selected item's line below it.
        assert "in progress" in line and "Mohammed Al-Rashid" in line and "Pri 3" in line
        assert "Partners and suppliers" in line
