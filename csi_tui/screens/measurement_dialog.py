"""Enter one measurement of a KPI by hand: when, how much, and a note."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from csi_tui.domain.errors import explain
from csi_tui.domain.models import Kpi, Measurement
from csi_tui.domain.register import decimal_text
from csi_tui.screens.form_dialog import FormDialog
from csi_tui.widgets.safe_input import SafeInput
from csi_tui.widgets.user_text import user_content

LABELS = {"value": "Value", "measured_at": "Measured at", "note": "Note"}  # as the fields are labelled


class MeasurementDialog(FormDialog[Measurement]):
    guards_changes = True  # escape asks before typed changes are lost
    AUTO_FOCUS = "#value"
    last_field = "note"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="measurement.cancel")]

    def __init__(self, kpi: Kpi, now: datetime) -> None:
        super().__init__()
        self.kpi = kpi
        self.now = now

    def compose(self) -> ComposeResult:
        unit = f" ({self.kpi.unit})" if self.kpi.unit else ""
        with Vertical(classes="dialog"):
            yield Static(user_content(f"Measurement of {self.kpi.name}"), classes="dialog-title")
            yield Label(user_content(f"Value{unit}"), classes="field-label")
            yield SafeInput(id="value", placeholder="a number", compact=True)
            yield Label("Measured at", classes="field-label")
            yield SafeInput(self.now.date().isoformat(), id="measured_at", placeholder="YYYY-MM-DD or YYYY-MM-DDTHH:MM",
                        compact=True)
            yield Label("Note", classes="field-label")
            yield SafeInput(id="note", placeholder="optional", compact=True)
            yield from self.form_footer("ctrl+w or enter on the note saves · escape cancels")

    def submit(self) -> None:
        value = self.query_one("#value", Input).value.strip()
        when = self.query_one("#measured_at", Input).value.strip()
        try:
            measured_at = datetime.fromisoformat(when)
            if measured_at.tzinfo is None:
                measured_at = measured_at.replace(tzinfo=self.now.tzinfo)
            measurement = Measurement(kpi_id=self.kpi.id or 0, measured_at=measured_at,
                                      value=decimal_text(value),
                                      note=self.query_one("#note", Input).value)
        except ValueError as error:
            message = explain(error, labels=LABELS) if isinstance(error, ValidationError) else (
                f"Measured at: {when!r} is not a date or time (use 2026-03-31 or 2026-03-31T09:00)")
            self.show_error(message)
            return
        self.dismiss(measurement)
