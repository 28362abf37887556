"""The export-format registry (csi_tui/transfer/formats.py) is the one place a format is named: the
command line's --format, the export dialog's options and the exporter's dispatch all follow it."""

from __future__ import annotations

import argparse
import inspect
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Checkbox, Input, OptionList, Select

from csi_tui.cli import build_parser
from csi_tui.domain.models import Workshop
from csi_tui.screens.export_dialog import ExportDialog
from csi_tui.transfer import formats
from csi_tui.transfer.files import export_workshop
from csi_tui.transfer.formats import ExportFormat, export_format, export_formats
from csi_tui.transfer.tables import TABLES, table_files

WORKSHOP = Workshop(id=7, title="Service desk CSI", template_id="itil4-svs", scale_id="cmmi-5", cycle=2,
                    created_at=datetime(2026, 1, 5, tzinfo=UTC), updated_at=datetime(2026, 1, 5, tzinfo=UTC))


def probe_writer(store: object, workshop_id: int, path: Path, *, force: bool = False) -> str:
    """A writer for a format the tests add: proves the dispatch goes through the registry."""
    return f"probe wrote workshop {workshop_id} to {path} (force={force})"


PROBE = ExportFormat("probe", "Probe file for the tests (.probe)", ".probe", f"{__name__}:probe_writer")


@pytest.fixture
def with_probe(monkeypatch: pytest.MonkeyPatch) -> ExportFormat:
    monkeypatch.setattr(formats, "EXPORTS", (*formats.EXPORTS, PROBE))
    return PROBE


def format_action(parser: argparse.ArgumentParser) -> argparse.Action:
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return next(a for a in commands.choices["export"]._actions if a.dest == "format")


class Host(App[None]):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def on_mount(self) -> None:
        self.push_screen(ExportDialog(WORKSHOP, self.folder))


async def dialog_options(folder: Path) -> list[tuple[str, str, str, bool]]:
    """(label, key, suggested file name, history box enabled) for each option the dialog offers."""
    async with Host(folder).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportDialog)
        select = dialog.query_one("#format", Select)
        overlay = select.query_one(OptionList)
        labels = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
        seen = []
        for label, fmt in zip(labels, export_formats(), strict=True):
            select.value = fmt.key  # refused were it not one of the Select's options
            await pilot.pause()
            path = Path(dialog.query_one("#path", Input).value)
            assert path.parent == folder
            seen.append((label, str(select.value), path.name, not dialog.query_one("#with_history", Checkbox).disabled))
        return seen


def registry_view() -> list[tuple[str, str, str, bool]]:
    return [(f.label, f.key, f"service-desk-csi-cycle-2{f.suffix}", f.with_history) for f in export_formats()]


def test_the_registry_holds_the_five_formats_in_the_dialogs_order() -> None:
    assert [f.key for f in export_formats()] == ["html", "md", "csv", "json", "db"]
    assert [f.key for f in export_formats() if f.folder] == ["csv"]
    assert [f.key for f in export_formats() if f.with_history] == ["db"]
    assert export_format("csv").suffix == "-tables" and export_format("xlsx") is None


def test_the_command_lines_choices_and_help_are_the_registrys() -> None:
    action = format_action(build_parser())
    assert list(action.choices) == [f.key for f in export_formats()]
    assert all(f.label in action.help for f in export_formats())


async def test_the_dialog_offers_the_registrys_formats_with_their_names(tmp_path: Path) -> None:
    assert await dialog_options(tmp_path) == registry_view()


async def test_an_added_format_shows_up_on_the_command_line_in_the_dialog_and_in_the_export(
        tmp_path: Path, with_probe: ExportFormat) -> None:
    parser = build_parser()
    assert "probe" in format_action(parser).choices
    assert parser.parse_args(["export", "7", "--format", "probe", "-o", "x.probe"]).format == "probe"
    options = await dialog_options(tmp_path)
    assert options == registry_view() and options[-1][:3] == (
        with_probe.label, "probe", "service-desk-csi-cycle-2.probe")
    line = export_workshop(object(), 7, "probe", tmp_path / "x.probe", with_history=True, force=True)  # type: ignore[arg-type]
    assert line == f"probe wrote workshop 7 to {tmp_path / 'x.probe'} (force=True)"


@pytest.mark.parametrize("fmt", export_formats(), ids=lambda f: f.key)
def test_each_writer_resolves_to_a_callable_taking_what_the_export_passes(fmt: ExportFormat) -> None:
    # importlib imports are invisible to lint-imports: keep every writer in the transfer layer.
    assert fmt.writer.startswith("csi_tui.transfer.")
    writer = fmt.resolve_writer()
    assert callable(writer)
    keywords = {name for name, p in inspect.signature(writer).parameters.items() if p.kind is p.KEYWORD_ONLY}
    assert keywords == ({"force"} | ({"with_history"} if fmt.with_history else set())
                        | ({"template"} if fmt.templated else set()))


def test_an_unknown_format_is_refused_naming_the_registrys() -> None:
    with pytest.raises(Exception, match=r"unknown export format 'xlsx' \(choose from html, md, csv, json, db\)"):
        export_workshop(object(), 1, "xlsx", Path("x.xlsx"))  # type: ignore[arg-type]


def test_what_an_export_would_replace(tmp_path: Path) -> None:
    csv, json = export_format("csv"), export_format("json")
    assert csv.targets(tmp_path / "t") == table_files(tmp_path / "t")
    assert [p.stem for p in table_files(tmp_path)] == list(TABLES)
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "scores.csv").write_text("mine")
    (tmp_path / "t" / "notes.txt").write_text("not ours")
    assert csv.existing(tmp_path / "t") == [tmp_path / "t" / "scores.csv"]
    assert json.existing(tmp_path / "w.json") == []
    (tmp_path / "w.json").write_text("{}")
    assert json.existing(tmp_path / "w.json") == [tmp_path / "w.json"]


def test_naming_the_formats_loads_no_writer_store_or_pydantic() -> None:
    probe = ("import sys, csi_tui.transfer.formats as f\n"
             "f.export_formats()\n"
             "print(sorted(m for m in sys.modules if m == 'pydantic' or m.startswith(('csi_tui.store', "
             "'csi_tui.transfer.files', 'csi_tui.transfer.tables', 'csi_tui.transfer.report', 'textual'))))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
