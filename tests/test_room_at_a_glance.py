"""The room at a glance (issue 14): who scored what on steps 2-3 and the closing screen, the
participants' median beside the room's consensus, the radar of now against target, and present
mode paging through every row with a picture that has no window drawn around it.

Widgets are found by their names, not imported, so each test fails on a main without them by
what a facilitator would miss, not by an import error."""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual.widgets import Select, Static

from csi_tui.widgets.line_table import LineTable
from csi_tui.domain.models import Participant, Score, ScoreKind
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop, fixed_clock
from tests.helpers.ui import settle, test_app
from tests.test_snapshots import seed, seed_room

def cells(table: LineTable, key: str) -> list[str]:
    return [Text.from_markup(c).plain if isinstance(c, str) else c.plain for c in table.get_row(key)]


def headers(table: LineTable) -> list[str]:
    return table.shown_headers


async def test_the_room_grid_shows_everyones_level_business_then_it_and_marks_wide_spreads(db_path: Path) -> None:
    seed_room(db_path)
    app = test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for keys, screen_name in ((("enter", "ctrl+g", "2"), "StepScreen"), (("ctrl+n",), "StepScreen"),
                                  (("ctrl+g", "6", "ctrl+n", "g"), "ClosingScreen")):
            await pilot.press(*keys)
            await settle(pilot)
            assert type(app.screen).__name__ == screen_name
            grids = app.screen.query("RoomGrid")
            assert len(grids) == 1, f"no room grid on {screen_name}"
            table = grids.first().query_one(LineTable)
            # Business on the left, IT on the right, a bar between.
            assert headers(table) == ["Dimension", "Median", "Spread", "Room", "Bea", "Cleo", "│", "Ivo", "Dan"]
        # The closing screen shows the current levels: each person's, coloured by level.
        organizations = cells(table, "organizations-people")
        assert organizations[1:4] == ["2", "2 ◆", "2"]
        assert organizations[4:] == ["1", "2", "│", "3", "2"]
        assert organizations[0].startswith("◆")  # a spread of two levels or more is marked
        name = cells(table, "information-technology")[0].strip()  # narrowed to let every person show
        assert name.startswith("Information") and name.endswith("…")
        assert cells(table, "information-technology")[2] == "1"
        assert cells(table, "partners-suppliers")[1:4] == ["1.5", "3 ◆", "1 ≠"]
        # Coloured by level on the scale of 1-5: low, middle, high.
        theme = app.current_theme
        partners, organizations_row = table.get_row("partners-suppliers"), table.get_row("organizations-people")
        assert str(theme.error) in str(partners[4].style)  # Bea's 1
        assert str(theme.warning) in str(organizations_row[7].style)  # Ivo's 3
        assert str(theme.success) in str(partners[7].style)  # Ivo's 4


async def test_on_a_narrow_terminal_the_grid_draws_whole_columns_and_says_who_is_left_out(db_path: Path) -> None:
    seed_room(db_path)
    app = test_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "ctrl+g", "2")
        await settle(pilot)
        grid = app.screen.query_one("RoomGrid")
        table = grid.query_one(LineTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no column half off the edge
        shown = [h for h in headers(table)[4:] if h != "│"]
        assert headers(table)[-1] != "│"  # no bar between business and IT with nobody after it
        assert 0 < len(shown) < 4
        assert f"{len(shown)} of 4 people shown" in str(grid.query_one("#room-title").render())


async def test_the_consensus_column_shows_the_participants_median_and_marks_a_consensus_that_differs(
        db_path: Path) -> None:
    seed_room(db_path)
    app = test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "ctrl+g", "2")
        await settle(pilot)
        table = app.screen.query_one("#scores", LineTable)  # scoring as the room's consensus
        assert headers(table)[:3] == ["Dimension", "Now", "Median"]
        assert cells(table, "organizations-people")[1:3] == ["2", "2"]
        # The room entered 1; the participants' median is 1.5: the entered figure overrides it.
        assert cells(table, "partners-suppliers")[1:3] == ["1 ≠", "1.5"]
        # No consensus entered: the matrix uses the median, and the table says what it is.
        assert cells(table, "value-streams-processes")[1:3] == ["–", "–"]
        # The spread of the participants' scores, in the grid below and the gap matrix: not 0.
        grid = app.screen.query_one("RoomGrid").query_one(LineTable)
        assert cells(grid, "partners-suppliers")[2] == "3 ◆"
        assert [row.spread for row in app.screen.snapshot.gap_rows() if row.key == "partners-suppliers"] == [3]
        # A perspective's consensus stands beside its own side's median: business are Bea 1, Cleo 2.
        app.screen.query_one("#voice", Select).value = "-/business"  # the voice "Business consensus"
        await settle(pilot)
        assert cells(table, "partners-suppliers")[1:3] == ["–", "1.5"]
        assert cells(table, "information-technology")[1:3] == ["–", "3"]


