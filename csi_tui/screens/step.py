"""One CSI question: its fields, the facilitator's prompts, and in steps 2 and 3 the maturity
scores. Every edit is saved on its own, debounced, on the writer thread; typing never waits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, TextArea

from csi_tui.domain.errors import CsiError
from csi_tui.domain.steps import step as step_of
from csi_tui.domain.timebox import Timebox
from csi_tui.domain.vocabulary import ScoreKind
from csi_tui.domain.voice import Voice
from csi_tui.screens import navigation as go
from csi_tui.screens.go_to_step import GoToStepScreen
from csi_tui.screens.in_sight import in_sight
from csi_tui.screens.timebox_dialog import TimeboxDialog
from csi_tui.screens.workshop_screen import WorkshopScreen
from csi_tui.session.workshop_session import SaveState, WorkshopSession
from csi_tui.widgets.cycle_review import CycleReview
from csi_tui.widgets.fitted_footer import FittedFooter
from csi_tui.widgets.gap_matrix import GapMatrix
from csi_tui.widgets.line_table import LineTable
from csi_tui.widgets.guidance_panel import GuidancePanel
from csi_tui.widgets.plain_scrollbar import plain_scrollbars
from csi_tui.widgets.room_grid import RoomGrid
from csi_tui.widgets.safe_text_area import SafeTextArea
from csi_tui.widgets.save_indicator import SaveIndicator
from csi_tui.widgets.scoring_panel import ScoringPanel
from csi_tui.widgets.step_header import StepHeader
from csi_tui.widgets.step_timer import StepTimer

# Annotations only: this screen paints its question and prompts before pydantic is imported;
# the dialogs that need the models load on first use (docs/performance.md).
if TYPE_CHECKING:
    from csi_tui.domain.models import RegisterItem
    from csi_tui.screens.score_dialog import ScoreEdit
    from csi_tui.store.read_model import WorkshopSnapshot

SCORED_STEPS = {2: ScoreKind.CURRENT, 3: ScoreKind.TARGET}
GAP_PANEL_STEPS = {2, 3, 4}

# The footer's keys, by binding id, most important first, with a short label where the
# binding's name is long; it shows those that fit the width (widgets/fitted_footer.py). Moving
# between steps, quit, the projector and help lead on every step (at 80 columns too), then what
# this step's question needs; the rest follow in a fixed order, shown when there is room.
_LEAD = (("step.next", "Next"), ("step.previous", "Back"), "app.quit", "app.projector", "app.help")
_STEP_KEYS: dict[int, tuple[str | tuple[str, str], ...]] = {
    1: ("step.guidance",),
    2: (("step.participants", "People"), ("step.gaps", "Gaps"), ("step.room", "Room"), ("gap.sort", "Sort")),
    3: ("step.kpis", ("step.gaps", "Gaps"), ("step.room", "Room"), ("gap.sort", "Sort")),
    4: ("step.register", ("step.gaps", "Gaps"), ("gap.item", "Item")),
    5: (("step.checkpoints", "Checks"), "step.kpis", ("review.corrective", "Corrective")),
    6: ("step.register",),
}
_REST = (("step.goto", "Go to"), "timer.toggle", "step.home", "step.guidance", "step.register", "step.kpis",
         ("step.checkpoints", "Checks"), ("step.participants", "People"), ("step.room", "Room"), ("step.gaps", "Gaps"),
         ("gap.sort", "Sort"),
         ("gap.item", "Item"), ("timer.add", "+5 min"), "timer.timebox")


def _id(key: str | tuple[str, str]) -> str:
    return key if isinstance(key, str) else key[0]


def footer_keys(step: int) -> tuple[str | tuple[str, str], ...]:
    """The keys step `step`'s footer shows, in the order they give way to a narrow terminal."""
    lead = list(_LEAD)
    if step == 6:  # the last question: "next" is the closing screen (gap matrix, next cycle)
        lead[0] = ("step.next", "Closing")
    own = list(_STEP_KEYS[step])
    if step in (2, 3):
        # The scoring steps' own keys (people, gaps, the room the phones join) before help, which
        # `?` and the palette also reach: at 80 columns the room's key would not fit after it.
        lead.remove("app.help")
        own.insert(own.index(("step.room", "Room")) + 1, "app.help")
    keys = [*lead, *own]
    named = {_id(key) for key in keys}
    return tuple(keys + [key for key in _REST if _id(key) not in named])


