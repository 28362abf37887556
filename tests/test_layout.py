"""A layout that holds on a laptop (80x24), a larger terminal (120x40) and a projector (200x60):
the tables on the step and closing screens show whole columns only, dropping the least important
first and abbreviating headers; the selected row's full line stands below each table; and each
step's footer keeps the keys that matter there, quit and projector included, with nothing drawn
past the palette key. Built on the demo programme: 34 long-named dimensions, cycle 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from csi_tui.app import make_app
from csi_tui.widgets.line_table import LineTable
from tests.conftest import fixed_clock
from tests.helpers.ui import footer_keys, settle


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    from csi_tui.demo import write_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return path, write_demo(path)


@pytest.fixture
def demo(demo_source: tuple[Path, int], tmp_path: Path) -> tuple[Path, int]:
    path, workshop_id = demo_source
    shutil.copy(path, tmp_path / "demo.db")  # each test moves steps and writes: its own copy
    return tmp_path / "demo.db", workshop_id


async def go(pilot: Pilot[None], *keys: str) -> None:
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def demo_app(demo: tuple[Path, int]):
    path, workshop_id = demo
    return make_app(path, clock=fixed_clock, keymap={}, cursor_blink=False, open_workshop=workshop_id)


def scoring_headers(pilot: Pilot[None]) -> list[str]:
    table = pilot.app.screen.query_one("#scoring #scores", LineTable)
    # Whole columns only: nothing runs past the table's edge, so nothing scrolls sideways.
    assert table.virtual_size.width <= table.scrollable_content_region.width
    return table.shown_headers


def matrix_headers(pilot: Pilot[None], where: str) -> list[str]:
    table = pilot.app.screen.query_one(f"{where} LineTable", LineTable)
    assert table.virtual_size.width <= table.scrollable_content_region.width
    return table.shown_headers


def line(pilot: Pilot[None], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


SIZES = [(80, 24), (120, 40), (200, 60)]


@pytest.mark.parametrize(("size", "expected"), [
    # The room's consensus voice: the participants' median stands beside it (it drives the matrix).
    ((80, 24), ["Dimension", "Prev. tgt", "Now", "Med.", "Evid."]),
    ((120, 40), ["Dimension", "Prev. tgt", "Now", "Med.", "Level", "Evid."]),
    ((200, 60), ["Dimension", "Previous target", "Now", "Median", "Level", "Evidence"]),
], ids=lambda v: "x".join(map(str, v)) if isinstance(v[0], int) else "")
async def test_step_two_scoring_table_shows_whole_columns(demo, size, expected) -> None:
    app = demo_app(demo)
    async with app.run_test(size=size) as pilot:
        await go(pilot, "ctrl+g", "2")
        assert scoring_headers(pilot) == expected
        # The first row's full line stands below the table, the long name whole.
        assert line(pilot, "#score-line").startswith("Architecture management · Previous target 3 · Now –")
        table = app.screen.query_one("#scoring #scores", LineTable)
        table.focus()
        await pilot.press("down", "down", "down")  # Knowledge management, scored 3 with evidence
        await settle(pilot)
        shown = line(pilot, "#score-line")
        assert shown.startswith("Knowledge management · Previous target 4 · Now 3 ≠ · Median 2 · Level 3 · Evidence agreed")


@pytest.mark.parametrize(("size", "expected"), [
    ((80, 24), ["Dimension", "W.gap", "Cov."]),
    ((120, 40), ["Dimension", "Now", "Tgt", "Gap", "Wt", "W.gap", "Cov."]),
    ((200, 60), ["Dimension", "Now", "Tgt", "Gap", "Wt", "W.gap", "Sprd", "B−IT", "Cov."]),
], ids=lambda v: "x".join(map(str, v)) if isinstance(v[0], int) else "")
async def test_f2_gap_panel_shows_what_fits_and_the_selected_row_in_full(demo, size, expected) -> None:
    app = demo_app(demo)
    async with app.run_test(size=size) as pilot:
        await go(pilot, "ctrl+g", "2", "f2")
        assert matrix_headers(pilot, "#gap-panel") == expected
        assert line(pilot, "#gap-panel #gap-line") == (
            "Knowledge management · Now 3 · Target 5 · Gap 2 · Weight 5 · Weighted gap 10 · Spread 2 · "
            "Business−IT 0 · Covered by KPI Knowledge article reuse")
        await pilot.press("down")  # the panel has focus: arrows choose a gap
        await settle(pilot)
        assert line(pilot, "#gap-panel #gap-line").startswith("Incident management · Now 3 · Target 5")
        assert "Covered by #1" in line(pilot, "#gap-panel #gap-line")


@pytest.mark.parametrize(("size", "expected"), [
    ((80, 24), ["Dimension", "Now", "Tgt", "W.gap", "Cov."]),
    ((120, 40), ["Dimension", "Now", "Tgt", "Gap", "Wt", "W.gap", "Sprd", "B−IT", "Cov."]),
    ((200, 60), ["Dimension", "Now", "Target", "Gap", "Weight", "Weighted gap", "Spread", "Business−IT",
                 "Covered by"]),
], ids=lambda v: "x".join(map(str, v)) if isinstance(v[0], int) else "")
async def test_closing_matrix_shows_whole_columns(demo, size, expected) -> None:
    app = demo_app(demo)
    async with app.run_test(size=size) as pilot:
        await go(pilot, "ctrl+g", "6", "ctrl+n")
        assert matrix_headers(pilot, "#matrix") == expected
        assert line(pilot, "#matrix #gap-line").startswith("Knowledge management · Now 3 · Target 5")
        # Left and right no longer scroll the table a character at a time.
        table = app.screen.query_one("#matrix LineTable", LineTable)
        await pilot.press("right", "right")
        assert table.scroll_offset.x == 0


STEP_KEYS = {1: {"f1"}, 2: {"^r", "f2", "^f"}, 3: {"f5", "f2", "^f"}, 4: {"f3", "f2"}, 5: {"f9", "f5"}, 6: {"f3"}}


@pytest.mark.parametrize("step", range(1, 7))
async def test_each_step_footer_keeps_its_keys_at_80_columns(demo, step: int) -> None:
    app = demo_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, "ctrl+g", str(step))
        shown = footer_keys(pilot)
        assert {"^n", "^o", "^q", "f8"} | STEP_KEYS[step] <= set(shown), shown


async def test_wider_terminals_show_more_of_the_steps_keys(demo) -> None:
    app = demo_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, "ctrl+g", "2")
        narrow = footer_keys(pilot)
        await pilot.resize_terminal(200, 60)
        await settle(pilot)
        wide = footer_keys(pilot)
        assert set(narrow) < set(wide)
        assert {"f3", "f5", "f9", "f4", "^l"} <= set(wide)


async def test_the_closing_footer_keeps_its_keys_at_80_columns(demo) -> None:
    app = demo_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, "ctrl+g", "6", "ctrl+n")
        assert {"^n", "i", "p", "^q", "f8"} <= set(footer_keys(pilot))


async def test_the_home_footer_keeps_its_keys_whole_at_80_columns(demo) -> None:
    path, _workshop_id = demo
    app = make_app(path, clock=fixed_clock, keymap={}, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert {"⏎", "n", "x", "del", "^q", "?"} <= set(footer_keys(pilot))


# --- the rule itself, without a terminal ----------------------------------------------------

def test_a_narrowing_table_gives_way_in_order() -> None:
    from csi_tui.widgets.column_fit import Column, fit_columns

    columns = (Column("Dimension", rank=0, shrink_to=14), Column("Target", "Tgt", rank=1),
               Column("Evidence", "Evid.", rank=2, shrink_to=8, note=True), Column("Level", rank=3))
    natural = [30, 1, 40, 7]

    def shown(width: int) -> list[tuple[str, int]]:
        return [(c.header, c.width) for c in fit_columns(columns, natural, width)]

    assert shown(200) == [("Dimension", 30), ("Target", 6), ("Evidence", 40), ("Level", 7)]
    # First the note narrows (to its floor at most), headers whole...
    assert shown(70) == [("Dimension", 30), ("Target", 6), ("Evidence", 19), ("Level", 7)]
    assert shown(60) == [("Dimension", 30), ("Target", 6), ("Evidence", 9), ("Level", 7)]
    # ...then headers are abbreviated, then the name narrows, to its floor at most...
    assert shown(55) == [("Dimension", 29), ("Tgt", 3), ("Evid.", 8), ("Level", 7)]
    assert shown(40) == [("Dimension", 14), ("Tgt", 3), ("Evid.", 8), ("Level", 7)]
    # ...and then the least important column goes, and the name widens again.
    assert shown(35) == [("Dimension", 18), ("Tgt", 3), ("Evid.", 8)]
    assert shown(20) == [("Dimension", 18)]


async def test_tables_fit_again_when_the_terminal_is_resized(demo) -> None:
    app = demo_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, "ctrl+g", "2", "f2")
        assert matrix_headers(pilot, "#gap-panel") == ["Dimension", "W.gap", "Cov."]
        await pilot.resize_terminal(200, 60)  # the laptop plugged into the projector
        await settle(pilot)
        assert matrix_headers(pilot, "#gap-panel") == [
            "Dimension", "Now", "Tgt", "Gap", "Wt", "W.gap", "Sprd", "B−IT", "Cov."]
        await pilot.press("f2")  # the prompts instead of the matrix: the scoring table widens
        await settle(pilot)
        assert scoring_headers(pilot) == ["Dimension", "Previous target", "Now", "Median", "Level", "Evidence"]


async def test_the_last_steps_next_key_says_it_leads_to_the_closing_screen(demo) -> None:
    # On step 6 "Next" would promise a seventh question; ctrl+n opens the closing screen.
    app = demo_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, "ctrl+g", "6")
        labels = {key.key_display: key.description for key in pilot.app.screen.query_one(Footer).query(FooterKey)}
        assert labels["^n"] == "Closing"
        await go(pilot, "ctrl+g", "5")
        labels = {key.key_display: key.description for key in pilot.app.screen.query_one(Footer).query(FooterKey)}
        assert labels["^n"] == "Next"


@pytest.mark.parametrize(("key", "wanted"), [
    ("f3", {"n", "e", "m", "f", "s", "/", "esc", "^q"}),
    ("f5", {"n", "e", "v", "i", "c", "esc", "^q"}),
    ("f9", {"n", "e", "q", "esc", "^q", "f8"}),
])
async def test_the_register_kpi_and_checkpoint_footers_keep_their_keys_at_80_columns(demo, key: str,
                                                                                        wanted: set[str]) -> None:
    # Textual's own footer ran the KPI keys under the palette key ("Corrective act") and lost
    # the way back, quit and the projector at 80 columns.
    app = demo_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await go(pilot, "ctrl+g", "5", key)
        shown = footer_keys(pilot)
        assert wanted <= set(shown), shown
