"""Issue 14: the command palette holds the app's and the current screen's actions, named in the
facilitator's words with their keys; not the text field's cursor commands, not a Screenshot that
fails when ~/Downloads is missing."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import OptionList

from csi_tui.screens.step import StepScreen
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop, fixed_clock
from tests.helpers.ui import settle, test_app


def palette_entries(app) -> list[str]:  # noqa: ANN001
    """Every command the open palette offers, as its lines read."""
    results = app.screen.query_one(OptionList)
    return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]


async def test_the_palette_on_a_step_lists_the_steps_actions_by_name_and_key(db_path: Path) -> None:
    with open_store(db_path, clock=fixed_clock) as store:
        create_workshop(store)
    app = test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)  # focus in the first answer, a text area
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        entries = "\n".join(palette_entries(app))
        for words in ("Previous step\nctrl+o · Go back one question", "Next step\nctrl+n", "Participants\nctrl+r",
                      "Workshops\nescape · Back to the list of workshops", "Quit\nctrl+q", "Projector\nf8",
                      "Help\nf12"):
            assert words in entries, words
        for words in ("Cursor", "select", "Bottom", "Screenshot", "Prev\n", "List\n", "People", "Guide\n"):
            assert words not in entries + "\n", words
        assert len(entries.splitlines()) == len(set(entries.splitlines()))  # nothing twice

        # A command runs the action it names, on the screen it came from.
        await pilot.press(*"next step")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and app.screen.step.number == 2
