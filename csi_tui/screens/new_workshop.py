"""Create a workshop inside the app, with the same rules as `csi-tui new`. Enter moves from field
to field and never creates: the template and scale come after the text fields, and a room that
pressed enter through the names must still get to choose them. ctrl+w or the Create button creates."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from csi_tui.domain.errors import InvalidInput
from csi_tui.screens.form_dialog import GuardedDialog
from csi_tui.templates import shipped_scales, shipped_templates
from csi_tui.workshops import NewWorkshop, new_workshop
from csi_tui.widgets.safe_input import SafeInput
from csi_tui.widgets.tick_box import TickBox
from csi_tui.widgets.user_text import user_content
from csi_tui.widgets.form_select import FormSelect

TEXT_FIELDS = (
    ("title", "Title", "e.g. Service desk CSI, spring 2026"),
    ("organisation", "Organisation", "who the improvement is for"),
    ("scope", "Scope", "a team, a department, a service, all of IT"),
    ("facilitator", "Facilitator", "who runs the workshop"),
    ("site_label", "Site or team", "where this runs, to tell sites apart in a portfolio"),
)


class NewWorkshopScreen(GuardedDialog[NewWorkshop]):
    AUTO_FOCUS = "#title"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="new.cancel"),
        Binding("ctrl+w", "create", "Create", id="new.create", priority=True),
    ]
    scale_chosen = False  # once the facilitator picks a scale, a template change keeps it
    suggested_scale = ""  # the template's default scale, last put in the scale field
    DEFAULT_CSS = """
    NewWorkshopScreen #form { height: auto; max-height: 100%; }
    NewWorkshopScreen Select { width: 100%; }
    """

    def compose(self) -> ComposeResult:
        templates, scales = shipped_templates(), shipped_scales()
        first = next(iter(templates.values()))
        with VerticalScroll(classes="dialog", id="form"):
            # The keys in the title row: at 80x24 the form is taller than the screen, and the
            # Create button and the hint below it start out of sight.
            with Horizontal(classes="dialog-title-row"):
                yield Static("New workshop", classes="dialog-title")
                yield Static("ctrl+w creates · esc cancels", classes="title-keys", markup=False)
            for key, label, hint in TEXT_FIELDS:
                yield Label(label, classes="field-label")
                yield SafeInput(id=key, placeholder=hint, compact=True)
            yield Label("Assessment template", classes="field-label")
            yield FormSelect([(f"{t.name} ({len(t.dimensions)} dimensions)", t.id) for t in templates.values()],
                         value=first.id, allow_blank=False, id="template", compact=True)
            yield Label("Maturity scale", classes="field-label")
            yield FormSelect([(f"{s.name} ({s.lowest}-{s.highest})", s.id) for s in scales.values()],
                         value=first.default_scale, allow_blank=False, id="scale", compact=True)
            self.suggested_scale = first.default_scale
            yield TickBox("Anonymous: participants by alias only", id="anonymous", compact=True)
            yield Static("", id="error", classes="error", markup=False)
            yield Static("enter moves on · ctrl+w creates · escape cancels", classes="hint", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Create", id="create", variant="primary", compact=True)

    @on(Select.Changed, "#template")
    def _template_changed(self, event: Select.Changed) -> None:
        template = shipped_templates().get(str(event.value))
        if template is not None and not self.scale_chosen:
            self.suggested_scale = template.default_scale
            self.query_one("#scale", Select).value = template.default_scale

    @on(Select.Changed, "#scale")
    def _scale_changed(self, event: Select.Changed) -> None:
        # The field also reports the value it opens with and each suggestion: only a scale other
        # than the suggested one is the facilitator's own choice.
        if event.value != self.suggested_scale:
            self.scale_chosen = True

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#create")
    def action_create(self) -> None:
        text = {key: self.query_one(f"#{key}", Input).value for key, _, _ in TEXT_FIELDS}
        try:
            workshop = new_workshop(
                **text,
                template=str(self.query_one("#template", Select).value),
                scale=str(self.query_one("#scale", Select).value),
                anonymous=self.query_one("#anonymous", Checkbox).value,
            )
        except InvalidInput as error:
            self.query_one("#error", Static).update(user_content(str(error)))  # it may quote what was typed
            field = str(error).split(":", 1)[0]
            if field in text:
                self.query_one(f"#{field}", Input).focus()
            return
        self.dismiss(workshop)
