"""`?`: the keys of the screen underneath (key, name, what it does), then the keys that work
everywhere. The same list feeds the command palette (app.py), so the two never disagree."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.keys import format_key
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

HELP_NOTE = "In a text field ? types a question mark; f12 opens this list from anywhere."


@dataclass(frozen=True)
class KeyLine:
    """One action as a facilitator meets it: the key(s), its name and what it does."""

    keys: str
    name: str
    what: str
    action: str
    node: DOMNode  # where the action runs


SPELLED_OUT = {"enter", "escape", "delete", "backspace", "tab", "space"}  # not ⏎ or esc: as the README writes them


def key_name(key: str) -> str:
    """`ctrl+n` stays `ctrl+n`, `question_mark` becomes `?`, `slash` `/`: keys as the README and
    the keyboard name them."""
    *modifiers, last = key.split("+")
    return "+".join([*modifiers, last if last in SPELLED_OUT else format_key(last)])


def keys_of(app: App[None], screen: Screen[object]) -> tuple[list[KeyLine], list[KeyLine]]:
    """The current screen's actions (its own and its focused widgets', as they stand with the
    present focus and the person's keymap), then the app's global ones. Text-editing keys that
    Textual's fields bring (cursor moves, selection) have no id and are left out: not actions."""
    lines: dict[tuple[int, str], KeyLine] = {}
    # From the focused widget up to its screen (a dialog's chain stops at the dialog), then the app;
    # keymap applied, and a key the focused field takes as text left out, as the keys really work.
    for node, bindings in screen._binding_chain:
        for key, binding in bindings:
            if not _ours(binding) or app._check_action_state(binding.action, node) is False:
                continue
            slot = (id(node), binding.action)
            if earlier := lines.get(slot):  # "delete,d": one line, both keys
                lines[slot] = KeyLine(f"{earlier.keys}, {key_name(key)}", earlier.name, earlier.what,
                                      earlier.action, node)
            else:
                lines[slot] = KeyLine(key_name(key), binding.description, _what(binding), binding.action, node)
    here = [line for line in lines.values() if line.node is not app]
    everywhere = [line for line in lines.values() if line.node is app]
    everywhere.append(KeyLine("ctrl+p", "Palette", "Find any action of this screen by name", "command_palette", app))
    return here, everywhere


def _what(binding: Binding) -> str:
    if binding.tooltip:
        return binding.tooltip
    # A dialog's escape: every dialog's cancel is the same promise, said once here.
    return "Close this dialog; nothing is changed" if binding.action == "dismiss(None)" else ""


def _ours(binding: Binding) -> bool:
    return bool(binding.id and binding.description and not binding.system)


def _table(title: str, lines: list[KeyLine]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", show_header=True,
                  header_style="bold", box=None, expand=True, padding=(0, 1))
    table.add_column("Key", no_wrap=True, style="bold")
    table.add_column("Name", no_wrap=True)
    table.add_column("What it does", ratio=1)
    for line in lines:
        table.add_row(Text(line.keys), Text(line.name), Text(line.what))
    return table


class HelpScreen(ModalScreen[None]):
    """The keys, read from the bindings themselves: a key remapped in keymap.toml shows as remapped."""

    DEFAULT_CSS = """
    HelpScreen .dialog { width: 100; max-height: 100%; }
    HelpScreen #keys { height: auto; max-height: 1fr; }
    """
    AUTO_FOCUS = "#keys"
    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="help.close", tooltip="Close the list of keys")]

    def __init__(self, here: list[KeyLine], everywhere: list[KeyLine]) -> None:
        super().__init__()
        self.here = here
        self.everywhere = everywhere

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # Said at the top: on a laptop's 24 rows the list scrolls and its end is out of sight.
            yield Static("Keys · escape closes, ↑ ↓ scroll", classes="dialog-title")
            with VerticalScroll(id="keys"):
                if self.here:
                    yield Static(_table("On this screen", self.here), id="here")
                yield Static(_table("Everywhere", self.everywhere), id="everywhere")
                yield Static(HELP_NOTE, classes="hint", markup=False)
