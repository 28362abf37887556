"""Choose how to export a workshop: the format and where to write it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Checkbox, Input, Label, Select, Static

from csi_tui.export.tables import table_files
from csi_tui.models import Workshop
from csi_tui.screens.form_dialog import FormDialog

FORMATS = [
    ("HTML report for stakeholders (.html)", "html"),
    ("Markdown report (.md)", "md"),
    ("CSV tables for spreadsheets (a folder)", "csv"),
    ("JSON document (.json)", "json"),
    ("Database copy, opens in csi-tui (.db)", "db"),
]
SUFFIXES = {"html": ".html", "md": ".md", "csv": "-tables", "json": ".json", "db": ".db"}


@dataclass(frozen=True)
class ExportRequest:
    format: str
    path: Path
    with_history: bool
    force: bool


def default_name(workshop: Workshop, kind: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", workshop.title.lower()).strip("-")[:60] or "workshop"
    return f"{slug}-cycle-{workshop.cycle}{SUFFIXES[kind]}"


def existing(path: Path, kind: str) -> list[Path]:
    """What the export would replace."""
    return [file for file in (table_files(path) if kind == "csv" else [path]) if file.exists()]


class ExportDialog(FormDialog[ExportRequest]):
    AUTO_FOCUS = "#format"
    last_field = "path"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="export.cancel")]
    DEFAULT_CSS = """
    ExportDialog Select { width: 100%; }
    """

    def __init__(self, workshop: Workshop, folder: Path) -> None:
        super().__init__()
        self.workshop = workshop
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(f"Export {self.workshop.title}"), classes="dialog-title")
            yield Label("Format", classes="field-label")
            yield Select(FORMATS, value="html", allow_blank=False, id="format", compact=True)
            yield Label("Write to", classes="field-label")
            yield Input(str(self.folder / default_name(self.workshop, "html")), id="path", compact=True)
            yield Checkbox("With the earlier cycles (database copy only)", id="with_history", compact=True,
                           disabled=True)
            yield Checkbox("Replace what is already there", id="force", compact=True)
            yield from self.form_footer("enter exports · escape cancels", primary="Export")

    @on(Select.Changed, "#format")
    def _format_changed(self, event: Select.Changed) -> None:
        kind = str(event.value)
        path_input = self.query_one("#path", Input)
        path = Path(path_input.value)
        # Follow the format only while the name is still one we suggested.
        if any(path.name == default_name(self.workshop, other) for other in SUFFIXES):
            path_input.value = str(path.with_name(default_name(self.workshop, kind)))
        self.query_one("#with_history", Checkbox).disabled = kind != "db"

    def submit(self) -> None:
        kind = str(self.query_one("#format", Select).value)
        text = self.query_one("#path", Input).value.strip()
        force = self.query_one("#force", Checkbox).value
        path = Path(text).expanduser()
        if not text:
            self.show_error("Type where to write the export.")
            return
        if (kind == "csv" and path.is_file()) or (kind != "csv" and path.is_dir()):
            self.show_error(f"{path} is a {'file' if path.is_file() else 'folder'}; "
                            f"give {'a folder' if kind == 'csv' else 'a file name'}")
            return
        if not path.parent.is_dir() and path.parent != self.folder:  # our own folder is made on export
            self.show_error(f"The folder {path.parent} does not exist.")
            return
        taken = existing(path, kind)
        if taken and not force:
            self.show_error(f"{taken[0]} already exists; tick “Replace” to overwrite it.")
            return
        self.dismiss(ExportRequest(kind, path, self.query_one("#with_history", Checkbox).value, force))
