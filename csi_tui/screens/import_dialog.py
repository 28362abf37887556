"""Ask for the CSV file of a KPI's measurements (time, value, note)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from csi_tui.screens.form_dialog import FormDialog
from csi_tui.widgets.safe_input import SafeInput
from csi_tui.widgets.user_text import user_content


class ImportDialog(FormDialog[Path]):
    AUTO_FOCUS = "#path"
    last_field = "path"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="import.cancel")]

    def __init__(self, kpi_name: str) -> None:
        super().__init__()
        self.kpi_name = kpi_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(user_content(f"Import measurements of {self.kpi_name}"), classes="dialog-title")
            yield Static("A CSV file with rows of time, value, note (a header row is optional), as a "
                         "spreadsheet saves it: ';', ',' or tab between fields, dates in ISO or day first. "
                         "Good rows are kept; bad rows are listed by line number.", markup=False)
            yield SafeInput(id="path", placeholder="path to the .csv file", compact=True)
            yield from self.form_footer("enter imports · escape cancels", primary="Import")

    def submit(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        path = Path(text).expanduser()
        if not text:
            self.show_error("Type the path of a CSV file.")
        elif not path.is_file():
            self.show_error(f"{path}: no such file")
        else:
            self.dismiss(path)
