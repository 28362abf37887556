"""How much work SQLite does for a call, counted rather than timed: tests that a cost grows
with a file's size and not its square compare two counts, the same on any machine."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def thousands_of_steps(conn: sqlite3.Connection, action: Callable[[], object]) -> int:
    """SQLite's virtual-machine steps, in thousands, that `action` makes `conn` take."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    conn.set_progress_handler(count, 1000)
    try:
        action()
    finally:
        conn.set_progress_handler(None, 1000)
    return steps
