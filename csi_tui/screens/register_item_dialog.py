"""Add or edit one register item: what, why, who, when, how big, and what it addresses."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select, SelectionList, Static

from csi_tui.domain.errors import explain
from csi_tui.domain.models import Dimension, Framework, Kpi, RegisterItem, Size
from csi_tui.screens.form_dialog import FormDialog
from csi_tui.widgets.safe_input import SafeInput
from csi_tui.widgets.user_text import user_content
from csi_tui.widgets.form_select import FormSelect

TEXT_FIELDS = (
    ("description", "Description", "what will be improved"),
    ("justification", "Justification and benefit", "why it is worth doing"),
    ("raised_by", "Raised by", ""),
    ("owner", "Owner (to be actioned by)", ""),
    ("raised_on", "Raised on", "YYYY-MM-DD"),
    ("due_on", "Due on", "YYYY-MM-DD, or blank"),
    ("baseline_value", "Baseline value", "where it is now"),
    ("target_value", "Target value", "where it should get to"),
)
DATE_FIELDS = {"raised_on", "due_on"}
LABELS = {key: label for key, label, _ in TEXT_FIELDS} | {
    "priority": "Priority", "size": "Size", "framework": "Framework", "dimension_keys": "Dimensions",
    "kpi_ids": "KPIs"}
EDITABLE = {key for key, _, _ in TEXT_FIELDS} | {"priority", "size", "framework", "dimension_keys", "kpi_ids"}


class RegisterItemDialog(FormDialog[dict[str, Any]]):
    """Returns the item's fields (validated) or None when cancelled."""

    guards_changes = True  # escape asks before typed changes are lost
    AUTO_FOCUS = "#description"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="item.cancel"),
        Binding("ctrl+w", "save", "Save", id="item.save", priority=True),
    ]
    DEFAULT_CSS = """
    RegisterItemDialog #form { height: auto; max-height: 100%; }
    RegisterItemDialog Select { width: 100%; }
    RegisterItemDialog SelectionList { height: auto; max-height: 7; background: $boost; }
    RegisterItemDialog #choices { height: auto; }
    RegisterItemDialog #choices > Select { width: 1fr; margin-right: 1; }
    RegisterItemDialog #note { color: $warning; margin-bottom: 1; }
    """

    def __init__(self, item: RegisterItem, dimensions: list[Dimension], kpis: list[Kpi], title: str,
                 note: str = "") -> None:
        super().__init__()
        self.item = item
        self.dimensions = dimensions
        self.kpis = kpis
        self.title_text = title
        self.note = note  # what the facilitator should know first (a gap already covered, or none)

    def compose(self) -> ComposeResult:
        item = self.item
        with VerticalScroll(classes="dialog", id="form"):
            yield Static(user_content(self.title_text), classes="dialog-title")
            if self.note:  # it names dimensions, items and KPIs: user text
                yield Static(user_content(self.note, keep_newlines=True), id="note", classes="note")
            for key, label, hint in TEXT_FIELDS:
                value = getattr(item, key)
                yield Label(label, classes="field-label")
                yield SafeInput("" if value is None else str(value), id=key, placeholder=hint, compact=True)
            yield Label("Priority (1 highest) · size · framework", classes="field-label")
            with Horizontal(id="choices"):
                yield FormSelect([(f"priority {p}", p) for p in range(1, 6)], value=item.priority,
                             allow_blank=False, id="priority", compact=True)
                yield FormSelect([(s.value, s.value) for s in Size], value=item.size.value, allow_blank=False,
                             id="size", compact=True)
                yield FormSelect([(f.value, f.value) for f in Framework], value=item.framework.value,
                             allow_blank=False, id="framework", compact=True)
            yield Label("Dimensions it addresses (space ticks)", classes="field-label")
            yield SelectionList[str](
                *[(user_content(d.name), d.key, d.key in item.dimension_keys) for d in self.dimensions],
                id="dimension_keys", compact=True)
            if self.kpis:
                yield Label("KPIs it moves", classes="field-label")
                yield SelectionList[int](
                    *[(user_content(k.name), k.id, k.id in item.kpi_ids) for k in self.kpis if k.id is not None],
                    id="kpi_ids", compact=True)
            yield from self.form_footer("ctrl+w saves · escape cancels")

    def on_mount(self) -> None:
        # Focusing the description scrolls a short terminal's form down past the title and the
        # note; the note is what must be read first.
        self.call_after_refresh(self.query_one("#form", VerticalScroll).scroll_home, animate=False)

    def fields(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, _, _ in TEXT_FIELDS:
            text = self.query_one(f"#{key}", Input).value.strip()
            values[key] = (text or None) if key in DATE_FIELDS else text
        for key in ("priority", "size", "framework"):
            values[key] = self.query_one(f"#{key}", Select).value
        values["dimension_keys"] = list(self.query_one("#dimension_keys", SelectionList).selected)
        kpis = self.query("#kpi_ids").results(SelectionList)
        values["kpi_ids"] = list(next(kpis).selected) if self.kpis else self.item.kpi_ids
        return values

    def action_save(self) -> None:
        self.submit()

    def submit(self) -> None:
        values = self.fields()
        try:
            RegisterItem.model_validate({**self.item.model_dump(), **values})
        except ValidationError as error:
            self.show_error(explain(error, labels=LABELS))
            field = str(error.errors()[0]["loc"][0]) if error.errors()[0]["loc"] else ""
            if field in {key for key, _, _ in TEXT_FIELDS}:
                self.query_one(f"#{field}", Input).focus()
            return
        self.dismiss(values)


def blank_item(today: date, raised_by: str = "") -> RegisterItem:
    """The starting point of a new item: raised today. Its description is for the facilitator to
    write, so the placeholder shows rather than text to delete."""
    return RegisterItem.model_construct(raised_on=today, raised_by=raised_by, description="")
