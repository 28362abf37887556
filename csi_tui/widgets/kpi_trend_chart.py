"""A KPI's measurements over time, one series per cycle, with its targets as lines.

The KPI's name is not drawn inside the chart: plotext output is parsed for ANSI codes, and a
name is user text that must show literally. It goes in a title above, as plain content, through
the display rule (widgets/user_text.py)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static
from textual_plotext import PlotextPlot

from csi_tui.domain.figures import counted
from csi_tui.domain.models import Kpi, Measurement
from csi_tui.widgets.user_text import user_content

# Named colours of the terminal's 16-colour palette, so they follow the terminal's own theme.
CYCLE_COLOURS = ("cyan", "green", "magenta", "yellow", "blue")


class KpiTrendChart(Vertical):
    DEFAULT_CSS = """
    KpiTrendChart { height: 1fr; min-height: 8; }
    KpiTrendChart #chart-title { color: $text-muted; text-style: bold; height: 1; }
    KpiTrendChart PlotextPlot { height: 1fr; }
    """

    _shown: object = None  # the KPI and trend drawn last

    def compose(self) -> ComposeResult:
        yield Static("", id="chart-title")
        yield PlotextPlot(id="plot")

    def show(self, kpi: Kpi | None, trend: Sequence[tuple[int, Measurement]]) -> None:
        # The KPI list reads its trend again after every change to the file; drawing the same
        # chart again costs a plotext build of the whole figure, so only a different one is drawn.
        shown = (kpi, list(trend))
        if shown == self._shown:
            return
        self._shown = shown
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        title = self.query_one("#chart-title", Static)
        if kpi is None:
            title.update("No KPI selected. Press n to define one.")
            plot.refresh()
            return
        cycles = sorted({cycle for cycle, _ in trend})
        unit = f" ({kpi.unit})" if kpi.unit else ""
        title.update(user_content(f"Trend of {kpi.name}{unit}: {counted(len(trend), 'measurement')}"
                             + (f" over cycles {cycles[0]}-{cycles[-1]}" if len(cycles) > 1 else "")))
        plt.date_form("Y-m-d")
        for index, cycle in enumerate(cycles):
            points = [m for c, m in trend if c == cycle]
            plt.plot([m.measured_at.date().isoformat() for m in points], [m.value for m in points],
                     label=f"cycle {cycle}", marker="braille", color=CYCLE_COLOURS[index % len(CYCLE_COLOURS)])
        for target in (kpi.short_target, kpi.long_target):  # the lines the trend should reach
            if target is not None:
                plt.hline(target, "red")
        if not trend:
            plt.title("no measurements yet")
        plot.refresh()
