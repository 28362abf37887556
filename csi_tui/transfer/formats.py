"""The export formats, named once: the command line's --format choices and help, the export
dialog's options, suggested names and overwrite checks, and the exporter's dispatch all read this
registry, so a new format is one entry here plus its writer.

Plain data on purpose. The command line builds its parser from this module before anything heavy
loads, and `csi-tui open` paints its first screen before pydantic is imported; so this module
imports only the standard library, never the store, the models or the writers."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# The tables a CSV export writes, one file each, in this order. Named here rather than in
# tables.py (which re-exports them as TABLES) so the dialog can say which files an export would
# replace without loading the store that tables.py needs.
CSV_TABLES = ("answers", "scores", "gap_matrix", "participants", "register", "kpis", "measurements")


@dataclass(frozen=True)
class ExportFormat:
    key: str
    """What the command line's --format takes and the dialog's Select holds."""
    label: str
    """The dialog's wording for it."""
    suffix: str
    """Appended to a suggested name: a file extension, or for a folder the folder's ending."""
    writer: str
    """The function that writes it, as "module:function", resolved only when an export runs (see
    `resolve_writer`). It takes (store, workshop_id, path, *, force), plus with_history when
    `with_history` is true, and returns the line to tell the person who asked."""
    folder: bool = False
    """Writes a folder of `members` rather than one file."""
    with_history: bool = False
    """Can include the earlier cycles the workshop grew from."""
    templated: bool = False
    """A report drawn from a Jinja2 template: its writer also takes `template`, a file of one's
    own (`export --template`)."""
    members: tuple[str, ...] = field(default=())
    """A folder format's file names inside its folder: what an export there writes, and so what it
    could replace."""

    def suggested_name(self, stem: str) -> str:
        return f"{stem}{self.suffix}"

    def targets(self, path: Path) -> list[Path]:
        """The files an export to ``path`` writes."""
        return [path / name for name in self.members] if self.folder else [path]

    def existing(self, path: Path) -> list[Path]:
        """What an export to ``path`` would replace."""
        return [target for target in self.targets(path) if target.exists()]

    def resolve_writer(self) -> Callable[..., str]:
        # A string, not the function itself: importing a writer imports the store, the models and
        # pydantic, which the command line's parser and the app's first frame must not wait for.
        # importlib loads it when an export actually runs.
        module_name, _, function_name = self.writer.partition(":")
        writer = getattr(importlib.import_module(module_name), function_name)
        if not callable(writer):
            raise TypeError(f"export writer {self.writer!r} is not callable")
        return writer  # type: ignore[no-any-return]


EXPORTS: tuple[ExportFormat, ...] = (
    # The first is the dialog's default.
    ExportFormat("html", "HTML report for stakeholders (.html)", ".html", "csi_tui.transfer.files:write_html",
                 templated=True),
    ExportFormat("md", "Markdown report (.md)", ".md", "csi_tui.transfer.files:write_markdown",
                 templated=True),
    ExportFormat("csv", "CSV tables for spreadsheets (a folder)", "-tables", "csi_tui.transfer.tables:write_csv",
                 folder=True, members=tuple(f"{name}.csv" for name in CSV_TABLES)),
    ExportFormat("json", "JSON document (.json)", ".json", "csi_tui.transfer.files:write_json"),
    ExportFormat("db", "Database copy, opens in csi-tui (.db)", ".db", "csi_tui.transfer.files:write_database",
                 with_history=True),
)

if len({fmt.key for fmt in EXPORTS}) != len(EXPORTS):  # a second entry with a key would be unreachable
    raise ValueError("export formats must have distinct keys")


# Callers go through these two rather than keeping copies of the registry, so what they offer is
# whatever EXPORTS holds when they ask (a test adds an entry and sees it in the parser and dialog).

def export_formats() -> tuple[ExportFormat, ...]:
    """Every format, in the registry's order."""
    return EXPORTS


def export_format(key: str) -> ExportFormat | None:
    """The format with that key, or None."""
    return next((fmt for fmt in EXPORTS if fmt.key == key), None)
