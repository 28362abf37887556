"""Step 5 from the second cycle on: the previous cycle's targets against today, per dimension and
per KPI: achieved, partly (moved the right way), or missed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from csi_tui.domain.figures import figure
from csi_tui.domain.vocabulary import Achievement
from csi_tui.widgets.column_fit import Column
from csi_tui.widgets.line_table import LineTable
from csi_tui.widgets.user_text import user_text

if TYPE_CHECKING:  # the step screen paints before the models load (docs/performance.md)
    from csi_tui.domain.cycle import DimensionReview, KpiReview
    from csi_tui.domain.gap import GapRow

# Line tables, as every other list (docs/architecture.md): with DataTables here, `csi-tui open` on
# the demo's step 5 peaked 1.7 MB higher (59.5 MB against 57.8), enough to miss the memory goal.
# rank: what a narrowing table keeps longest; the verdict is what the review asks of each row.
DIMENSION_COLUMNS = (
    Column("Dimension", rank=0, shrink_to=14),
    Column("Then", rank=4),
    Column("Previous target", "Prev. target", rank=3),
    Column("Now", rank=2),
    Column("Result", rank=1),
)
KPI_COLUMNS = (
    Column("KPI", rank=0, shrink_to=12),
    Column("Unit", rank=5),
    Column("Baseline", "Base", rank=4),
    Column("Target", rank=3),
    Column("Latest", rank=2),
    Column("Result", rank=1),
)


class CycleReview(Vertical):
    DEFAULT_CSS = """
    CycleReview { height: auto; margin-bottom: 1; }
    CycleReview .review-title { text-style: bold; color: $text-muted; margin-top: 1; }
    CycleReview LineTable { height: auto; }
    """
    BINDINGS = [
        Binding("c", "corrective_action", "Corrective action", id="review.corrective",
                tooltip="Raise a register item to correct the selected missed target"),
    ]

    @dataclass
    class CorrectiveRequested(Message):
        review: DimensionReview | KpiReview

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.dimension_reviews: list[DimensionReview] = []
        self.kpi_reviews: list[KpiReview] = []

    def action_corrective_action(self) -> None:
        table = self.screen.focused
        if not isinstance(table, LineTable) or not table.row_count:
            return
        reviews = self.dimension_reviews if table.id == "dimension-review" else self.kpi_reviews
        if table.cursor_row < len(reviews):
            self.post_message(self.CorrectiveRequested(reviews[table.cursor_row]))

    def compose(self) -> ComposeResult:
        yield Static("Did we get there? Last cycle's targets against today", classes="review-title")
        yield LineTable(id="dimension-review")
        yield Static("KPIs against their targets", classes="review-title")
        yield LineTable(id="kpi-review")

    def _verdict(self, status: Achievement | None) -> Text:
        theme = self.app.current_theme
        colour = {Achievement.ACHIEVED: theme.success, Achievement.PARTLY: theme.warning,
                  Achievement.MISSED: f"bold {theme.error}"}
        return Text("no figure yet") if status is None else Text(status.value, style=str(colour[status]))

    def show(self, previous: list[GapRow], current: list[GapRow], kpis: list[KpiReview]) -> None:
        from csi_tui.domain.cycle import review_dimensions

        self.dimension_reviews, self.kpi_reviews = review_dimensions(previous, current), kpis
        rows = [
            (r.key, [user_text(r.name), Text(figure(r.previous_current)), Text(figure(r.previous_target)),
                     Text(figure(r.now)), self._verdict(r.status)])
            for r in self.dimension_reviews
        ]
        self.query_one("#dimension-review", LineTable).set_rows(DIMENSION_COLUMNS, rows)
        kpi_rows = [
            (str(i), [user_text(k.name), user_text(k.unit), Text(figure(k.baseline)), Text(figure(k.target)),
                      Text(figure(k.latest)), self._verdict(k.status)])
            for i, k in enumerate(kpis)
        ]
        self.query_one("#kpi-review", LineTable).set_rows(KPI_COLUMNS, kpi_rows)
