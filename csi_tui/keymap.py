"""A person's own keys: `keymap.toml` in the user config directory maps binding ids to keys,
e.g. `"step.next" = "f5"`. The ids are listed in the README."""

from __future__ import annotations

import tomllib
from pathlib import Path

from platformdirs import user_config_path

from csi_tui.domain.errors import InvalidInput, explain

KEYMAP_FILE = "keymap.toml"


def keymap_path() -> Path:
    return user_config_path("csi-tui", appauthor=False) / KEYMAP_FILE


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """The binding-id → keys map from the file; empty if there is no file."""
    path = path or keymap_path()
    if not path.exists():
        return {}
    from csi_tui.user_files import read_user_text  # only when there is a file to read

    try:
        document = tomllib.loads(read_user_text(path, "keymap"))
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"{path}: {error}") from None
    except RecursionError:  # the parser recurses per level of nesting
        raise InvalidInput(f"{path}: nested too deeply to be a keymap") from None
    from pydantic import TypeAdapter, ValidationError  # only when there is a file to check

    try:
        return TypeAdapter(dict[str, str]).validate_python(document.get("keys", {}))
    except ValidationError as error:
        raise InvalidInput(explain(error, prefix=f"{path}: keys.")) from None
