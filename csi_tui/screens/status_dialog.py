"""Move a register item along its workflow. Every status is listed, so a facilitator sees why a
move is not allowed (the reason names the moves that are) instead of wondering where it went."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from csi_tui.domain.errors import InvalidInput
from csi_tui.domain.models import Closure, Outcome, RegisterItem, RegisterStatus
from csi_tui.domain.register import TRANSITIONS, transition
from csi_tui.screens.form_dialog import FormDialog
from csi_tui.widgets.user_text import user_content


@dataclass(frozen=True)
class StatusMove:
    to: RegisterStatus
    closure: Closure | None = None
    outcome: Outcome | None = None


class StatusDialog(FormDialog[StatusMove]):
    AUTO_FOCUS = "#statuses"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="status.cancel")]
    DEFAULT_CSS = """
    StatusDialog #statuses { height: auto; max-height: 9; background: $boost; }
    StatusDialog #closing { height: auto; }
    StatusDialog #closing Select { width: 1fr; margin-right: 1; }
    """

    def __init__(self, item: RegisterItem) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        item, allowed = self.item, TRANSITIONS[self.item.status]
        with Vertical(classes="dialog"):
            yield Static(user_content(f"Item #{item.number}: {item.description}"), classes="dialog-title")
            yield Label(Content(f"Now {item.status.value}. Move it to:"))
            options = [Option(Content(s.value if s in allowed else f"{s.value}  (not from {item.status.value})"),
                              id=s.value) for s in RegisterStatus if s is not item.status]
            yield OptionList(*options, id="statuses", compact=True)
            yield Label("Closure code and achieved outcome (when closing or cancelling)", classes="field-label")
            with Horizontal(id="closing"):
                yield Select([(c.value, c.value) for c in Closure], prompt="closure code", id="closure", compact=True)
                yield Select([(o.value, o.value) for o in Outcome], prompt="achieved outcome", id="outcome",
                             compact=True)
            yield from self.form_footer("enter on a status moves the item · escape cancels", primary="Move")

    @on(OptionList.OptionSelected)
    def submit(self) -> None:
        statuses = self.query_one("#statuses", OptionList)
        if statuses.highlighted is None:
            return
        option_id = statuses.get_option_at_index(statuses.highlighted).id
        closure = self.query_one("#closure", Select).value
        outcome = self.query_one("#outcome", Select).value
        move = StatusMove(RegisterStatus(str(option_id)),
                          None if closure is Select.NULL else Closure(str(closure)),
                          None if outcome is Select.NULL else Outcome(str(outcome)))
        try:
            transition(self.item, move.to, move.closure, move.outcome)  # the store checks again on save
        except InvalidInput as refused:
            self.show_error(str(refused))
            if "closure code" in str(refused):
                self.query_one("#closure", Select).focus()
            return
        self.dismiss(move)

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        if event.select.has_focus_within:  # a person chose (not the initial value): enter moves next
            self.query_one("#primary", Button).focus()
