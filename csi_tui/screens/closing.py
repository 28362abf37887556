"""After step 6: the gap matrix in full, a summary, and what the next cycle should focus on."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from csi_tui.domain.cycle import next_cycle_focus, summarise
from csi_tui.domain.models import Workshop
from csi_tui.domain.register import item_for_gap
from csi_tui.domain.text import for_display
from csi_tui.screens import navigation as go
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.step import raised
from csi_tui.screens.workshop_screen import WorkshopScreen
from csi_tui.widgets.fitted_footer import FittedFooter
from csi_tui.widgets.gap_matrix import GapMatrix
from csi_tui.widgets.plain_scrollbar import plain_scrollbars
from csi_tui.widgets.user_text import user_content

if TYPE_CHECKING:  # the snapshot is read by the session; screens only name it
    from csi_tui.store.read_model import WorkshopSnapshot

# The footer's keys, by binding id, most important first (widgets/fitted_footer.py).
FOOTER_KEYS = ("app.help", "closing.next_cycle", "gap.item", "closing.present", "app.quit", "app.projector",
               "closing.back", "closing.export", "closing.register", "gap.sort", "closing.home")


class ClosingScreen(WorkshopScreen):
    CSS_PATH = "closing.tcss"
    AUTO_FOCUS = "#gaps"
    BINDINGS = [
        Binding("ctrl+n", "start_next_cycle", "Next cycle", id="closing.next_cycle",
                tooltip="Start the next improvement cycle, carrying this one's outputs"),
        Binding("p", "present", "Present", id="closing.present", tooltip="Full-screen view for the room"),
        Binding("ctrl+o", "back", "Step 6", id="closing.back", tooltip="Back to the last question"),
        Binding("escape", "home", "List", id="closing.home", tooltip="Back to the list of workshops"),
        Binding("f3", "register", "Register", id="closing.register", tooltip="The improvement register"),
        Binding("x", "export", "Export", id="closing.export",
                tooltip="Export the workshop: a report, CSV tables, JSON or a database copy"),
    ]

    def action_register(self) -> None:
        self.post_message(go.OpenRegister(self.workshop_id))

    @on(GapMatrix.ItemRequested)
    def _item_for_gap(self, request: GapMatrix.ItemRequested) -> None:
        item = item_for_gap(request.row, self.session.clock().date())
        self.write(self.session.raise_item(self.workshop_id, item), raised)

    def compose(self) -> ComposeResult:
        yield Static("", id="closing-title")
        with Horizontal(id="closing-body"):
            with Vertical(id="matrix-side"):  # the matrix scrolls its own rows, under its header
                yield GapMatrix(id="matrix")
            with VerticalScroll(id="prompt-side"):
                yield Static("Summary", classes="heading")
                yield Static("", id="summary")
                yield Static("Next cycle: focus on", classes="heading")
                yield Static("", id="focus")
        yield FittedFooter(FOOTER_KEYS)

    def on_mount(self) -> None:
        plain_scrollbars(self.query_one("#prompt-side"))

    def show(self, snapshot: WorkshopSnapshot, first: bool) -> None:
        workshop = snapshot.workshop
        rows = snapshot.gap_rows()
        self.query_one("#closing-title", Static).update(
            user_content(f"Closing · {workshop.title} · cycle {workshop.cycle}"))
        self.query_one(GapMatrix).show(rows)
        summary = summarise(rows, snapshot.register_items, snapshot.kpi_reviews)
        # Each line names dimensions, KPIs or items: user text, one line each, then joined.
        lines = [f"{summary.at_target} of {summary.dimensions} dimensions at target"]
        if summary.biggest_gaps:
            lines.append("Biggest gaps: " + ", ".join(f"{r.name} ({r.gap:g})" for r in summary.biggest_gaps))
        lines.append(f"Uncovered gaps: {len(summary.uncovered)}"
                     + (" (" + ", ".join(r.name for r in summary.uncovered) + ")" if summary.uncovered else ""))
        lines.append(f"Register items opened: {summary.items_opened}")
        lines.append(f"KPIs with no measurement: {len(summary.kpis_unmeasured)}"
                     + (" (" + ", ".join(summary.kpis_unmeasured) + ")" if summary.kpis_unmeasured else ""))
        self.query_one("#summary", Static).update(
            user_content("\n".join(for_display(line, keep_newlines=False) for line in lines), keep_newlines=True))
        focus = next_cycle_focus(rows, snapshot.register_items, snapshot.previous_rows)
        text = ("\n".join(f"• {for_display(line, keep_newlines=False)}" for line in focus)
                or "• Every target is met: raise the bar, or pick new dimensions.")
        self.query_one("#focus", Static).update(
            user_content(text + "\n\nctrl+n starts the next cycle with all of this.", keep_newlines=True))

    def action_start_next_cycle(self) -> None:
        if self.snapshot is None:
            return
        workshop = self.snapshot.workshop

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._start_next_cycle()

        self.app.push_screen(ConfirmScreen(
            f"Start cycle {workshop.cycle + 1} of “{workshop.title}”?",
            "The vision, dimensions and weights, open register items and KPIs carry over; "
            "this cycle's targets become the ones to check in step 5.", yes="Start"), confirmed)

    @work(group="next-cycle", exit_on_error=False)
    async def _start_next_cycle(self) -> None:
        try:
            started: Workshop = await asyncio.wrap_future(self.session.start_next_cycle(self.workshop_id))
        except Exception:
            return  # told by the app
        self.post_message(go.OpenStep(started.id, 1))

    def action_present(self) -> None:
        if self.snapshot is not None:
            self.post_message(go.OpenPresent(self.snapshot))

    def action_export(self) -> None:
        if self.snapshot is not None:
            self.post_message(go.AskExport(self.snapshot.workshop))

    def action_back(self) -> None:
        self.post_message(go.OpenStep(self.workshop_id, 6))

    def action_home(self) -> None:
        self.post_message(go.OpenHome())
