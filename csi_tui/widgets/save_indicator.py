"""Shows whether what is on screen is on disk: saved, editing, saving, or not saved."""

from __future__ import annotations

from typing import Literal

from textual.reactive import reactive
from textual.widgets import Static

SaveState = Literal["saved", "editing", "saving", "waiting", "failed"]

_FACES: dict[str, str] = {
    "saved": "✓ saved",
    "editing": "● editing",
    "saving": "… saving",
    "waiting": "⧗ waiting for the file",
    "failed": "✗ NOT SAVED",
}


class SaveIndicator(Static):
    DEFAULT_CSS = """
    SaveIndicator { width: auto; padding: 0 1; }
    SaveIndicator.-saved { color: $success; }
    SaveIndicator.-editing, SaveIndicator.-saving { color: $text-muted; }
    SaveIndicator.-waiting { color: $text; background: $warning; text-style: bold; }
    SaveIndicator.-failed { color: $text; background: $error; text-style: bold; }
    """

    state: reactive[SaveState] = reactive("saved")

    def render(self) -> str:
        return _FACES[self.state]

    def watch_state(self, old: SaveState, new: SaveState) -> None:
        self.remove_class(f"-{old}")
        self.add_class(f"-{new}")

    def on_mount(self) -> None:
        self.add_class(f"-{self.state}")
