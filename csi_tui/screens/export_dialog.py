"""Choose how to export a workshop: the format and where to write it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label, Select, Static

from csi_tui.session.exports import ExportFormat, export_format, export_formats
from csi_tui.domain.models import Workshop, WorkshopRow
from csi_tui.screens.form_dialog import FormDialog
from csi_tui.widgets.safe_input import SafeInput
from csi_tui.widgets.user_text import user_content
from csi_tui.widgets.form_select import FormSelect
from csi_tui.widgets.tick_box import TickBox


@dataclass(frozen=True)
class ExportRequest:
    format: str
    path: Path
    with_history: bool
    force: bool


# The options, suggested names, file-or-folder checks and what an export would replace all come
# from the format registry (csi_tui/transfer/formats.py): nothing here names a format.

def chosen_format(key: object) -> ExportFormat:
    fmt = export_format(str(key))
    if fmt is None:  # the Select offers only the registry's keys
        raise LookupError(f"no export format {key!r}")
    return fmt


def default_name(workshop: Workshop | WorkshopRow, kind: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", workshop.title.lower()).strip("-")[:60] or "workshop"
    return chosen_format(kind).suggested_name(f"{slug}-cycle-{workshop.cycle}")


class ExportDialog(FormDialog[ExportRequest]):
    AUTO_FOCUS = "#format"
    last_field = "path"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="export.cancel")]
    DEFAULT_CSS = """
    ExportDialog Select { width: 100%; }
    """

    def __init__(self, workshop: Workshop | WorkshopRow, folder: Path) -> None:
        super().__init__()
        self.workshop = workshop
        self.folder = folder

    def compose(self) -> ComposeResult:
        formats = export_formats()
        first = formats[0]  # the registry's first is the default
        with Vertical(classes="dialog"):
            yield Static(user_content(f"Export {self.workshop.title}"), classes="dialog-title")
            yield Label("Format", classes="field-label")
            yield FormSelect([(fmt.label, fmt.key) for fmt in formats], value=first.key, allow_blank=False, id="format",
                         compact=True)
            yield Label("Write to", classes="field-label")
            yield SafeInput(str(self.folder / default_name(self.workshop, first.key)), id="path", compact=True)
            yield TickBox("With the earlier cycles (database copy only)", id="with_history", compact=True,
                           disabled=not first.with_history)
            yield TickBox("Replace what is already there", id="force", compact=True)
            yield from self.form_footer("enter exports · escape cancels", primary="Export")

    @on(Select.Changed, "#format")
    def _format_changed(self, event: Select.Changed) -> None:
        fmt = chosen_format(event.value)
        path_input = self.query_one("#path", Input)
        path = Path(path_input.value)
        # Follow the format only while the name is still one we suggested.
        if any(path.name == default_name(self.workshop, other.key) for other in export_formats()):
            path_input.value = str(path.with_name(default_name(self.workshop, fmt.key)))
        self.query_one("#with_history", Checkbox).disabled = not fmt.with_history

    def submit(self) -> None:
        fmt = chosen_format(self.query_one("#format", Select).value)
        text = self.query_one("#path", Input).value.strip()
        force = self.query_one("#force", Checkbox).value
        path = Path(text).expanduser()
        if not text:
            self.show_error("Type where to write the export.")
            return
        if (fmt.folder and path.is_file()) or (not fmt.folder and path.is_dir()):
            self.show_error(f"{path} is a {'file' if path.is_file() else 'folder'}; "
                            f"give {'a folder' if fmt.folder else 'a file name'}")
            return
        if not path.parent.is_dir() and path.parent != self.folder:  # our own folder is made on export
            self.show_error(f"The folder {path.parent} does not exist.")
            return
        taken = fmt.existing(path)
        if taken and not force:
            self.show_error(f"{taken[0]} already exists; tick “Replace” to overwrite it.")
            return
        self.dismiss(ExportRequest(fmt.key, path, self.query_one("#with_history", Checkbox).value, force))
