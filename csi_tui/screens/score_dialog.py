"""Score one dimension: pick a level with its name and meaning in view, note the evidence, and in
step 3 set the business priority (weight)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from csi_tui.domain.models import Dimension, MaturityScale, Score, ScoreKind, ScoreRow
from csi_tui.widgets.safe_input import SafeInput
from csi_tui.widgets.user_text import user_content


@dataclass(frozen=True)
class ScoreEdit:
    value: int
    evidence: str
    weight: int | None  # only when scoring targets


class ScoreDialog(ModalScreen[ScoreEdit | None]):
    AUTO_FOCUS = "#levels"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="score.cancel")]
    DEFAULT_CSS = """
    ScoreDialog #levels { height: auto; max-height: 12; }
    ScoreDialog .dialog { width: 90; }
    """

    def __init__(
        self, dimension: Dimension, kind: ScoreKind, voice_label: str, scale: MaturityScale,
        existing: Score | ScoreRow | None,
    ) -> None:
        super().__init__()
        self.dimension = dimension
        self.kind = kind
        self.voice_label = voice_label
        self.scale = scale
        self.existing = existing

    def compose(self) -> ComposeResult:
        question = "where are we now?" if self.kind is ScoreKind.CURRENT else "where do we want to be?"
        with Vertical(classes="dialog"):
            yield Static(user_content(f"{self.dimension.name}: {question}"), classes="dialog-title")
            yield Static(user_content(f"Scoring as {self.voice_label}: a level's number, the evidence, enter."))
            # A scale can come from a person's own file: its level names are user text too.
            yield OptionList(
                *(Option(user_content(f"{level.value}  {level.name}: {level.description}"), id=str(level.value))
                  for level in self.scale.levels),
                id="levels", markup=False,
            )
            yield Label("Evidence: what backs this score?", classes="field-label")
            yield SafeInput(self.existing.evidence if self.existing else "", id="evidence",
                        placeholder="e.g. incident report March, SLA review", compact=True)
            if self.kind is ScoreKind.TARGET:
                yield Label("Business priority (weight, 1 low to 5 high)", classes="field-label")
                yield SafeInput(str(self.dimension.weight), id="weight", type="integer", compact=True)
            yield Static("", id="error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Save", id="save", variant="primary", compact=True)

    def on_mount(self) -> None:
        levels = self.query_one("#levels", OptionList)
        if self.existing is not None:
            levels.highlighted = self.existing.value - self.scale.lowest

    def on_key(self, event: events.Key) -> None:
        # A digit picks its level while the level list has focus, and the hand moves on to the
        # evidence: what is typed next is the evidence, and enter there saves (README: "press the
        # level's number, note the evidence, enter again"). Once, the typing went to the list and
        # was lost, and enter only then moved to the evidence.
        levels = self.query_one("#levels", OptionList)
        if self.focused is levels and event.character and event.character.isdigit():
            value = int(event.character)
            if self.scale.lowest <= value <= self.scale.highest:
                levels.highlighted = value - self.scale.lowest
                event.stop()
                self.query_one("#evidence", Input).focus()

    @on(OptionList.OptionSelected, "#levels")
    def _level_chosen(self) -> None:
        self.query_one("#evidence", Input).focus()

    # Enter on the evidence saves, for a target too: the weight is filled in with the
    # dimension's own, and a tab away when the room changes it. (Once, a target took a second
    # enter, on the weight, and a facilitator who pressed it once saw nothing happen.)
    @on(Input.Submitted, "#evidence")
    @on(Input.Submitted, "#weight")
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        error = self.query_one("#error", Static)
        highlighted = self.query_one("#levels", OptionList).highlighted
        if highlighted is None:
            error.update("Choose a level first (a number key, or the arrows and enter).")
            self.query_one("#levels", OptionList).focus()
            return
        weight = None
        if self.kind is ScoreKind.TARGET:
            text = self.query_one("#weight", Input).value.strip()
            if not text.isdigit() or not 1 <= int(text) <= 5:
                error.update("The weight is a whole number from 1 (low) to 5 (high).")
                self.query_one("#weight", Input).focus()
                return
            weight = int(text)
        evidence = self.query_one("#evidence", Input).value
        self.dismiss(ScoreEdit(self.scale.lowest + highlighted, evidence, weight))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
