"""One checkpoint: when it is due, when it was held, and what went well and wrong."""

from __future__ import annotations

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from csi_tui.domain.errors import explain
from csi_tui.domain.models import Checkpoint
from csi_tui.screens.form_dialog import FormDialog
from csi_tui.widgets.safe_input import SafeInput

FIELDS = (
    ("due_on", "Due on", "YYYY-MM-DD"),
    ("held_on", "Held on", "YYYY-MM-DD, blank until it is held"),
    ("went_well", "What went well", ""),
    ("went_wrong", "What went wrong", ""),
)


class CheckpointDialog(FormDialog[Checkpoint]):
    guards_changes = True  # escape asks before typed changes are lost
    AUTO_FOCUS = "#due_on"
    last_field = FIELDS[-1][0]
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="checkpoint.cancel")]

    def __init__(self, checkpoint: Checkpoint, title: str) -> None:
        super().__init__()
        self.checkpoint = checkpoint
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            for key, label, hint in FIELDS:
                value = getattr(self.checkpoint, key)
                yield Label(label, classes="field-label")
                yield SafeInput("" if value is None else str(value), id=key, placeholder=hint, compact=True)
            yield from self.form_footer("ctrl+w or enter on the last field saves · escape cancels")

    def submit(self) -> None:
        values = {key: self.query_one(f"#{key}", Input).value.strip() for key, _, _ in FIELDS}
        values["held_on"] = values["held_on"] or None
        try:
            checkpoint = Checkpoint.model_validate({"id": self.checkpoint.id, **values})
        except ValidationError as error:
            self.show_error(explain(error, labels={key: label for key, label, _ in FIELDS}))
            return
        self.dismiss(checkpoint)
