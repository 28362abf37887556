"""Leaving at once never drops what was typed. ctrl+q an instant after typing: the last keys may
still be queued messages when quitting counts what is unsaved. The terminal window closing
(SIGHUP) or the system stopping csi-tui (SIGTERM): nobody is there to answer the quit dialog, so
the app saves what it can, keeps what it cannot in a file beside the database, and says so in
the support log; by default Python dies on either signal at once, taking the text of the last
autosave pause with it. On a real pseudo-terminal: these paths live between the terminal and
the app."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from pathlib import Path

import pytest

from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop
from tests.helpers.terminal import Terminal

pytestmark = pytest.mark.slow


def seed(db_path: Path) -> int:
    with open_store(db_path) as store:
        return create_workshop(store)


def start(db_path: Path, workshop_id: int, log_dir: Path) -> Terminal:
    terminal = Terminal("--db", str(db_path), "open", str(workshop_id), env={"CSI_TUI_LOG_DIR": str(log_dir)})
    # The first load fills the title under the question; the vision field has the focus.
    assert terminal.read_for(30, until="Service desk CSI · cycle 1"), terminal.text[-500:]
    return terminal


def answers(db_path: Path, workshop_id: int) -> dict[int, dict[str, str]]:
    with open_store(db_path) as store:
        return store.answers(workshop_id)


def test_quitting_in_the_same_breath_as_typing_saves_the_text(db_path: Path, tmp_path: Path) -> None:
    workshop_id = seed(db_path)
    terminal = start(db_path, workshop_id, tmp_path / "logs")
    try:
        terminal.type(b"Last words\x11")  # the keys and ctrl+q arrive together, as from a fast typist
        status = terminal.wait()
    finally:
        terminal.end()
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    assert answers(db_path, workshop_id) == {1: {"vision": "Last words"}}


def test_closing_the_window_right_after_typing_keeps_the_text_in_the_file(db_path: Path, tmp_path: Path) -> None:
    workshop_id = seed(db_path)
    terminal = start(db_path, workshop_id, tmp_path / "logs")
    try:
        terminal.type(b"Typed as the lid closed")
        assert terminal.read_for(10, until="Typed as the lid closed")  # on screen, before the autosave's pause ends
        terminal.close_window()
        status = terminal.wait()
    finally:
        terminal.end()
    logged = "".join(path.read_text(encoding="utf-8") for path in (tmp_path / "logs").glob("*.log"))
    assert answers(db_path, workshop_id) == {1: {"vision": "Typed as the lid closed"}}, (status, logged)


def test_stopped_while_another_program_holds_the_file_the_text_is_kept_beside_it(
        db_path: Path, tmp_path: Path) -> None:
    workshop_id = seed(db_path)
    log_dir = tmp_path / "logs"
    terminal = start(db_path, workshop_id, log_dir)
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another program's write lock: the save cannot land
        terminal.type(b"Said before shutdown")
        assert terminal.read_for(10, until="Said before shutdown")
        os.kill(terminal.pid, signal.SIGTERM)
        status = terminal.wait(timeout=60)
    finally:
        holder.rollback()
        holder.close()
        terminal.end()

    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    (kept,) = db_path.parent.glob(f"{db_path.name}.unsaved-*.json")
    assert json.loads(kept.read_text(encoding="utf-8"))["unsaved_answers"] == [
        {"workshop_id": workshop_id, "step": 1, "field": "vision", "text": "Said before shutdown"}]
    assert f"Unsaved answers kept in {kept}" in terminal.text  # on the terminal, once the screen is back
    logged = "".join(path.read_text(encoding="utf-8") for path in log_dir.glob("*.log"))
    assert "SIGTERM" in logged and f"Unsaved answers kept in {kept}" in logged
    assert answers(db_path, workshop_id) == {}  # nothing half-written while the lock was held