class StepScreen(WorkshopScreen):
    CSS_PATH = "step.tcss"
    BINDINGS = [
        Binding("ctrl+n", "next_step", "Next step", id="step.next", tooltip="Go to the next question"),
        Binding("ctrl+o", "previous_step", "Previous step", id="step.previous", tooltip="Go back one question"),
        Binding("ctrl+g", "go_to_step", "Go to step", id="step.goto", tooltip="Jump to any of the six questions"),
        Binding("ctrl+r", "participants", "Participants", id="step.participants",
                tooltip="Add or remove participants"),
        # ctrl+f: free in text fields and terminals alike (ctrl+s, ctrl+b and the F keys around
        # f8 are taken); steps 2 and 3 only.
        Binding("ctrl+f", "open_room", "Open the room", id="step.room",
                tooltip="Phones join by QR code and score this step blind; you reveal (steps 2 and 3)"),
        Binding("ctrl+t", "toggle_timer", "Timer", id="timer.toggle", tooltip="Start or pause the countdown"),
        Binding("f1", "toggle_guidance", "Guidance", id="step.guidance",
                tooltip="Show or hide the facilitator's prompts (hide them while presenting)"),
        Binding("f2", "toggle_gaps", "Gap matrix", id="step.gaps", tooltip="Show or hide the live gap matrix (steps 2-4)"),
        Binding("escape", "home", "Workshops", id="step.home", tooltip="Back to the list of workshops"),
        Binding("f3", "register", "Register", id="step.register",
                tooltip="The improvement register: add, edit, filter, sort and move items"),
        Binding("f5", "kpis", "KPIs", id="step.kpis",
                tooltip="KPIs: define them (step 3), measure or import (step 5), see their trend"),
        Binding("f9", "checkpoints", "Checkpoints", id="step.checkpoints",
                tooltip="Review dates (quarterly by default) and what went well and wrong"),
        # Last: on an 80-column terminal the footer's tail runs past the edge; these matter least.
        Binding("ctrl+l", "add_time", "+5 minutes", id="timer.add", tooltip="Give this step five more minutes"),
        Binding("f4", "set_timebox", "Timebox", id="timer.timebox", tooltip="Change this step's timebox"),
    ]

    def __init__(self, session: WorkshopSession, workshop_id: int, step: int,
                 side_panel: go.SidePanel = "guidance") -> None:
        super().__init__(session, workshop_id)
        self.step = step_of(step)
        # As the facilitator left the last step's (the app remembers it for the sitting).
        self.side_panel: go.SidePanel = side_panel
        # The step this screen last asked for: keys typed ahead on a busy laptop reach this screen
        # before the next one shows, and each still moves one step on from there.
        self._heading = step
        self._focus_before_gaps: Widget | None = None
        # The widgets that show scores (scoring tables, room grids, gap matrices, cycle reviews).
        self._panels: tuple[list[ScoringPanel], list[RoomGrid], list[GapMatrix], list[CycleReview]] | None = None
        self._unshown_state: SaveState | None = None  # heard while out of sight (_indicate)

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StepHeader(self.step, self.session.clock)
        with Horizontal(id="body"):
            with VerticalScroll(id="answers"):
                kind = SCORED_STEPS.get(self.step.number)
                if kind is not None:
                    yield ScoringPanel(kind, voice=self.session.settings.voice, id="scoring")
                    yield RoomGrid(kind, id="room-grid")  # who scored what, and where the room is split
                if self.step.number == 5:
                    yield CycleReview(id="review")
                for field in self.step.fields:
                    yield Label(field.label, classes="field-label")
                    # Drawn without control characters, held and saved as typed (safe_text_area.py).
                    yield SafeTextArea(id=f"answer-{field.key}", classes="answer", disabled=True, soft_wrap=True)
            # The side panel the facilitator last chose; a step without a gap matrix shows its
            # prompts instead, as closing the matrix would, and the next one shows the matrix again.
            with_gaps = self.side_panel == "gaps" and self.step.number in GAP_PANEL_STEPS
            guidance = GuidancePanel(self.step, id="guidance")
            guidance.display = not with_gaps and self.side_panel != "none"
            yield guidance
            if self.step.number in GAP_PANEL_STEPS:
                matrix = GapMatrix(id="gap-panel")
                if with_gaps:
                    matrix.display = True  # step.tcss hides it until asked for
                yield matrix
        yield FittedFooter(footer_keys(self.step.number))

    def on_mount(self) -> None:
        self.query_one(StepTimer).timebox = self.session.timebox(self.workshop_id, self.step.number)
        self.session.save_state.subscribe(self._indicate)
        self.session.answer_replaced.subscribe(self._replaced)
        for scrolling in self.query("#answers, GuidancePanel"):
            plain_scrollbars(scrolling)

    def on_unmount(self) -> None:
        self.session.save_state.unsubscribe(self._indicate)
        self.session.answer_replaced.unsubscribe(self._replaced)

    def _replaced(self, news: tuple[tuple[int, int, str], str]) -> None:
        """A conflict settled by keeping theirs or both: show what the field now holds."""
        (workshop_id, step, field), text = news
        if (workshop_id, step) != (self.workshop_id, self.step.number):
            return
        for area in self.query(f"#answer-{field}").results(TextArea):
            with area.prevent(TextArea.Changed):
                area.load_text(text)

    def show(self, snapshot: WorkshopSnapshot, first: bool) -> None:
        self.query_one(StepHeader).show_workshop(snapshot.workshop.title, snapshot.workshop.cycle)
        if first:
            self._fill_fields(snapshot)
        self._show_scores(snapshot)
        if first:
            if snapshot.workshop.current_step != self.step.number:
                self.session.set_current_step(self.workshop_id, self.step.number)
            start = self.query("#scoring #scores") or self.query(TextArea)
            start.first().focus(scroll_visible=False)
            # A step opens at its top (the voice selector included), wherever focus landed.
            self.call_after_refresh(self.query_one("#answers", VerticalScroll).scroll_home, animate=False)

    def show_scores(self, snapshot: WorkshopSnapshot, rescored: frozenset[str]) -> None:
        self._show_scores(snapshot, rescored)

    def _show_scores(self, snapshot: WorkshopSnapshot, rescored: frozenset[str] | None = None) -> None:
        """Hand every score panel the snapshot; with `rescored`, only those dimensions' scores
        changed: the tables draw just their rows again (the matrix, sorted, what moved)."""
        if self._panels is None:
            # Found once: a query walks the whole screen, a few milliseconds on every vote.
            self._panels = (list(self.query(ScoringPanel)), list(self.query(RoomGrid)),
                            list(self.query(GapMatrix)), list(self.query(CycleReview)))
        panels, grids, matrices, reviews = self._panels
        if not (panels or matrices or reviews):  # steps 1 and 6 show no scores
            return
        rows = snapshot.gap_rows()
        for panel in panels:
            panel.show(snapshot, rows, rescored)
        for grid in grids:
            grid.show(snapshot, rescored)
        for matrix in matrices:
            matrix.show(rows)
        for review in reviews:
            review.display = snapshot.previous_rows is not None
            if snapshot.previous_rows is not None:
                review.show(snapshot.previous_rows, rows, snapshot.kpi_reviews)

    def _fill_fields(self, snapshot: WorkshopSnapshot) -> None:
        """The answers as the file holds them, or as typed earlier in this sitting and not yet
        saved (a failed save is shown again, and retried)."""
        answers = snapshot.answers.get(self.step.number, {})
        for field in self.step.fields:
            area = self.query_one(f"#answer-{field.key}", TextArea)
            text = self.session.answer_on_screen(self.workshop_id, self.step.number, field.key,
                                                 answers.get(field.key, ""))
            with area.prevent(TextArea.Changed):
                area.load_text(text)
            area.disabled = False
        if self.session.answers.failed:
            self.session.flush_answers()

    # --- autosave -----------------------------------------------------------------------------

    def hand_over_answers(self) -> None:
        """Tell the session each field's text now, ahead of any Changed message still queued (the
        app is leaving). A field not yet filled from the file is disabled and has nothing to tell."""
        for area in self.query(".answer").results(TextArea):
            if not area.disabled:
                self.session.type_answer(self.workshop_id, self.step.number,
                                         (area.id or "").removeprefix("answer-"), area.text)

    @on(TextArea.Changed, ".answer")
    def _edited(self, event: TextArea.Changed) -> None:
        field = (event.text_area.id or "").removeprefix("answer-")
        self.session.type_answer(self.workshop_id, self.step.number, field, event.text_area.text)
        self._indicate(self.session.state())  # a change that undid itself publishes nothing

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self._unshown_state is not None:
            state, self._unshown_state = self._unshown_state, None
            self._indicate(state)

    def _indicate(self, state: SaveState) -> None:
        # A step under the room screen hears every batch of the room's votes being saved, twice
        # (saving, saved): restyling an indicator nobody sees cost milliseconds of the UI thread
        # each time, while the facilitator typed. The last state heard shows when the step does.
        if not in_sight(self):
            self._unshown_state = state
            return
        # "Saved" can arrive from the writer between a keystroke changing a field and that
        # change reaching the session (its Changed message is still queued): the screen would
        # call text saved that is not. Such a field is being edited, whatever the writer says.
        if state == "saved" and any(
                not self.session.has_heard(self.workshop_id, self.step.number,
                                           (area.id or "").removeprefix("answer-"), area.text)
                for area in self.query(".answer").results(TextArea)):
            state = "editing"
        for indicator in self.query(SaveIndicator):  # none while the screen is being taken down
            indicator.state = state

    # --- scores -------------------------------------------------------------------------------

    @on(ScoringPanel.ScoreRequested)
    def _score_requested(self, request: ScoringPanel.ScoreRequested) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        kind = SCORED_STEPS[self.step.number]
        dimension = next(d for d in snapshot.dimensions if d.key == request.dimension_key)
        existing = next((s for s in snapshot.scores if s.dimension_key == dimension.key and s.kind is kind
                         and request.voice.owns(s)), None)

        def chosen(edit: ScoreEdit | None) -> None:
            if edit is not None:
                self._save_score(dimension.key, kind, request.voice, edit)
                self.query_one(ScoringPanel).move_past(dimension.key)

        from csi_tui.screens.score_dialog import ScoreDialog

        self.app.push_screen(ScoreDialog(dimension, kind, request.voice.label, snapshot.scale, existing), chosen)

    def _save_score(self, key: str, kind: ScoreKind, voice: Voice, edit: ScoreEdit) -> None:
        self.session.record_score(self.workshop_id, key, kind, voice, edit.value, edit.evidence, edit.weight)

    # --- navigation ---------------------------------------------------------------------------

    def _go(self, step: int) -> None:
        if step == self._heading or not 1 <= step <= 6:
            return
        self._heading = step
        self.session.flush_answers()
        self.post_message(go.OpenStep(self.workshop_id, step))

    def action_next_step(self) -> None:
        if self._heading == 6:
            self._heading = 7  # past the last step: the closing screen, once
            self.session.flush_answers()
            self.post_message(go.OpenClosing(self.workshop_id))  # the gap matrix and the next cycle
            return
        if self._heading < 6:
            self._go(self._heading + 1)

    def action_previous_step(self) -> None:
        if self._heading <= 6:
            self._go(self._heading - 1)

    def action_go_to_step(self) -> None:
        self.app.push_screen(GoToStepScreen(self.step.number), lambda step: self._go(step or 0))

    def action_home(self) -> None:
        self.session.flush_answers()
        self.post_message(go.OpenHome())

    def action_participants(self) -> None:
        from csi_tui.screens.participants import ParticipantsScreen

        anonymous = self.snapshot.workshop.anonymous if self.snapshot else False
        self.app.push_screen(ParticipantsScreen(self.session, self.workshop_id, anonymous))

    def action_open_room(self) -> None:
        kind = SCORED_STEPS.get(self.step.number)
        if kind is not None:
            self.session.flush_answers()
            self.post_message(go.OpenRoom(self.workshop_id, kind))

    def action_register(self) -> None:
        self.session.flush_answers()
        self.post_message(go.OpenRegister(self.workshop_id))

    def action_kpis(self) -> None:
        self.session.flush_answers()
        self.post_message(go.OpenKpis(self.workshop_id))

    def action_checkpoints(self) -> None:
        self.session.flush_answers()
        self.post_message(go.OpenCheckpoints(self.workshop_id))

    @on(GapMatrix.ItemRequested)
    def _item_for_gap(self, request: GapMatrix.ItemRequested) -> None:
        from csi_tui.screens.gap_item import ask_item_for_gap

        ask_item_for_gap(self, request.row)

    @on(CycleReview.CorrectiveRequested)
    def _corrective(self, request: CycleReview.CorrectiveRequested) -> None:
        from csi_tui.domain.register import corrective_item

        try:
            item = corrective_item(request.review, self.session.clock().date())
        except CsiError as refused:
            self.notify(str(refused), severity="warning", markup=False)
            return
        self.write(self.session.raise_item(self.workshop_id, item), raised)

    def action_toggle_guidance(self) -> None:
        guidance = self.query_one(GuidancePanel)
        guidance.display = not guidance.display
        if guidance.display:
            self.query(GapMatrix).set(display=False)  # one side panel at a time
        self._side_panel_chosen()

    def action_toggle_gaps(self) -> None:
        for matrix in self.query(GapMatrix):
            matrix.display = not matrix.display
            self.query_one(GuidancePanel).display = not matrix.display
            if matrix.display:
                # Shown to choose from: arrows pick a gap, i raises a register item for it.
                self._focus_before_gaps = self.focused
                matrix.query_one(LineTable).focus()
            elif self._focus_before_gaps is not None and self._focus_before_gaps.is_attached:
                self._focus_before_gaps.focus()
        self._side_panel_chosen()

    def _side_panel_chosen(self) -> None:
        """Tell the app what is beside the answers now, so the next step opens the same way."""
        if any(matrix.display for matrix in self.query(GapMatrix)):
            self.side_panel = "gaps"
        else:
            self.side_panel = "guidance" if self.query_one(GuidancePanel).display else "none"
        self.post_message(go.SidePanelChosen(self.side_panel))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_gaps":
            return self.step.number in GAP_PANEL_STEPS
        if action == "open_room":
            return self.step.number in SCORED_STEPS
        return True

    # --- timer --------------------------------------------------------------------------------

    def _timebox(self) -> Timebox:
        return self.session.timebox(self.workshop_id, self.step.number)

    def _set_timebox(self, timebox: Timebox) -> None:
        self.session.set_timebox(self.workshop_id, self.step.number, timebox)
        self.query_one(StepTimer).timebox = timebox

    def action_toggle_timer(self) -> None:
        self._set_timebox(self._timebox().toggle(self.session.clock()))

    def action_add_time(self) -> None:
        self._set_timebox(self._timebox().add(5 * 60))

    def action_set_timebox(self) -> None:
        def chosen(minutes: int | None) -> None:
            if minutes is not None:
                self._set_timebox(Timebox(seconds=minutes * 60))
                self.post_message(go.TimeboxChosen(self.step.number, minutes))  # remembered by the app

        self.app.push_screen(TimeboxDialog(self.step.number, self._timebox().seconds // 60), chosen)

    @on(StepTimer.TimeUp)
    def _time_up(self) -> None:
        self.notify(f"Time is up for step {self.step.number}. Add 5 minutes with ctrl+l, or move on.",
                    title="Timebox", severity="warning", timeout=8)


def raised(item: RegisterItem) -> str:
    """What a facilitator is told once an item raised from a gap or a missed target is saved."""
    return f"Register item #{item.number} added: {item.description}"
