"""Where the default database lives: the user data directory, as platformdirs says."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path

DEFAULT_DB_NAME = "workshops.db"


def default_db_path() -> Path:
    """Where it is, not made: only a command that writes the database makes its folder, so a
    command that needs no home directory (merge, templates) runs without one."""
    return user_data_path("csi-tui", appauthor=False) / DEFAULT_DB_NAME
