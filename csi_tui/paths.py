"""Where the default database lives: the user data directory, as platformdirs says."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path

DEFAULT_DB_NAME = "workshops.db"


def default_db_path() -> Path:
    folder = user_data_path("csi-tui", appauthor=False, ensure_exists=True)
    return folder / DEFAULT_DB_NAME
