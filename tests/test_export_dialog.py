"""Exporting from inside the app: `x` on the workshop list or the closing screen, a format and a
place, and the files on disk afterwards."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, Select, Static

from csi_tui.demo import write_demo
from csi_tui.transfer.tables import TABLES
from csi_tui.screens.closing import ClosingScreen
from csi_tui.screens.export_dialog import ExportDialog
from csi_tui.widgets.line_table import LineTable
from tests.helpers.ui import settle, test_app


def demo_app(tmp_path: Path):  # noqa: ANN201 - the app under test
    db_path = tmp_path / "demo.db"
    second = write_demo(db_path)
    app = test_app(db_path)
    app.pictures_dir = tmp_path / "documents"  # never the real ~/Documents
    return app, second


async def select_workshop(pilot, workshop_id: int) -> None:  # noqa: ANN001
    table = pilot.app.screen.query_one("#workshops", LineTable)
    table.move_cursor(row=table.row_index(str(workshop_id)))
    await settle(pilot)


async def test_x_on_the_list_exports_an_html_report_into_the_documents_folder(tmp_path: Path) -> None:
    app, second = demo_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await select_workshop(pilot, second)
        await pilot.press("x")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportDialog)
        path = Path(dialog.query_one("#path", Input).value)
        assert path == tmp_path / "documents" / "service-desk-csi-programme-cycle-2.html"
        await pilot.press("tab", "enter")  # to the path, and export
        await settle(pilot)
        assert not isinstance(pilot.app.screen, ExportDialog)
        html = path.read_text(encoding="utf-8")
        assert "<h1>Service desk CSI programme</h1>" in html and "<svg" in html
        assert any(f"Workshop {second} written to {path}" in n.message for n in pilot.app._notifications)


async def test_choosing_csv_writes_the_tables_and_an_existing_export_is_replaced_only_when_ticked(
        tmp_path: Path) -> None:
    app, second = demo_app(tmp_path)
    folder = tmp_path / "documents" / "service-desk-csi-programme-cycle-2-tables"
    folder.mkdir(parents=True)
    (folder / "scores.csv").write_text("keep me")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await select_workshop(pilot, second)
        await pilot.press("x")
        await settle(pilot)
        dialog = pilot.app.screen
        await pilot.press("enter", "down", "down", "enter")  # open the format list, pick CSV
        await settle(pilot)
        assert dialog.query_one("#format", Select).value == "csv"
        assert Path(dialog.query_one("#path", Input).value) == folder  # the suggested name followed
        assert pilot.app.focused is dialog.query_one("#path", Input)  # the choice moved on to the path
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is dialog  # refused: something is there
        assert "already exists" in str(dialog.query_one("#error", Static).render())
        assert (folder / "scores.csv").read_text() == "keep me"
        dialog.query_one("#force", Checkbox).focus()
        await pilot.press("space", "shift+tab")  # tick Replace; back past the disabled history box to the path
        assert pilot.app.focused is dialog.query_one("#path", Input)
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is not dialog
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{name}.csv" for name in TABLES)
    header = (folder / "scores.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[0] == "workshop_id"  # each row says which workshop it belongs to
    assert {"dimension", "kind", "value"} <= set(header)


async def test_x_on_the_closing_screen_exports_markdown_to_a_typed_path(tmp_path: Path) -> None:
    app, second = demo_app(tmp_path)
    target = tmp_path / "out" / "report.md"
    target.parent.mkdir()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pilot.app.show_closing(second)
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClosingScreen)
        await pilot.press("x")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#format", Select).value = "md"
        path_input = dialog.query_one("#path", Input)
        path_input.value = str(tmp_path / "missing" / "report.md")
        path_input.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "does not exist" in str(dialog.query_one("#error", Static).render())
        path_input.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClosingScreen)
    assert target.read_text(encoding="utf-8").startswith("# Service desk CSI programme")
