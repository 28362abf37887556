"""Another program holding the file's write lock (sqlite3 in a transaction, a merge into the same
file) never loses what the facilitator types or scores: the save waits, says so, and lands when
the lock is let go."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sqlite3
from pathlib import Path

from textual import events
from textual.widgets import TextArea

from csi_tui.domain.vocabulary import ScoreKind
from csi_tui.screens.step import StepScreen
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.save_indicator import SaveIndicator
from tests.conftest import create_workshop
from tests.helpers.ui import open_selected_workshop, settle, test_app, type_text, until


async def test_saves_wait_for_another_programs_lock_and_all_land(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        store.set_current_step(workshop_id, 2)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, StepScreen)
        indicator = screen.query_one(SaveIndicator)

        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # held well past the app's 5 s busy timeout
        try:
            screen.query_one("#scoring #scores").focus()
            await pilot.press("enter", "3", "enter")  # the first dimension, level 3 (the digit moves on to the evidence)
            screen.query_one("#answer-strengths", TextArea).focus()
            await type_text(pilot, "Slow fixes")
            await until(pilot, lambda: indicator.state == "waiting", timeout=15)
            assert "waiting for the file" in str(indicator.render())
        finally:
            other.execute("ROLLBACK")
            other.close()
        await until(pilot, lambda: indicator.state == "saved", timeout=15)
        await settle(pilot)

    with open_store(db_path) as store:
        assert store.answers(workshop_id) == {2: {"strengths": "Slow fixes"}}
        scores = [(s.kind, s.value) for s in store.scores(workshop_id)]
        assert scores == [(ScoreKind.CURRENT, 3)]


async def test_quitting_with_unsaved_text_asks_and_keeps_it_beside_the_database(
    db_path: Path, monkeypatch
) -> None:
    from csi_tui.screens.quit_dialog import QuitDialog
    from csi_tui.store.workshop_store import WorkshopStore

    with open_store(db_path) as store:
        workshop_id = create_workshop(store)

    def disk_full(self: WorkshopStore, *args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    app = test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        monkeypatch.setattr(WorkshopStore, "save_answer", disk_full)
        await type_text(pilot, "Pasted notes\n" * 600)
        await pilot.press("ctrl+q")
        # The dialog is on the stack as soon as it is pushed, and composed a moment later.
        await until(pilot, lambda: isinstance(pilot.app.screen, QuitDialog)
                    and bool(pilot.app.screen.query(".dialog-title")))
        assert "1 answer not saved" in str(pilot.app.screen.query_one(".dialog-title").render())
        asked = pilot.app.screen
        await pilot.press("r")  # the disk is still full: asked again, by a new dialog
        await until(pilot, lambda: isinstance(pilot.app.screen, QuitDialog) and pilot.app.screen is not asked)
        await pilot.press("k")
        await until(pilot, lambda: not app.is_running)

    (kept,) = db_path.parent.glob("workshops.db.unsaved-*.json")
    rows = json.loads(kept.read_text(encoding="utf-8"))["unsaved_answers"]
    assert rows == [{"workshop_id": workshop_id, "step": 1, "field": "vision", "text": "Pasted notes\n" * 600}]
    assert app.farewell == [f"Unsaved answers kept in {kept}"]


def stored_answers(db_path: Path, workshop_id: int) -> dict[int, dict[str, str]]:
    with open_store(db_path) as store:
        return store.answers(workshop_id)


async def test_two_windows_on_one_answer_never_overwrite_each_other_silently(db_path: Path) -> None:
    from csi_tui.screens.conflict_dialog import ConflictDialog

    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
    # B's poll is off: B types after A saved but before B's screen heard of A's text, the moment
    # a conflict can happen at all (with the poll on, B often reloads "Alpha" first and then
    # simply types after it, which is no conflict: that race made this test flaky).
    window_a, window_b = test_app(db_path), test_app(db_path, live_poll_seconds=None)
    async with window_a.run_test(size=(120, 40)) as a, window_b.run_test(size=(120, 40)) as b:
        await open_selected_workshop(a)
        await open_selected_workshop(b)  # both show the empty vision field
        # Pasted, so each window saves its whole word at once whatever the machine's load (typed
        # key by key, a pause past the autosave delay saves part of a word first).
        window_a.post_message(events.Paste("Alpha"))
        # Wait on the file, not on A's indicator: it reads "saved" before the paste is even
        # pending, and then B's word could land first (the conflict is then A's to see).
        await until(a, lambda: stored_answers(db_path, workshop_id) == {1: {"vision": "Alpha"}})
        await settle(a)
        window_b.post_message(events.Paste("Beta"))  # from the empty field B still shows
        # Two apps in one loop on a shared 2-core machine: allow for a busy spell.
        await until(b, lambda: isinstance(window_b.screen, ConflictDialog), timeout=30)
        await settle(b)
        dialog = window_b.screen
        assert str(dialog.query_one("#theirs").render()) == "Alpha"
        assert str(dialog.query_one("#mine").render()) == "Beta"
        with open_store(db_path) as store:
            assert store.answers(workshop_id) == {1: {"vision": "Alpha"}}  # not overwritten
        await b.press("b")  # keep both
        await until(b, lambda: isinstance(window_b.screen, StepScreen))
        await settle(b)
        assert window_b.screen.query_one("#answer-vision", TextArea).text == "Alpha\n\nBeta"
        assert window_b.screen.query_one(SaveIndicator).state == "saved"

    with open_store(db_path) as store:
        assert store.answers(workshop_id) == {1: {"vision": "Alpha\n\nBeta"}}
        logged = [(e.field, e.new_value) for e in store.change_log(workshop_id) if e.entity == "answer"]
    assert logged == [("value", "Alpha"), ("conflict", "Beta"), ("value", "Alpha\n\nBeta")]


def test_a_full_disk_during_a_save_in_the_app_is_told_and_leaves_the_file_whole(tmp_path: Path) -> None:
    """The real app under a file-size limit (RLIMIT_FSIZE: writes past it fail as on a full disk)."""
    db = tmp_path / "w.db"
    with open_store(db) as store:
        workshop_id = create_workshop(store)
        store.save_answer(workshop_id, 2, "strengths", "Kept before")
    limit = db.stat().st_size + 16_384
    child = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "helpers" / "app_on_full_disk.py"), str(db),
         str(limit + 200_000), str(limit)],
        capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    assert child.returncode == 0, child.stderr[-2000:]
    failed, asked_again, farewell = (json.loads(line) for line in child.stdout.splitlines())

    assert failed["indicator"] == "✗ NOT SAVED"
    assert failed["notifications"] == ["Not saved: the disk is full or the file cannot grow (disk I/O error)"]
    # Keeping the text in a file beside the database fails too: said, and asked again.
    assert asked_again["asked_again"] == "Why: the unsaved text could not be written either: File too large"
    assert farewell["farewell"] == ["Quit without saving 1 answer"]  # chosen, not silent

    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.db"]  # no partial file, no stray journal
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    with open_store(db) as store:
        assert store.answers(workshop_id) == {2: {"strengths": "Kept before"}}
