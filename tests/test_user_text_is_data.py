"""Whatever a person types shows literally, crashes nothing and triggers nothing."""

from __future__ import annotations

import html
import re
from pathlib import Path

from textual.app import App
from textual.widgets import DataTable, Input, TextArea

from csi_tui.widgets.line_table import LineTable
from csi_tui.screens.home import HomeScreen
from csi_tui.screens.participants import ParticipantsScreen
from csi_tui.screens.score_dialog import ScoreDialog
from csi_tui.screens.step import StepScreen
from csi_tui.domain.steps import STEPS
from csi_tui.domain.text import for_display
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.line_table import LineTable
from tests.helpers.ui import TRICKY, settle, test_app, type_keys, type_text

TITLE = " ".join(TRICKY)


def screen_text(app: App[None]) -> str:
    """The characters on screen, row by row, read from an SVG screenshot."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for match in re.finditer(r'<text[^>]* x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(match.group(2)), []).append((float(match.group(1)), html.unescape(match.group(3))))
    return "\n".join("".join(t for _, t in sorted(parts)) for _, parts in sorted(rows.items())).replace("\xa0", " ")


def visible(text: str) -> list[str]:
    """What must appear on screen: every bracketed piece as typed. An escape sequence is not one:
    shown, it goes whole (csi_tui/domain/text.py); in a field being edited only its ESC goes, so
    its tail ("[31m") shows there and not elsewhere. Control bytes never show."""
    not_text = r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|[\x00-\x1f]"  # CSI, OSC, control bytes
    return [piece for piece in re.split(not_text, text) if "[" in piece]


async def test_markup_and_escape_sequences_are_stored_and_shown_literally(db_path: Path) -> None:
    app = test_app(db_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        for _ in range(4):  # title, organisation, scope, facilitator
            await type_text(pilot, TITLE)
            await pilot.press("enter")
        await pilot.press("ctrl+w")  # create
        await settle(pilot)
        step_screen = pilot.app.screen
        assert isinstance(step_screen, StepScreen)
        assert all(piece in screen_text(pilot.app) for piece in visible(TITLE))

        # A participant named with markup, then a score whose evidence is markup.
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ParticipantsScreen)
        pilot.app.screen.query_one("#name", Input).focus()
        await type_text(pilot, TITLE)
        await pilot.press("enter")
        await settle(pilot)
        assert all(piece in screen_text(pilot.app) for piece in visible(TITLE))
        await pilot.press("escape")
        await settle(pilot)
        pilot.app.screen.query_one("#scoring #scores", LineTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ScoreDialog)
        await pilot.press("2")  # the level; the hand moves on to the evidence
        await type_text(pilot, TITLE)
        await pilot.press("enter")
        await settle(pilot)

        for step in STEPS:
            await pilot.press("ctrl+g", str(step.number))
            await settle(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, StepScreen)
            for field in step.fields:
                screen.query_one(f"#answer-{field.key}", TextArea).focus()
                await type_keys(pilot, TRICKY[0] + " ")  # typed key by key
                await type_text(pilot, "".join(piece + " " for piece in TRICKY[1:]) + "\x07")  # pasted
            await settle(pilot)
            shown = screen_text(pilot.app)
            assert all(piece in shown for piece in visible(TITLE)), step.number

        await pilot.press("escape")  # home: the title in the list, then a click right on it
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
        assert all(piece in screen_text(pilot.app) for piece in visible(TITLE))
        await pilot.click("#workshops", offset=(20, 1))
        await settle(pilot)
        assert pilot.app.is_running  # [@click=app.quit] did not fire
        assert pilot.app.screen.is_current

    with open_store(db_path) as store:
        (workshop,) = store.workshops()
        assert (workshop.title, workshop.organisation, workshop.scope, workshop.facilitator) == (TITLE,) * 4
        (person,) = store.participants(workshop.id)
        assert person.name == TITLE
        (score,) = store.scores(workshop.id)
        assert score.evidence == TITLE
        typed = "".join(piece + " " for piece in TRICKY) + "\x07"
        assert store.answers(workshop.id) == {s.number: {f.key: typed for f in s.fields} for s in STEPS}


async def test_register_items_and_kpi_names_show_literally(db_path: Path) -> None:
    from datetime import date

    from csi_tui.domain.models import Kpi, RegisterItem
    from tests.conftest import create_workshop

    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        store.add_kpi(workshop_id, Kpi(name=TITLE, unit="[%]"))
        for tricky in TRICKY:
            store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 1), description=tricky,
                                                              owner=tricky))
    app = test_app(db_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        table = app.screen.query_one("#items", LineTable)
        # As typed, less what a terminal would act on rather than show: escape sequences, the bell.
        assert [table.get_row_at(i)[1].plain for i in range(table.row_count)] == [
            for_display(t, keep_newlines=False) for t in TRICKY]
        shown = screen_text(app)
        for tricky in TRICKY:
            for piece in visible(tricky):
                assert piece in shown
        await pilot.press("escape", "f5")
        await settle(pilot)
        shown = screen_text(app)
        assert f"Trend of {visible(TITLE)[0]}" in shown and "([%])" in shown
        assert app.is_running  # [@click=app.quit] triggered nothing
    with open_store(db_path) as store:
        assert [item.description for item in store.register_items(workshop_id)] == TRICKY
