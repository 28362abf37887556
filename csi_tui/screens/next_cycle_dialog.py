"""Before the next cycle starts: what carries over, and whether the same people take part."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from csi_tui.domain.models import Participant, Workshop
from csi_tui.widgets.user_text import user_content


@dataclass(frozen=True)
class NextCycleStart:
    keep_participants: bool


class NextCycleDialog(ModalScreen[NextCycleStart | None]):
    """None: stay in this cycle. With participants, the facilitator chooses whether they come
    along (names, roles and perspectives; never their scores: the room scores afresh)."""

    AUTO_FOCUS = "#cancel"  # the safe choice first: a new workshop is not undone by escape
    BINDINGS = [
        Binding("k", "start(True)", "Keep the people", id="next_cycle.keep"),
        Binding("n", "start(False)", "New people", id="next_cycle.new_people"),
        Binding("escape", "cancel", "Not now", id="next_cycle.cancel"),
    ]

    def __init__(self, workshop: Workshop, participants: list[Participant], open_items: int) -> None:
        super().__init__()
        self.workshop = workshop
        self.participants = participants
        self.open_items = open_items

    def compose(self) -> ComposeResult:
        cycle = self.workshop.cycle + 1
        items = f"{self.open_items} open register item{'' if self.open_items == 1 else 's'}"
        with Vertical(classes="dialog"):
            yield Static(user_content(f"Start cycle {cycle} of “{self.workshop.title}”?"), classes="dialog-title")
            yield Static(user_content(
                f"The vision, dimensions and weights, KPIs and {items} carry over; this cycle's targets "
                f"become the ones to check in step 5. The items move: here they stay as history, "
                f"marked “carried to cycle {cycle}”."))
            if self.participants:
                names = ", ".join(f"{p.name} ({p.perspective.value})" for p in self.participants)
                yield Static(user_content(
                    f"Keep the people? {names}. Their names and perspectives come along, not their scores."),
                    id="next-cycle-people")
            with Horizontal(classes="buttons"):
                yield Button("Not now (esc)", id="cancel", compact=True)
                if self.participants:
                    yield Button("New people (n)", id="new-people", compact=True)
                    yield Button("Keep the people (k)", id="keep", variant="primary", compact=True)
                else:
                    yield Button("Start (n)", id="new-people", variant="primary", compact=True)

    def action_start(self, keep: bool) -> None:
        self.dismiss(NextCycleStart(keep_participants=keep and bool(self.participants)))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.action_start(event.button.id == "keep")
