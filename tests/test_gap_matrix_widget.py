"""The gap matrix colours met, small and large gaps from the theme, marks uncovered gaps, and
sorts another way on a key."""

from __future__ import annotations

from textual.app import App, ComposeResult

from csi_tui.app import PROJECTOR_THEME
from csi_tui.domain.gap import gap_matrix
from csi_tui.domain.models import Dimension, Score, ScoreKind
from csi_tui.widgets.gap_matrix import GapMatrix
from csi_tui.widgets.line_table import LineTable

# met (gap 0), small (gap 1), large (gap 3, uncovered)
LEVELS = {"met": (3, 3), "small": (2, 3), "large": (1, 4)}


class MatrixApp(App[None]):
    def compose(self) -> ComposeResult:
        yield GapMatrix()

    def on_mount(self) -> None:
        self.register_theme(PROJECTOR_THEME)


def rows():
    dimensions = [Dimension(key=k, name=k.title(), weight=1, position=i) for i, k in enumerate(LEVELS)]
    scores = [Score(dimension_key=k, kind=kind, value=v)
              for k, (now, target) in LEVELS.items() for kind, v in ((ScoreKind.CURRENT, now), (ScoreKind.TARGET, target))]
    return gap_matrix(dimensions, scores, {"small": ["#1"], "met": ["#2"]})


def gap_styles(table: LineTable) -> dict[str, str]:
    return {table.cell_text(i, 0): str(table.rows[i][3].style) for i in range(table.row_count)}


async def test_gap_colours_come_from_the_theme_and_follow_it() -> None:
    app = MatrixApp()
    async with app.run_test(size=(120, 20)) as pilot:
        app.query_one(GapMatrix).show(rows())
        for theme in ("textual-dark", "projector"):
            app.theme = theme  # the matrix follows on its own; nothing is shown again
            await pilot.pause()
            colours = app.current_theme
            styles = gap_styles(app.query_one(LineTable))
            assert styles == {"Met": str(colours.success), "Small": str(colours.warning),
                              "Large": f"bold {colours.error}"}, theme
        table = app.query_one(LineTable)
        covered = {table.cell_text(i, 0): table.cell_text(i, 8) for i in range(table.row_count)}
        assert covered == {"Met": "#2", "Small": "#1", "Large": "✗ uncovered"}


async def test_s_sorts_the_matrix_another_way() -> None:
    app = MatrixApp()
    async with app.run_test(size=(120, 20)) as pilot:
        app.query_one(GapMatrix).show(rows())
        table = app.query_one(LineTable)
        assert [table.cell_text(i, 0) for i in range(3)] == ["Large", "Small", "Met"]  # weighted gap
        table.focus()
        await pilot.press("s", "s")  # gap, then dimension name
        assert [table.cell_text(i, 0) for i in range(3)] == ["Large", "Met", "Small"]
