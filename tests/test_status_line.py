"""A status line (a title with counts, a row in full) redraws in place while it stays one line,
and still takes the lines it needs when its text grows past the width, and gives them back."""

from __future__ import annotations

from textual.app import App, ComposeResult

from csi_tui.widgets.status_line import StatusLine


class OneLine(App[None]):
    CSS = "StatusLine { width: 20; height: auto; }"

    def compose(self) -> ComposeResult:
        yield StatusLine(id="line")


async def test_a_status_line_grows_and_shrinks_with_its_text() -> None:
    app = OneLine()
    async with app.run_test(size=(40, 10)) as pilot:
        line = app.query_one(StatusLine)
        line.show("3 uncovered gaps")
        await pilot.pause()
        assert line.size.height == 1
        line.show("4 uncovered gaps")  # one line for one line: drawn in place
        await pilot.pause()
        assert str(line.render()) == "4 uncovered gaps" and line.size.height == 1
        line.show("12 uncovered gaps, 3 of 30 people shown")  # past the width: two lines
        await pilot.pause()
        assert line.size.height == 2
        line.show("2 uncovered gaps")
        await pilot.pause()
        assert line.size.height == 1
