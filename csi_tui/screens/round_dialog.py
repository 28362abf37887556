"""Round 2, a Delphi re-vote: which dimensions the room scores again. Every dimension of the
workshop is listed with the spread the last round left it at; those the room split on (two levels
or more) come ticked, the facilitator's own rule for what is worth a second look."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from csi_tui.domain.figures import figure
from csi_tui.widgets.tick_box import TickBox
from csi_tui.widgets.user_text import user_content


@dataclass(frozen=True)
class RoundChoice:
    key: str
    name: str
    spread: int | None  # in the last round; None where fewer than two people scored it
    ticked: bool


class RoundDialog(ModalScreen[list[str] | None]):
    AUTO_FOCUS = "TickBox"
    DEFAULT_CSS = """
    RoundDialog #round-choices { height: auto; max-height: 24; }
    RoundDialog #round-help { color: $text-muted; margin-bottom: 1; }
    """
    BINDINGS = [
        # priority: on a tick box enter would tick it; space ticks, enter opens the round.
        Binding("enter", "confirm", "Open round", id="round.confirm", priority=True,
                tooltip="Open the round for the ticked dimensions"),
        Binding("escape", "dismiss(None)", "Cancel", id="round.cancel", tooltip="Back to the room, no round opened"),
    ]

    def __init__(self, title: str, choices: Sequence[RoundChoice]) -> None:
        super().__init__()
        self.title_line = title
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        ticked = sum(choice.ticked for choice in self.choices)
        with Vertical(classes="dialog", id="round-dialog"):
            yield Static(self.title_line, classes="dialog-title", markup=False)
            split = (f"Ticked: the {ticked} the room split on (a spread of 2 or more)." if ticked
                     else "Nothing ticked: the room split on no dimension (a spread of 2 or more).")
            yield Static(f"{split} space ticks, enter opens the round, escape cancels.", id="round-help",
                         markup=False)
            with VerticalScroll(id="round-choices"):
                for index, choice in enumerate(self.choices):
                    spread = f"spread {figure(choice.spread)}" if choice.spread is not None else "no spread yet"
                    # A dimension's name comes from a template or an import: shown as data.
                    label = f"{choice.name} · {spread}"
                    yield TickBox(user_content(label), value=choice.ticked, id=f"round-{index}", compact=True)

    def picked(self) -> list[str]:
        boxes = list(self.query(TickBox))
        return [choice.key for choice, box in zip(self.choices, boxes, strict=True) if box.value]

    def action_confirm(self) -> None:
        keys = self.picked()
        if not keys:
            self.notify("Tick at least one dimension to score again.", severity="warning", markup=False)
            return
        self.dismiss(keys)


def choices(dimensions: Sequence[tuple[str, str]], spreads: Mapping[str, int | None],
            worth: Sequence[str]) -> list[RoundChoice]:
    """One line per (key, name) dimension, in the workshop's order."""
    wanted = set(worth)
    return [RoundChoice(key, name, spreads.get(key), key in wanted) for key, name in dimensions]
