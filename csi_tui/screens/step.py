"""One CSI question: its fields, the facilitator's prompts, and in steps 2 and 3 the maturity
scores. Every edit is saved on its own, debounced, on the writer thread; typing never waits."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Label, TextArea

from csi_tui.errors import CsiError
from csi_tui.screens.go_to_step import GoToStepScreen
from csi_tui.screens.timebox_dialog import TimeboxDialog
from csi_tui.steps import step as step_of
from csi_tui.timebox import Timebox
from csi_tui.vocabulary import ScoreKind
from csi_tui.widgets.cycle_review import CycleReview
from csi_tui.widgets.gap_matrix import GapMatrix
from csi_tui.widgets.gap_table import GapTable
from csi_tui.widgets.guidance_panel import GuidancePanel
from csi_tui.widgets.save_indicator import SaveIndicator
from csi_tui.widgets.scoring_panel import ScoringPanel, Voice
from csi_tui.widgets.step_header import StepHeader
from csi_tui.widgets.step_timer import StepTimer

# The store, the models and the dialogs that need them load in the first read and on first
# use: this screen paints its question and prompts before pydantic is imported
# (docs/performance.md).
if TYPE_CHECKING:
    from csi_tui.app import CsiApp
    from csi_tui.screens.score_dialog import ScoreEdit
    from csi_tui.store import WorkshopSnapshot, WorkshopStore

AUTOSAVE_DELAY = 0.4  # seconds of quiet before an edit is saved; the brief allows at most 0.5
SCORED_STEPS = {2: ScoreKind.CURRENT, 3: ScoreKind.TARGET}
GAP_PANEL_STEPS = {2, 3, 4}


class StepScreen(Screen[None]):
    CSS_PATH = "step.tcss"
    BINDINGS = [
        Binding("ctrl+n", "next_step", "Next", id="step.next", tooltip="Go to the next question"),
        Binding("ctrl+o", "previous_step", "Prev", id="step.previous", tooltip="Go back one question"),
        Binding("ctrl+g", "go_to_step", "Go to", id="step.goto", tooltip="Jump to any of the six questions"),
        Binding("ctrl+r", "participants", "People", id="step.participants",
                tooltip="Add or remove participants"),
        Binding("ctrl+t", "toggle_timer", "Timer", id="timer.toggle", tooltip="Start or pause the countdown"),
        Binding("f1", "toggle_guidance", "Guide", id="step.guidance",
                tooltip="Show or hide the facilitator's prompts (hide them while presenting)"),
        Binding("f2", "toggle_gaps", "Gaps", id="step.gaps", tooltip="Show or hide the live gap matrix (steps 2-4)"),
        Binding("escape", "home", "List", id="step.home", tooltip="Back to the list of workshops"),
        Binding("f3", "register", "Register", id="step.register",
                tooltip="The improvement register: add, edit, filter, sort and move items"),
        Binding("f5", "kpis", "KPIs", id="step.kpis",
                tooltip="KPIs: define them (step 3), measure or import (step 5), see their trend"),
        Binding("f9", "checkpoints", "Checkpoints", id="step.checkpoints",
                tooltip="Review dates (quarterly by default) and what went well and wrong"),
        # Last: on an 80-column terminal the footer's tail runs past the edge; these matter least.
        Binding("ctrl+l", "add_time", "+5 min", id="timer.add", tooltip="Give this step five more minutes"),
        Binding("f4", "set_timebox", "Timebox", id="timer.timebox", tooltip="Change this step's timebox"),
    ]

    @dataclass
    class Loaded(Message):
        snapshot: WorkshopSnapshot
        first: bool = True  # the first load fills the fields; later ones must not touch typing

    @dataclass
    class Written(Message):
        """The writer finished a job this screen asked for."""

        error: BaseException | None
        snapshot: WorkshopSnapshot | None = None
        field: str | None = None  # for an answer: which field, and the text that was saved
        text: str = ""

    def __init__(self, workshop_id: int, step: int) -> None:
        super().__init__()
        self.workshop_id = workshop_id
        self.step = step_of(step)
        self.snapshot: WorkshopSnapshot | None = None
        self.loaded = False  # True once the workshop's data is on screen
        self._pending: dict[str, str] = {}  # field -> text typed but not yet handed to the writer
        self._saved: dict[str, str] = {}  # field -> text the database holds
        self._in_flight = 0
        self._debounce: Timer | None = None
        self._focus_before_gaps: Widget | None = None

    @property
    def csi_app(self) -> CsiApp:
        return cast("CsiApp", self.app)

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StepHeader(self.step, self.csi_app.clock)
        with Horizontal(id="body"):
            with VerticalScroll(id="answers"):
                kind = SCORED_STEPS.get(self.step.number)
                if kind is not None:
                    yield ScoringPanel(kind, id="scoring")
                if self.step.number == 5:
                    yield CycleReview(id="review")
                for field in self.step.fields:
                    yield Label(field.label, classes="field-label")
                    yield TextArea(id=f"answer-{field.key}", classes="answer", disabled=True, soft_wrap=True)
            yield GuidancePanel(self.step, id="guidance")
            if self.step.number in GAP_PANEL_STEPS:
                yield GapMatrix(compact=True, id="gap-panel")
        yield Footer(compact=True)  # compact: every key fits on an 80-column laptop terminal

    def on_mount(self) -> None:
        timer = self.query_one(StepTimer)
        timer.timebox = self._timebox()
        # After the first frame: the first read imports the store and its models, which would
        # otherwise compete with the painting for the GIL.
        self.call_after_refresh(self.load)

    @work(thread=True, exclusive=True, group="step-load", exit_on_error=False)
    def load(self, first: bool = True) -> None:
        with self.csi_app.connect() as store:
            snapshot = store.snapshot(self.workshop_id)
        self.post_message(self.Loaded(snapshot, first))

    def on_csi_app_data_changed(self) -> None:
        if self.loaded:
            self.load(first=False)  # scores, gaps and reviews as they are now; fields untouched

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        if not message.first:
            self._show_snapshot(message.snapshot)
            return
        self._show_snapshot(message.snapshot, fill_fields=True)
        if message.snapshot.workshop.current_step != self.step.number:
            self._write(lambda store: store.set_current_step(self.workshop_id, self.step.number))
        first = self.query("#scoring DataTable") or self.query(TextArea)
        first.first().focus(scroll_visible=False)
        # A step opens at its top (the voice selector included), wherever focus landed.
        self.call_after_refresh(self.query_one("#answers", VerticalScroll).scroll_home, animate=False)
        self.loaded = True

    def _show_snapshot(self, snapshot: WorkshopSnapshot, fill_fields: bool = False) -> None:
        self.snapshot = snapshot
        self.query_one(StepHeader).show_workshop(snapshot.workshop.title, snapshot.workshop.cycle)
        if fill_fields:
            answers = snapshot.answers.get(self.step.number, {})
            for field in self.step.fields:
                area = self.query_one(f"#answer-{field.key}", TextArea)
                self._saved[field.key] = answers.get(field.key, "")
                unsaved = self.csi_app.unsaved.get((self.workshop_id, self.step.number, field.key))
                with area.prevent(TextArea.Changed):
                    area.load_text(self._saved[field.key] if unsaved is None else unsaved)
                area.disabled = False
                if unsaved is not None:
                    self._pending[field.key] = unsaved
            if self._pending:
                self.flush_edits()  # a failed save from earlier in this session: try again
        if not self.query("ScoringPanel, GapMatrix, CycleReview"):
            return  # steps 1 and 6 show no scores: no matrix to compute on every refresh
        rows = snapshot.gap_rows()
        for panel in self.query(ScoringPanel):
            panel.show(snapshot, rows)
        for matrix in self.query(GapMatrix):
            matrix.show(rows)
        for review in self.query(CycleReview):
            review.display = snapshot.previous_rows is not None
            if snapshot.previous_rows is not None:
                review.show(snapshot.previous_rows, rows, snapshot.kpi_reviews)

    # --- autosave -----------------------------------------------------------------------------

    @on(TextArea.Changed, ".answer")
    def _edited(self, event: TextArea.Changed) -> None:
        field = (event.text_area.id or "").removeprefix("answer-")
        text = event.text_area.text
        if text == self._saved.get(field) and field not in self._pending:
            return
        self._pending[field] = text
        self._indicate("editing")
        if self._debounce is None:
            self._debounce = self.set_timer(AUTOSAVE_DELAY, self.flush_edits)
        else:
            self._debounce.reset()

    def flush_edits(self) -> None:
        """Hand every pending edit to the writer (also called on leaving the step and on quit)."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        pending, self._pending = self._pending, {}
        for field, text in pending.items():
            self._write(lambda store, f=field, t=text: store.save_answer(self.workshop_id, self.step.number, f, t),
                        field=field, text=text)

    def _write(
        self, change: Callable[[WorkshopStore], object], reload: bool = False, field: str | None = None,
        text: str = "",
    ) -> None:
        self._in_flight += 1
        self._indicate("saving")
        workshop_id, step, unsaved = self.workshop_id, self.step.number, self.csi_app.unsaved

        def job(store: WorkshopStore) -> WorkshopSnapshot | None:
            change(store)
            return store.snapshot(workshop_id) if reload else None

        def done(result: WorkshopSnapshot | None, error: BaseException | None) -> None:
            # Recorded here, on the writer thread, so it holds even if this screen is gone.
            if field is not None and error is not None:
                unsaved[(workshop_id, step, field)] = text
            elif field is not None:
                unsaved.pop((workshop_id, step, field), None)
            self.post_message(self.Written(error, result, field, text))

        self.csi_app.save(job, done)

    @on(Written)
    def _written(self, message: Written) -> None:
        self._in_flight -= 1
        if message.error is not None:
            if message.field is not None:
                self._pending.setdefault(message.field, message.text)  # still on screen; retried next save
            self._indicate("failed")  # the app tells the facilitator what went wrong
            return
        if message.field is not None:
            self._saved[message.field] = message.text
        if message.snapshot is not None:
            self._show_snapshot(message.snapshot)
        if not self._in_flight and not self._pending:
            self._indicate("saved")

    def _indicate(self, state: str) -> None:
        self.query_one(SaveIndicator).state = state  # type: ignore[assignment]

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

        from csi_tui.screens.score_dialog import ScoreDialog

        self.app.push_screen(ScoreDialog(dimension, kind, request.voice.label, snapshot.scale, existing), chosen)

    def _save_score(self, key: str, kind: ScoreKind, voice: Voice, edit: ScoreEdit) -> None:
        from csi_tui.models import Score

        score = Score(dimension_key=key, kind=kind, value=edit.value, evidence=edit.evidence,
                      participant_id=voice.participant_id, perspective=voice.perspective)

        def change(store: WorkshopStore) -> None:
            with store.db.atomic():  # the score and its weight together, or neither
                store.save_score(self.workshop_id, score)
                if edit.weight is not None:
                    store.set_weight(self.workshop_id, key, edit.weight)

        self._write(change, reload=True)

    # --- navigation ---------------------------------------------------------------------------

    def _go(self, step: int) -> None:
        if step == self.step.number or not 1 <= step <= 6:
            return
        self.flush_edits()
        self.csi_app.show_step(self.workshop_id, step)

    def action_next_step(self) -> None:
        if self.step.number == 6:
            self.flush_edits()
            self.csi_app.show_closing(self.workshop_id)  # the gap matrix and the next cycle
            return
        self._go(self.step.number + 1)

    def action_previous_step(self) -> None:
        self._go(self.step.number - 1)

    def action_go_to_step(self) -> None:
        self.app.push_screen(GoToStepScreen(self.step.number), lambda step: self._go(step or 0))

    def action_home(self) -> None:
        self.flush_edits()
        self.csi_app.show_home()

    def action_participants(self) -> None:
        from csi_tui.screens.participants import ParticipantsScreen

        anonymous = self.snapshot.workshop.anonymous if self.snapshot else False
        self.app.push_screen(ParticipantsScreen(self.workshop_id, anonymous), lambda _: self.load())

    def action_register(self) -> None:
        self.flush_edits()
        self.csi_app.show_register(self.workshop_id)

    def action_kpis(self) -> None:
        self.flush_edits()
        self.csi_app.show_kpis(self.workshop_id)

    def action_checkpoints(self) -> None:
        self.flush_edits()
        self.csi_app.show_checkpoints(self.workshop_id)

    @on(GapMatrix.ItemRequested)
    def _item_for_gap(self, request: GapMatrix.ItemRequested) -> None:
        from csi_tui.register import item_for_gap

        self.csi_app.raise_register_item(self.workshop_id, item_for_gap(request.row, self.csi_app.clock().date()))

    @on(CycleReview.CorrectiveRequested)
    def _corrective(self, request: CycleReview.CorrectiveRequested) -> None:
        from csi_tui.register import corrective_item

        try:
            item = corrective_item(request.review, self.csi_app.clock().date())
        except CsiError as refused:
            self.notify(str(refused), severity="warning", markup=False)
            return
        self.csi_app.raise_register_item(self.workshop_id, item)

    def action_toggle_guidance(self) -> None:
        guidance = self.query_one(GuidancePanel)
        guidance.display = not guidance.display
        if guidance.display:
            self.query(GapMatrix).set(display=False)  # one side panel at a time

    def action_toggle_gaps(self) -> None:
        for matrix in self.query(GapMatrix):
            matrix.display = not matrix.display
            self.query_one(GuidancePanel).display = not matrix.display
            if matrix.display:
                # Shown to choose from: arrows pick a gap, i raises a register item for it.
                self._focus_before_gaps = self.focused
                matrix.query_one(GapTable).focus()
            elif self._focus_before_gaps is not None and self._focus_before_gaps.is_attached:
                self._focus_before_gaps.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_gaps":
            return self.step.number in GAP_PANEL_STEPS
        return True

    # --- timer --------------------------------------------------------------------------------

    def _timebox(self) -> Timebox:
        key = (self.workshop_id, self.step.number)
        return self.csi_app.timeboxes.setdefault(key, Timebox.for_step(self.step.number))

    def _set_timebox(self, timebox: Timebox) -> None:
        self.csi_app.timeboxes[(self.workshop_id, self.step.number)] = timebox
        self.query_one(StepTimer).timebox = timebox

    def action_toggle_timer(self) -> None:
        self._set_timebox(self._timebox().toggle(self.csi_app.clock()))

    def action_add_time(self) -> None:
        self._set_timebox(self._timebox().add(5 * 60))

    def action_set_timebox(self) -> None:
        def chosen(minutes: int | None) -> None:
            if minutes is not None:
                self._set_timebox(Timebox(seconds=minutes * 60))

        self.app.push_screen(TimeboxDialog(self.step.number, self._timebox().seconds // 60), chosen)

    @on(StepTimer.TimeUp)
    def _time_up(self) -> None:
        self.notify(f"Time is up for step {self.step.number}. Add 5 minutes with ctrl+l, or move on.",
                    title="Timebox", severity="warning", timeout=8)
