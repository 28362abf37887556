"""The KPIs of one workshop: each baseline → latest → target with a status, the selected KPI's
trend across cycles, and the work of measuring: define (step 3), measure or import (step 5), and
a corrective action when a target is missed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from csi_tui.domain.cycle import Achievement, KpiReview
from csi_tui.domain.errors import CsiError
from csi_tui.domain.figures import figure
from csi_tui.domain.models import Kpi, Measurement
from csi_tui.domain.measurement_file import RejectedRow
from csi_tui.domain.register import corrective_item
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.import_dialog import ImportDialog
from csi_tui.screens.kpi_dialog import KpiDialog
from csi_tui.screens.measurement_dialog import MeasurementDialog
from csi_tui.screens.workshop_screen import WorkshopScreen
from csi_tui.widgets.column_fit import Column, full_line
from csi_tui.widgets.kpi_trend_chart import KpiTrendChart
from csi_tui.widgets.line_table import LineTable
from csi_tui.widgets.user_text import user_content, user_text
from csi_tui.widgets.fitted_footer import FittedFooter

if TYPE_CHECKING:  # the snapshot is read by the session; screens only name it
    from csi_tui.store.read_model import WorkshopSnapshot

# rank: what a narrowing table keeps longest. Where a KPI stands (latest against target, and
# whether that is met) outlasts where it started, how it is read and where it comes from; the
# full line below the table gives back what is left out.
COLUMNS = (
    Column("KPI", rank=0, shrink_to=24),
    Column("Unit", rank=5),
    Column("Better", rank=7),
    Column("Baseline", "Base", rank=4),
    Column("Latest", rank=1),
    Column("Target", "Tgt", rank=2),
    Column("By", rank=6),
    Column("Long-term", "Long", rank=8),
    Column("Status", rank=3),
    Column("Source", rank=9, shrink_to=10, note=True),
)
MAX_REPORTED = 5  # bad rows listed on screen; the rest are counted



def import_report(kept: int, rejected: list[RejectedRow]) -> str:
    """One line a facilitator can act on: what was kept, and each bad row by line and reason."""
    report = f"Imported {kept} measurement{'s' if kept != 1 else ''}"
    if not rejected:
        return report + "."
    shown = "; ".join(f"line {row.line}: {row.reason}" for row in rejected[:MAX_REPORTED])
    more = f"; and {len(rejected) - MAX_REPORTED} more" if len(rejected) > MAX_REPORTED else ""
    return f"{report}; skipped {len(rejected)} bad row{'s' if len(rejected) != 1 else ''}: {shown}{more}."


# The keys the footer shows, most important first: at 80 columns the last give way, never
# the way back, quit or the projector (widgets/fitted_footer.py).
FOOTER_KEYS = (("kpis.new", "New"), ("kpis.edit", "Edit"), ("kpis.measure", "Measure"), ("kpis.import", "Import"),
               ("kpis.corrective", "Corrective"), "kpis.back", "app.quit", "app.projector", "app.help")

class KpiScreen(WorkshopScreen):
    AUTO_FOCUS = "#kpis"
    CSS_PATH = "kpis.tcss"
    BINDINGS = [
        Binding("n", "new_kpi", "New KPI", id="kpis.new", tooltip="Define a KPI (step 3: what should we measure?)"),
        Binding("e", "edit_kpi", "Edit KPI", id="kpis.edit", tooltip="Edit the selected KPI (enter too)"),
        Binding("v", "add_measurement", "Add measurement", id="kpis.measure", tooltip="Enter a measurement of the selected KPI"),
        Binding("i", "import_csv", "Import CSV", id="kpis.import",
                tooltip="Import measurements of the selected KPI from a CSV file (time, value, note)"),
        Binding("c", "corrective_action", "Corrective action", id="kpis.corrective",
                tooltip="Raise a register item to correct the selected KPI's missed target"),
        # Not in the footer (full at 80 columns; a destructive key need not be on show): in the palette.
        Binding("delete", "remove_kpi", "Remove KPI", id="kpis.remove", show=False,
                tooltip="Remove the selected KPI and its measurements (asks first)"),
        Binding("escape", "back", "Back", id="kpis.back", tooltip="Back to the workshop"),
    ]

    @dataclass
    class TrendLoaded(Message):
        kpi_id: int
        trend: list[tuple[int, Measurement]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._by_key: dict[str, tuple[Kpi, KpiReview]] = {}  # each row's KPI, by the table's key
        self._line = Text("")
        self._title = user_content("")
        # Each KPI's row as last built, with the KPI and review it was built from, and the
        # theme's colours it was built with.
        self._cells: dict[str, tuple[tuple[Kpi, KpiReview], list[Text]]] = {}
        self._built_for: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("KPIs", id="kpis-title")
        yield LineTable(id="kpis")
        yield Static("", id="kpi-line", markup=False)
        yield Static("", id="import-report", markup=False)
        yield KpiTrendChart(id="trend")
        yield FittedFooter(FOOTER_KEYS)

    def show(self, snapshot: WorkshopSnapshot, first: bool = False) -> None:
        theme = self.app.current_theme
        colours = {Achievement.ACHIEVED: theme.success, Achievement.PARTLY: theme.warning,
                   Achievement.MISSED: f"bold {theme.error}"}
        # A KPI whose figures have not changed since the last load keeps its cells: a measurement
        # of one KPI of 200 builds one row, and the table draws that line alone again.
        context = tuple(str(colour) for colour in colours.values())
        earlier = self._cells if context == self._built_for else {}
        self._built_for = context
        self._cells, self._by_key, rows = {}, {}, []
        for kpi, review in zip(snapshot.kpis, snapshot.kpi_reviews, strict=True):
            key = str(kpi.id)
            known = earlier.get(key)
            cells = known[1] if known is not None and known[0] == (kpi, review) else self._kpi_cells(kpi, review, colours)
            self._cells[key] = ((kpi, review), cells)
            self._by_key[key] = (kpi, review)
            rows.append((key, cells))
        self.query_one("#kpis", LineTable).set_rows(COLUMNS, rows)
        self._show_line()
        workshop = snapshot.workshop
        title = user_content(f"KPIs · {workshop.title} · cycle {workshop.cycle} · baseline → latest → target")
        if title != self._title:  # Static.update() asks for a layout pass of the whole screen
            self._title = title
            self.query_one("#kpis-title", Static).update(title)
        self._load_trend()

    @staticmethod
    def _kpi_cells(kpi: Kpi, review: KpiReview, colours: dict[Achievement, object]) -> list[Text]:
        status = Text("no figure yet") if review.status is None else Text(
            review.status.value, style=str(colours[review.status]))
        source = kpi.source if kpi.measurable else f"not measurable yet{': ' if kpi.source else ''}{kpi.source}"
        return [
            user_text(kpi.name), user_text(kpi.unit), Text(kpi.direction.value), Text(figure(kpi.baseline)),
            Text(figure(review.latest)), Text(figure(kpi.short_target)),
            Text(kpi.short_target_on.isoformat() if kpi.short_target_on else ""),
            Text(figure(kpi.long_target)), status, user_text(source),
        ]

    def _selected(self) -> tuple[Kpi, KpiReview] | None:
        return self._by_key.get(self.query_one("#kpis", LineTable).cursor_key or "")

    def _show_line(self) -> None:
        """The selected KPI in full, below the table: what a narrow table leaves out."""
        table = self.query_one("#kpis", LineTable)
        key = table.cursor_key
        line = full_line([c.header for c in COLUMNS], table.get_row(key)) if key is not None else Text("")
        if line != self._line:  # Static.update() asks for a layout pass of the whole screen
            self._line = line
            self.query_one("#kpi-line", Static).update(line)

    # --- the chart ----------------------------------------------------------------------------

    @on(LineTable.RowHighlighted, "#kpis")
    def _highlighted(self) -> None:
        self._show_line()
        self._load_trend()

    def _load_trend(self) -> None:
        selected = self._selected()
        if selected is None:
            self.query_one(KpiTrendChart).show(None, [])
            return
        self._read_trend(selected[0].id or 0)

    @work(thread=True, exclusive=True, group="kpi-trend", exit_on_error=False)
    def _read_trend(self, kpi_id: int) -> None:
        trend = self.session.kpi_trend(self.workshop_id, kpi_id)
        self.post_message(self.TrendLoaded(kpi_id, trend))

    @on(TrendLoaded)
    def _trend_loaded(self, message: TrendLoaded) -> None:
        selected = self._selected()
        if selected is not None and selected[0].id == message.kpi_id:
            self.query_one(KpiTrendChart).show(selected[0], message.trend)

    # --- actions ------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    @on(LineTable.RowSelected, "#kpis")
    def _row_chosen(self) -> None:
        self.action_edit_kpi()

    def action_new_kpi(self) -> None:
        if self.snapshot is None:
            return

        def chosen(kpi: Kpi | None) -> None:
            if kpi is not None:
                self.write(self.session.define_kpi(self.workshop_id, kpi), f"KPI {kpi.name} defined")

        self.app.push_screen(KpiDialog(None, self.snapshot.dimensions), chosen)

    def action_edit_kpi(self) -> None:
        selected = self._selected()
        if selected is None or self.snapshot is None:
            return

        def chosen(kpi: Kpi | None) -> None:
            if kpi is not None:
                self.write(self.session.update_kpi(self.workshop_id, kpi), f"KPI {kpi.name} saved")

        self.app.push_screen(KpiDialog(selected[0], self.snapshot.dimensions), chosen)

    def action_add_measurement(self) -> None:
        selected = self._selected()
        if selected is None:
            return

        def chosen(measurement: Measurement | None) -> None:
            if measurement is not None:
                self.write(self.session.record_measurement(self.workshop_id, measurement),
                           f"Measurement of {selected[0].name} saved")

        self.app.push_screen(MeasurementDialog(selected[0], self.session.clock()), chosen)

    def action_import_csv(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        kpi = selected[0]

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.write(self.session.import_measurements(self.workshop_id, kpi.id or 0, path), self._reported)

        self.app.push_screen(ImportDialog(kpi.name), chosen)

    def _reported(self, result: tuple[int, list[RejectedRow]]) -> str:
        report = import_report(*result)
        # A bad row's reason quotes the file's own text: user text.
        self.query_one("#import-report", Static).update(user_content(report))
        return report

    def action_corrective_action(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        try:
            item = corrective_item(selected[1], self.session.clock().date(),
                                   self.snapshot.workshop.facilitator if self.snapshot else "")
        except CsiError as refused:
            self.notify(str(refused), severity="warning", markup=False)
            return
        self.write(self.session.raise_item(self.workshop_id, item),
                   lambda added: f"Register item #{added.number} raised: {added.description}")


    @work(group="kpi-remove", exclusive=True, exit_on_error=False)
    async def action_remove_kpi(self) -> None:
        """Ask first, saying how many measurements go with the KPI."""
        selected = self._selected()
        if selected is None or selected[0].id is None:
            return
        kpi, kpi_id = selected[0], selected[0].id
        count = await asyncio.to_thread(self.session.measurement_count, self.workshop_id, kpi_id)
        question = f"Remove the KPI {kpi.name}" + (
            f" and its {count} measurement{'s' if count != 1 else ''}?" if count else "? It has no measurements.")
        if await self.app.push_screen_wait(ConfirmScreen(question, "This cannot be undone.", yes="Remove")):
            self.write(self.session.remove_kpi(self.workshop_id, kpi_id), f"KPI {kpi.name} removed")
