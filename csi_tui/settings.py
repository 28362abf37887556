"""What the app remembers about the person at this laptop, across restarts: the projector theme,
their own timebox per step, and the voice last chosen above the scoring table.

One small JSON file, `settings.json`, in the user config directory (beside `keymap.toml`). It is
a convenience, never a reason to stop: a missing, unreadable, damaged or hostile file gives the
defaults, and each value that fails its check is dropped on its own. Imports no Textual and no
pydantic (it is read before the first paint).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from platformdirs import user_config_path

SETTINGS_FILE = "settings.json"
LARGEST_FILE = 64 * 1024  # ours is a few hundred bytes; anything larger is not ours
STEPS = range(1, 7)
LONGEST_TIMEBOX_MINUTES = 480  # as the timebox dialog allows
LONGEST_VOICE_KEY = 100


@dataclass(frozen=True)
class Settings:
    projector: bool = False
    timeboxes: dict[int, int] = field(default_factory=dict)  # step number -> minutes the facilitator set
    voice: str | None = None  # Voice.key of the voice last chosen above the scoring table

    def with_timebox(self, step: int, minutes: int) -> Settings:
        return replace(self, timeboxes={**self.timeboxes, step: minutes})


def settings_path(config_dir: Path | None = None) -> Path:
    """Where the file is (not made: only saving makes the folder)."""
    return (config_dir or user_config_path("csi-tui", appauthor=False)) / SETTINGS_FILE


def load_settings(path: Path) -> Settings:
    """The remembered settings, or the defaults for whatever is missing or wrong."""
    try:
        with path.open("rb") as file:
            raw = file.read(LARGEST_FILE + 1)
        document = json.loads(raw) if len(raw) <= LARGEST_FILE else None
    except (OSError, ValueError, RecursionError):  # absent, a folder, unreadable, not JSON, too deep
        return Settings()
    if not isinstance(document, dict):
        return Settings()
    return Settings(projector=_projector(document.get("projector")),
                    timeboxes=_timeboxes(document.get("timeboxes")),
                    voice=_voice(document.get("voice")))


def save_settings(path: Path, settings: Settings) -> None:
    """Write the whole file at once (a crash leaves the old file or the new, never half); raises
    OSError when the folder cannot be written."""
    document = {"projector": settings.projector,
                "timeboxes": {str(step): minutes for step, minutes in sorted(settings.timeboxes.items())},
                "voice": settings.voice}
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=2)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _projector(value: Any) -> bool:
    return value is True


def _timeboxes(value: Any) -> dict[int, int]:
    if not isinstance(value, dict):
        return {}
    kept = {}
    for step, minutes in value.items():
        if (isinstance(step, str) and step.isdigit() and len(step) == 1 and int(step) in STEPS
                and type(minutes) is int and 1 <= minutes <= LONGEST_TIMEBOX_MINUTES):
            kept[int(step)] = minutes
    return kept


def _voice(value: Any) -> str | None:
    # A key the scoring panel does not offer is simply not chosen; only its shape is checked here.
    if isinstance(value, str) and 0 < len(value) <= LONGEST_VOICE_KEY and value.isprintable():
        return value
    return None
