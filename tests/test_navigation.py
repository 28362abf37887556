"""Moving around a workshop from the keyboard: next, previous, any step, home; keys that can be
remapped; every action also in the command palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from csi_tui.app import make_app
from csi_tui.screens.closing import ClosingScreen
from csi_tui.screens.home import HomeScreen
from csi_tui.screens.step import StepScreen
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.guidance_panel import GuidancePanel
from csi_tui.widgets.step_timer import StepTimer
from tests.conftest import create_workshop
from tests.helpers.ui import open_selected_workshop, settle, test_app, type_text

TAKEN_BY_TERMINALS = {"ctrl+s", "ctrl+j", "ctrl+b", "ctrl+a", "ctrl+z", "ctrl+m", "ctrl+i", "ctrl+h"}


def seed(db_path: Path) -> int:
    with open_store(db_path) as store:
        return create_workshop(store)


def current_step(db_path: Path, workshop_id: int) -> int:
    with open_store(db_path) as store:
        return store.workshop(workshop_id).current_step


def write_keymap(user_dirs: Path, keys: str) -> None:
    """A person's keymap.toml in the (isolated) config directory."""
    folder = user_dirs / "xdg_config_home" / "csi-tui"
    folder.mkdir(parents=True)
    (folder / "keymap.toml").write_text(f"[keys]\n{keys}\n")


def on_step(pilot) -> int:
    screen = pilot.app.screen
    assert isinstance(screen, StepScreen)
    return screen.step.number


async def test_next_previous_and_go_to_any_step(db_path: Path) -> None:
    workshop_id = seed(db_path)
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        assert on_step(pilot) == 1
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert on_step(pilot) == 2
        await pilot.press("ctrl+g", "6")
        await settle(pilot)
        assert on_step(pilot) == 6
        await pilot.press("ctrl+n")  # after the last question: the closing screen
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClosingScreen)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert on_step(pilot) == 6
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert on_step(pilot) == 5
        assert current_step(db_path, workshop_id) == 5
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)


async def test_a_user_keymap_moves_an_action_to_another_key(db_path: Path) -> None:
    seed(db_path)
    async with test_app(db_path, keymap={"step.next": "f5"}).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert on_step(pilot) == 1
        await pilot.press("f5")
        await settle(pilot)
        assert on_step(pilot) == 2


async def test_the_keymap_file_in_the_config_dir_is_applied(db_path: Path, isolated_user_dirs: Path) -> None:
    seed(db_path)
    write_keymap(isolated_user_dirs, '"step.next" = "f9"')
    async with make_app(db_path, cursor_blink=False).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert on_step(pilot) == 2


async def test_a_broken_keymap_file_is_reported_and_the_default_keys_work(
    db_path: Path, isolated_user_dirs: Path
) -> None:
    seed(db_path)
    write_keymap(isolated_user_dirs, '"step.next" = 5')
    async with make_app(db_path, cursor_blink=False).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert any("keymap" in str(n.message) for n in pilot.app._notifications)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert on_step(pilot) == 2


async def test_every_step_key_is_in_the_palette_and_avoids_terminal_keys(db_path: Path) -> None:
    seed(db_path)
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n")  # step 2: every step action applies there
        await settle(pilot)
        screen = pilot.app.screen
        commands = {command.title for command in pilot.app.get_system_commands(screen)}
        for binding in StepScreen.BINDINGS:
            assert binding.description in commands
            assert binding.id, f"{binding.action} has no id, so it cannot be remapped"
            assert not set(binding.key.split(",")) & TAKEN_BY_TERMINALS

        # Run one through the palette as a person would.
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "Timer")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_one(StepTimer).timebox.running


async def test_the_guidance_panel_can_be_hidden_and_shown(db_path: Path) -> None:
    seed(db_path)
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        panel = pilot.app.screen.query_one(GuidancePanel)
        assert panel.display
        await pilot.press("f1")
        assert not panel.display
        await pilot.press("f1")
        assert panel.display


def side_panels(pilot) -> tuple[bool, bool | None]:
    """(guidance shown, gap matrix shown); None where the step has no gap matrix."""
    screen = pilot.app.screen
    matrices = screen.query("#gap-panel")
    return screen.query_one(GuidancePanel).display, (matrices.first().display if matrices else None)


