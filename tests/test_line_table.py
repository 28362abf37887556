"""The line table draws a row's line once and keeps it by the row's key: a search or a sort that
moves rows about draws nothing again, a changed row is drawn again, and the cursor keeps its row."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from csi_tui.widgets.column_fit import Column
from csi_tui.widgets.line_table import LineTable

COLUMNS = (Column("#"), Column("Description"))
ROWS = [(str(n), [Text(f"#{n}"), Text(f"Item {n}")]) for n in range(10)]


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LineTable()


async def test_a_filter_and_a_sort_draw_no_line_again_and_a_changed_row_is_drawn_again(monkeypatch) -> None:
    drawn: list[str] = []
    render_cells = LineTable._render_cells

    def counting(self: LineTable, cells):  # type: ignore[no-untyped-def]
        if cells and cells[0].plain != "#":  # a row, not the header
            drawn.append(cells[0].plain)
        return render_cells(self, cells)

    monkeypatch.setattr(LineTable, "_render_cells", counting)
    async with TableApp().run_test(size=(40, 20)) as pilot:
        table = pilot.app.query_one(LineTable)
        natural = [3, 7]  # measured once over every row, as a screen that filters does
        table.set_rows(COLUMNS, ROWS, natural=natural)
        table.move_cursor(row=4)
        await pilot.pause()
        assert set(drawn) == {f"#{n}" for n in range(10)}
        drawn.clear()
        table.set_rows(COLUMNS, ROWS[::2], natural=natural)  # a search keeps the even rows
        await pilot.pause()
        table.set_rows(COLUMNS, ROWS[::-1], natural=natural)  # a sort turns them round
        await pilot.pause()
        assert drawn == []
        assert table.cursor_key == "4"
        changed = [(key, [cells[0], Text("Item 7, now closed")] if key == "7" else cells) for key, cells in ROWS]
        table.set_rows(COLUMNS, changed, natural=natural)
        await pilot.pause()
        assert drawn == ["#7"]
        assert table.cursor_key == "4"


class FillingTableApp(App[None]):
    """A table that fills its screen, as the register's does: a search changes its rows, not its height."""

    CSS = "LineTable { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield LineTable()


async def test_a_search_that_leaves_few_rows_shows_them_from_the_top_without_a_scrollbar() -> None:
    many = [(str(n), [Text(f"#{n}"), Text(f"Item {n}")]) for n in range(100)]
    async with FillingTableApp().run_test(size=(40, 12)) as pilot:
        table = pilot.app.query_one(LineTable)
        table.set_rows(COLUMNS, many, natural=[3, 8])
        await pilot.pause()
        table.action_cursor_to(-1)  # the last row: the table scrolls to it
        await pilot.pause()
        assert table.scroll_offset.y > 0 and table.show_vertical_scrollbar

        table.set_rows(COLUMNS, many[95:], natural=[3, 8])  # a search leaves five rows
        await pilot.pause()
        assert table.scroll_offset.y == 0
        assert not table.show_vertical_scrollbar
        assert [table.render_line(y).text.split()[0] for y in range(1, 6)] == ["#95", "#96", "#97", "#98", "#99"]
        assert table.cursor_key == "99"

        table.set_rows(COLUMNS, many, natural=[3, 8])  # the search erased: every row again
        await pilot.pause()
        assert table.show_vertical_scrollbar
        assert table.max_scroll_y == 101 - table.scrollable_content_region.height
        assert table.cursor_key == "99"


async def test_rows_handed_as_parallel_lists_keep_the_cursor_and_stay_the_callers() -> None:
    """A screen that keeps its keys and cells as parallel lists per sort and filter (the register)
    hands them over as they are; the table never changes them, even when one row changes."""
    keys = [key for key, _ in ROWS]
    cells = [row for _, row in ROWS]
    async with TableApp().run_test(size=(40, 20)) as pilot:
        table = pilot.app.query_one(LineTable)
        natural = [3, 7]
        table.show_rows(COLUMNS, keys, cells, natural=natural)
        table.move_cursor(row=4)
        await pilot.pause()
        table.show_rows(COLUMNS, keys[::2], cells[::2], natural=natural)  # a search keeps the even rows
        await pilot.pause()
        assert table.cursor_key == "4" and table.row_index("8") == 4
        table.show_rows(COLUMNS, keys, cells, natural=natural)  # the search erased: the same lists again
        await pilot.pause()
        assert table.cursor_key == "4" and table.row_index("8") == 8

        original = cells[7]
        assert table.update_row("7", [Text("#7"), Text("Item 7, now closed")])
        assert table.get_row("7")[1].plain == "Item 7, now closed"
        assert cells[7] is original and cells[7][1].plain == "Item 7"  # the caller's list is untouched
        assert keys == [str(n) for n in range(10)]


async def test_moving_the_cursor_draws_the_two_lines_it_leaves_and_reaches_not_the_table(monkeypatch) -> None:
    # A table of thousands (the register, the workshop list) redrew every line in view on each
    # arrow key: the cursor's reactive repainted the whole table on top of its own two lines.
    async with TableApp().run_test(size=(40, 20)) as pilot:
        table = pilot.app.query_one(LineTable)
        table.set_rows(COLUMNS, ROWS)
        table.focus()
        await pilot.pause()
        drawn: list[int] = []
        render_line = LineTable.render_line

        def counting(self: LineTable, y: int):  # type: ignore[no-untyped-def]
            drawn.append(y)
            return render_line(self, y)

        monkeypatch.setattr(LineTable, "render_line", counting)
        await pilot.press("down")
        await pilot.pause()
        assert table.cursor_row == 1
        assert sorted(set(drawn)) == [1, 2]  # the first row's line and the second's (0: the header)


async def test_a_sort_draws_the_rows_again_but_not_the_scrollbar(monkeypatch) -> None:
    # The register sorted at 2,000 items drew its scrollbar (34 lines) again on every `s`, though
    # a sort keeps as many rows and the thumb where it was.
    from textual.scrollbar import ScrollBar

    rows = [(str(n), [Text(f"#{n}"), Text(f"Item {n}")]) for n in range(200)]
    async with FillingTableApp().run_test(size=(40, 20)) as pilot:
        table = pilot.app.query_one(LineTable)
        table.set_rows(COLUMNS, rows, natural=[4, 8])
        await pilot.pause()
        assert table.show_vertical_scrollbar
        bars: list[int] = []
        render = ScrollBar.render

        def counting(self: ScrollBar):  # type: ignore[no-untyped-def]
            bars.append(1)
            return render(self)

        monkeypatch.setattr(ScrollBar, "render", counting)
        # A sort that keeps the cursor's row (the first) where it is: nothing scrolls.
        table.set_rows(COLUMNS, rows[:1] + rows[:0:-1], natural=[4, 8])
        await pilot.pause()
        assert [table.render_line(y).text.split()[0] for y in (1, 2)] == ["#0", "#199"] and bars == []
        table.set_rows(COLUMNS, rows[::2], natural=[4, 8])  # a search: fewer rows, a longer thumb
        await pilot.pause()
        assert bars
