"""Define or edit a KPI: what is measured, which way is better, from where to where and by when."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, Input, Label, Select, Static

from csi_tui.domain.errors import explain
from csi_tui.domain.models import Dimension, Direction, Kpi
from csi_tui.domain.register import decimal_text
from csi_tui.screens.form_dialog import FormDialog
from csi_tui.widgets.form_select import FormSelect
from csi_tui.widgets.safe_input import SafeInput
from csi_tui.widgets.user_text import user_content, user_text
from csi_tui.widgets.tick_box import TickBox

TEXT_FIELDS = (
    ("name", "Name", "e.g. First-contact resolution"),
    ("unit", "Unit", "e.g. %, hours, incidents a week"),
    ("baseline", "Baseline", "the figure today, if known"),
    ("short_target", "Short-term target", "a number"),
    ("short_target_on", "Short-term target date", "YYYY-MM-DD"),
    ("long_target", "Long-term target", "a number"),
    ("long_target_on", "Long-term target date", "YYYY-MM-DD"),
    ("source", "Measured from", "the tool or report the figure comes from"),
)
TEXT_KEYS = {"name", "unit", "source"}


class KpiDialog(FormDialog[Kpi]):
    guards_changes = True  # escape asks before typed changes are lost
    AUTO_FOCUS = "#name"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="kpi.cancel"),
        Binding("ctrl+w", "save", "Save", id="kpi.save", priority=True),
    ]
    DEFAULT_CSS = """
    KpiDialog #form { height: auto; max-height: 100%; }
    KpiDialog Select { width: 100%; }
    """

    def __init__(self, kpi: Kpi | None, dimensions: list[Dimension]) -> None:
        super().__init__()
        self.kpi = kpi
        self.dimensions = dimensions

    def compose(self) -> ComposeResult:
        kpi = self.kpi
        with VerticalScroll(classes="dialog", id="form"):
            yield Static(user_content(f"KPI: {kpi.name}" if kpi else "New KPI"), classes="dialog-title")
            for key, label, hint in TEXT_FIELDS:
                value = getattr(kpi, key) if kpi else None
                yield Label(label, classes="field-label")
                yield SafeInput("" if value is None else f"{value:g}" if isinstance(value, float) else str(value),
                            id=key, placeholder=hint, compact=True)
            yield Label("Which way is better", classes="field-label")
            yield FormSelect([("higher is better", Direction.HIGHER.value), ("lower is better", Direction.LOWER.value)],
                         value=(kpi.direction if kpi else Direction.HIGHER).value, allow_blank=False,
                         id="direction", compact=True)
            yield Label("Dimension it measures (feeds the gap matrix's Covered by)", classes="field-label")
            # Names as Rich Text, not Content: the open list finds the one whose letters are typed
            # (Textual's search reads only Text and str; 34 practices are a long way down by arrow).
            yield FormSelect([(user_text(d.name), d.key) for d in self.dimensions],
                         value=kpi.dimension_key if kpi and kpi.dimension_key else Select.NULL,
                         prompt="none", id="dimension_key", compact=True)
            yield TickBox("Can be measured today", value=kpi.measurable if kpi else True, id="measurable",
                           compact=True)
            yield from self.form_footer("ctrl+w saves · escape cancels")

    def fields(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, _, _ in TEXT_FIELDS:
            text = self.query_one(f"#{key}", Input).value.strip()
            values[key] = text if key in TEXT_KEYS else decimal_text(text) or None
        dimension = self.query_one("#dimension_key", Select).value
        values["dimension_key"] = None if dimension is Select.NULL else dimension
        values["direction"] = self.query_one("#direction", Select).value
        values["measurable"] = self.query_one("#measurable", Checkbox).value
        return values

    def action_save(self) -> None:
        self.submit()

    def submit(self) -> None:
        try:
            kpi = Kpi.model_validate({"id": self.kpi.id if self.kpi else None, **self.fields()})
        except ValidationError as error:
            self.show_error(explain(error, labels={key: label for key, label, _ in TEXT_FIELDS}))
            where = error.errors()[0]["loc"]
            if where and str(where[0]) in {key for key, _, _ in TEXT_FIELDS}:
                self.query_one(f"#{where[0]}", Input).focus()
            return
        self.dismiss(kpi)
