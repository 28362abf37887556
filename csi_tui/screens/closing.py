"""After step 6: the gap matrix in full, a summary, and what the next cycle should focus on."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import ContentSwitcher, Static

from csi_tui.domain.cycle import next_cycle_focus, open_items, summarise
from csi_tui.domain.gap import GapRow
from csi_tui.domain.models import Workshop
from csi_tui.domain.text import for_display
from csi_tui.screens import navigation as go
from csi_tui.screens.gap_item import ask_item_for_gap
from csi_tui.screens.next_cycle_dialog import NextCycleDialog, NextCycleStart
from csi_tui.screens.workshop_screen import WorkshopScreen
from csi_tui.session.workshop_session import WorkshopSession
from csi_tui.widgets.fitted_footer import FittedFooter
from csi_tui.widgets.gap_matrix import GapMatrix
from csi_tui.widgets.plain_scrollbar import plain_scrollbars
from csi_tui.widgets.radar import Radar
from csi_tui.widgets.room_grid import RoomGrid
from csi_tui.widgets.user_text import user_content

if TYPE_CHECKING:  # the snapshot is read by the session; screens only name it
    from csi_tui.store.read_model import WorkshopSnapshot

# The footer's keys, by binding id, most important first (widgets/fitted_footer.py).
FOOTER_KEYS = ("closing.next_cycle", ("gap.item", "Item"), "closing.present", "app.quit", "app.projector", "app.help",
               "closing.radar", ("closing.grid", "Grid"),
               ("closing.back", "Step 6"), "closing.export", "closing.register", ("gap.sort", "Sort"), "closing.home")


class ClosingScreen(WorkshopScreen):
    CSS_PATH = "closing.tcss"
    AUTO_FOCUS = "#gaps"
    BINDINGS = [
        Binding("ctrl+n", "start_next_cycle", "Next cycle", id="closing.next_cycle",
                tooltip="Start the next improvement cycle, carrying this one's outputs"),
        Binding("p", "present", "Present", id="closing.present", tooltip="Full-screen view for the room"),
        Binding("r", "show_instead('radar')", "Radar", id="closing.radar",
                tooltip="Show the radar of now against target (and last cycle) in place of the gap matrix, or back"),
        Binding("g", "show_instead('room-grid')", "Room grid", id="closing.grid",
                tooltip="Show who scored what (the room at a glance) in place of the gap matrix, or back"),
        Binding("ctrl+o", "back", "Back to step 6", id="closing.back", tooltip="Back to the last question"),
        Binding("escape", "home", "Workshops", id="closing.home", tooltip="Back to the list of workshops"),
        Binding("f3", "register", "Register", id="closing.register", tooltip="The improvement register"),
        Binding("x", "export", "Export", id="closing.export",
                tooltip="Export the workshop: a report, CSV tables, JSON or a database copy"),
    ]

    def __init__(self, session: WorkshopSession, workshop_id: int) -> None:
        super().__init__(session, workshop_id)
        self._texts: dict[str, str] = {}  # what the summary and the focus show now

    def action_register(self) -> None:
        self.post_message(go.OpenRegister(self.workshop_id))

    @on(GapMatrix.ItemRequested)
    def _item_for_gap(self, request: GapMatrix.ItemRequested) -> None:
        ask_item_for_gap(self, request.row)

    def compose(self) -> ComposeResult:
        yield Static("", id="closing-title")
        with Horizontal(id="closing-body"):
            # The matrix scrolls its own rows, under its header; `r` puts the radar (now against
            # target, and last cycle) in its place, at the size a projector needs, `g` the room's grid.
            with ContentSwitcher(id="matrix-side", initial="matrix"):
                yield GapMatrix(id="matrix")
                yield Radar(id="radar")
                yield RoomGrid(id="room-grid")  # `g`: who scored what, where the room was split
            # The side the facilitator reads out: the summary, what the next cycle should focus
            # on, where the room was split. It scrolls as one.
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
        self.query_one("#closing-title", Static).update(
            user_content(f"Closing · {workshop.title} · cycle {workshop.cycle}"))
        self._draw(snapshot)

    def show_scores(self, snapshot: WorkshopSnapshot, rescored: frozenset[str]) -> None:
        self._draw(snapshot, rescored)

    def _draw(self, snapshot: WorkshopSnapshot, rescored: frozenset[str] | None = None) -> None:
        """Everything that follows from the scores; with `rescored`, the room grid draws only
        those dimensions' rows, and the matrix (sorted) only the lines that changed."""
        rows = snapshot.gap_rows()
        self.query_one(GapMatrix).show(rows)
        self.query_one(Radar).show(snapshot.dimensions, rows, snapshot.previous_rows,
                                   snapshot.scale.lowest, snapshot.scale.highest)
        self.query_one(RoomGrid).show(snapshot, rescored)
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
        self._update("#summary", "\n".join(for_display(line, keep_newlines=False) for line in lines))
        focus = next_cycle_focus(rows, snapshot.register_items, snapshot.previous_rows)
        text = ("\n".join(f"• {for_display(line, keep_newlines=False)}" for line in focus)
                or f"• {nothing_to_close(rows)}")
        self._update("#focus", text + "\n\nctrl+n starts the next cycle with all of this.")

    def _update(self, selector: str, text: str) -> None:
        # Static.update() asks for a layout pass of the whole screen: only when the text changed.
        if self._texts.get(selector) != text:
            self._texts[selector] = text
            self.query_one(selector, Static).update(user_content(text, keep_newlines=True))

    def action_show_instead(self, view: str) -> None:
        switcher = self.query_one("#matrix-side", ContentSwitcher)
        switcher.current = view if switcher.current != view else "matrix"
        if switcher.current == "matrix":
            self.query_one(GapMatrix).focus()

    def action_start_next_cycle(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return

        def chosen(start: NextCycleStart | None) -> None:
            if start is not None:
                self._start_next_cycle(start.keep_participants)

        self.app.push_screen(NextCycleDialog(snapshot.workshop, snapshot.participants,
                                             len(open_items(snapshot.register_items))), chosen)

    @work(group="next-cycle", exit_on_error=False)
    async def _start_next_cycle(self, keep_participants: bool) -> None:
        try:
            started: Workshop = await asyncio.wrap_future(
                self.session.start_next_cycle(self.workshop_id, keep_participants))
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


def nothing_to_close(rows: list[GapRow]) -> str:
    """Why there is no gap to close: every target met only when every dimension has a gap."""
    unscored = [row for row in rows if row.gap is None]
    if not rows or len(unscored) == len(rows):
        return "Nothing is scored yet: score where the room stands and set targets (steps 2 and 3)."
    if unscored:
        return f"{len(unscored)} of {len(rows)} dimensions have no current score or target yet (steps 2 and 3)."
    return "Every target is met: raise the bar, or pick new dimensions."