async def test_the_closing_screen_and_present_mode_draw_a_radar_of_now_target_and_last_cycle(
        db_path: Path) -> None:
    seed_room(db_path)
    with open_store(db_path, clock=fixed_clock) as store:
        first = max(w.id for w in store.workshops())
        second = store.start_next_cycle(first).id
        for key, now in (("organizations-people", 3), ("information-technology", 4), ("partners-suppliers", 2)):
            store.save_score(second, Score(dimension_key=key, kind=ScoreKind.CURRENT, value=now))
            store.save_score(second, Score(dimension_key=key, kind=ScoreKind.TARGET, value=5))
    app = test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.show_closing(second)
        await settle(pilot)
        radars = app.screen.query("Radar")
        assert len(radars) == 1, "no radar on the closing screen"
        await pilot.press("r")  # in place of the gap matrix
        await settle(pilot)
        drawn = radars.first().render().plain
        lines = drawn.splitlines()
        # A spoke per dimension, labelled by the first word of its name.
        for label in ("Organizations", "Information", "Partners", "Value"):
            assert label in drawn
        assert any(re.search("[\u2801-\u28ff]", line) for line in lines)  # drawn in braille dots
        assert "now" in lines[-1] and "target" in lines[-1] and "last cycle" in lines[-1]  # the legend
        await pilot.press("p")
        await settle(pilot)
        assert type(app.screen).__name__ == "PresentScreen"
        await pilot.press("pagedown")  # four gap bars fit on one page; the radar is the next
        await settle(pilot)
        radar = app.screen.query_one("Radar")
        assert radar.display and radar.region.height >= 20  # most of the screen, for the back row
        assert "last cycle" in radar.render().plain
        assert "page 2 of 2" in str(app.screen.query_one("#legend", Static).render())


def seed_practices(db_path: Path) -> int:
    """34 dimensions, as in the demo: more than any terminal shows as bars at once."""
    with open_store(db_path, clock=fixed_clock) as store:
        workshop_id = create_workshop(store, template="itil4-practices", title="All practices")
        for position, dimension in enumerate(store.dimensions(workshop_id)):
            store.save_score(workshop_id, Score(dimension_key=dimension.key, kind=ScoreKind.CURRENT,
                                                value=1 + position % 4))
            store.save_score(workshop_id, Score(dimension_key=dimension.key, kind=ScoreKind.TARGET, value=5))
        return workshop_id


async def test_present_mode_pages_through_every_row(db_path: Path, tmp_path: Path) -> None:
    workshop_id = seed_practices(db_path)
    app = test_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.show_closing(workshop_id)
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        names = [row.name for row in screen.snapshot.gap_rows()]
        assert len(names) == 34
        seen: list[str] = []
        legends = []
        for _ in range(20):
            legend = str(screen.query_one("#legend", Static).render())
            page = re.search(r"page \d+ of \d+", legend)
            assert page, f"no page count in the legend: {legend}"
            legends.append(page.group(0))
            seen += [bar.row.name for bar in screen.query("GapBar")
                     if bar.display and bar.region.height and bar.region.bottom <= screen.region.bottom - 1]
            if legends[-1].split()[1] == legends[-1].split()[3]:
                break
            await pilot.press("pagedown")
            await settle(pilot)
        # Every row once, in rank order, on pages that each fit the screen, then the radar.
        assert seen == sorted(names, key=lambda n: next(r.rank for r in screen.snapshot.gap_rows() if r.name == n))
        pages = len(legends)
        assert legends == [f"page {n} of {pages}" for n in range(1, pages + 1)]
        assert screen.query_one("Radar").display
        await pilot.press("pageup")
        await settle(pilot)
        assert f"page {pages - 1} of {pages}" in str(screen.query_one("#legend", Static).render())


async def test_the_saved_picture_has_no_window_around_it(db_path: Path, tmp_path: Path) -> None:
    from csi_tui.app import make_app

    seed(db_path)
    pictures = tmp_path / "pictures"
    open_store(db_path).close()
    app = make_app(db_path, keymap={}, cursor_blink=False, pictures_dir=pictures)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "ctrl+g", "6", "ctrl+n", "p")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
    (picture,) = pictures.glob("*.svg")
    svg = picture.read_text()
    assert "Organizations" in svg
    assert "<circle" not in svg  # the window's three buttons
    assert 'rx="8"' not in svg  # the window's rounded frame
    assert "Service desk CSI [spring]</text>" not in svg.split("<g", 1)[0]  # no window title above
    assert "https://" not in svg.replace("http://www.w3.org/2000/svg", "")  # no font from the web
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())  # type: ignore[union-attr]
    assert width < 100 * 12.3 and height < 31 * 24.5  # the terminal's cells, no margin around them


def test_a_perspectives_median_and_spread_are_of_its_own_side_only() -> None:
    from csi_tui.domain.models import Dimension, Perspective, ScoreRow
    from csi_tui.domain.room import room_rows
    from csi_tui.domain.voice import Voice

    dimensions = [Dimension(key="a", name="A")]
    scores = [ScoreRow("a", ScoreKind.CURRENT, 1, Perspective.BUSINESS, 1, ""),
              ScoreRow("a", ScoreKind.CURRENT, 2, Perspective.BUSINESS, 2, ""),
              ScoreRow("a", ScoreKind.CURRENT, 5, Perspective.IT, 3, ""),
              ScoreRow("a", ScoreKind.CURRENT, 2, Perspective.BUSINESS, None, ""),  # business consensus
              ScoreRow("a", ScoreKind.TARGET, 5, Perspective.BUSINESS, 1, "")]
    (room,) = room_rows(dimensions, scores, ScoreKind.CURRENT)
    assert (room.median, room.spread, room.consensus, room.wide, room.differs) == (2.0, 4, None, True, False)
    (business,) = room_rows(dimensions, scores, ScoreKind.CURRENT, Voice(None, Perspective.BUSINESS, "Business"))
    assert (business.median, business.spread, business.consensus, business.differs) == (1.5, 1, 2, True)


def test_participants_names_in_the_grid_are_shown_as_typed_and_told_apart() -> None:
    from csi_tui.widgets.room_grid import short_names

    people = [Participant(id=n, name=name, perspective="it") for n, name in
              enumerate(["[bold]Zoe", "Ann\x1b[2J", "Annabel", "Annette"], start=1)]
    assert short_names(people) == ["[bold", "Ann", "Annab", "Annet"]  # the escape sequence goes whole
    assert short_names([Participant(id=1, name="Ann", perspective="it"),
                        Participant(id=2, name="Ann", perspective="business")]) == ["Ann", "Ann2"]