async def test_the_side_panels_stay_as_the_facilitator_left_them_from_step_to_step(db_path: Path) -> None:
    # Hiding the prompts in front of the room, or keeping the gap matrix beside the scores, is a
    # choice for the sitting: pressing f1 or f2 again on every step was a chore.
    seed(db_path)
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f1")  # the prompts hidden on step 1...
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert (on_step(pilot), side_panels(pilot)) == (2, (False, False))  # ...stay hidden on step 2
        await pilot.press("f2")  # the gap matrix beside the scores...
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert (on_step(pilot), side_panels(pilot)) == (3, (False, True))  # ...on step 3 too
        # Arriving on a step, the facilitator scores: the cursor is in the scores, not the matrix.
        assert pilot.app.focused is pilot.app.screen.query_one("#scoring #scores")
        await pilot.press("ctrl+g", "5")  # no matrix on step 5: its prompts, as ever
        await settle(pilot)
        assert (on_step(pilot), side_panels(pilot)) == (5, (True, None))
        await pilot.press("ctrl+o")  # back where there is one: the matrix again
        await settle(pilot)
        assert (on_step(pilot), side_panels(pilot)) == (4, (False, True))
        await pilot.press("f2")  # the prompts instead of the matrix
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert (on_step(pilot), side_panels(pilot)) == (3, (True, False))
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:  # a new sitting opens as shipped
        await open_selected_workshop(pilot)
        assert side_panels(pilot) == (True, False)


async def test_the_projector_theme_switches_on_and_back(db_path: Path) -> None:
    seed(db_path)
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = pilot.app.theme
        await pilot.press("f8")
        assert pilot.app.theme == "projector"
        await pilot.press("f8")
        assert pilot.app.theme == before


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_every_step_lays_out_at_laptop_and_projector_sizes(db_path: Path, size: tuple[int, int]) -> None:
    seed(db_path)
    async with test_app(db_path).run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        for step in range(1, 7):
            await pilot.press("ctrl+g", str(step))
            await settle(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, StepScreen)
            for widget in screen.query("StepHeader, #answers, Footer"):
                region = widget.region
                assert region.width > 0 and region.height > 0, widget
                assert region.right <= size[0] and region.bottom <= size[1], widget
            assert screen.query_one("#answers").region.width >= 40  # room to write in


async def test_the_new_workshop_form_refuses_a_blank_title_and_creates_nothing(db_path: Path) -> None:
    open_store(db_path).close()
    async with test_app(db_path).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.click("#create")
        await settle(pilot)
        error = pilot.app.screen.query_one("#error")
        assert "title: must not be blank" in str(error.render())
        assert pilot.app.focused is pilot.app.screen.query_one("#title", Input)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
    with open_store(db_path) as store:
        assert store.workshops() == []


async def test_every_action_of_a_step_is_in_the_footer(db_path: Path) -> None:
    seed(db_path)
    async with test_app(db_path).run_test(size=(220, 30)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("ctrl+n")  # step 2: every step action applies there
        await settle(pilot)
        # By action: the footer may give a key a shorter label than its name in `?` and the palette.
        shown = {key.action for key in pilot.app.screen.query("FooterKey")}
        wanted = {b.action for b in (*StepScreen.BINDINGS, *pilot.app.BINDINGS) if b.show}
        assert wanted <= shown


def test_every_binding_id_is_documented_for_remapping() -> None:
    """A facilitator remaps keys by id (keymap.toml); an id missing from the README cannot be found."""
    import importlib
    import pkgutil

    import csi_tui.screens
    import csi_tui.widgets
    from textual.binding import Binding
    from textual.dom import DOMNode

    from csi_tui.app import CsiApp

    classes: list[type] = [CsiApp]
    for package in (csi_tui.screens, csi_tui.widgets):
        for module in pkgutil.iter_modules(package.__path__):
            loaded = importlib.import_module(f"{package.__name__}.{module.name}")
            classes += [c for c in vars(loaded).values()
                        if isinstance(c, type) and issubclass(c, DOMNode) and c.__module__ == loaded.__name__]
    ids = {b.id for c in classes for b in c.BINDINGS if isinstance(b, Binding) and b.id}
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert len(ids) > 40
    documented = readme.replace("`goto.1` to `goto.6`", " ".join(f"`goto.{n}`" for n in range(1, 7)))
    assert sorted(i for i in ids if f"`{i}`" not in documented) == []


async def test_next_pressed_again_before_the_next_step_shows_moves_on_again(db_path: Path) -> None:
    # Keys typed ahead on a busy laptop reach the step being left: each still moves one step on.
    from textual import events

    seed(db_path)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        assert isinstance(pilot.app.screen, StepScreen) and pilot.app.screen.step.number == 1
        for _ in range(3):  # as the terminal delivers them, all before any step changes
            pilot.app.post_message(events.Key("ctrl+n", None))
        await settle(pilot)
        assert isinstance(pilot.app.screen, StepScreen) and pilot.app.screen.step.number == 4
        for _ in range(3):
            pilot.app.post_message(events.Key("ctrl+n", None))
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClosingScreen)  # 5, 6, then the closing screen
