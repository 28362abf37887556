"""Every save the store reported survives SIGKILL at a random moment, and the file stays whole."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest

from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop

TRIALS = 24
LANES = 4  # trials running at once, each lane on its own file (in_lanes)
T = TypeVar("T")
HELPER = Path(__file__).parent / "helpers" / "save_loop.py"


def run_and_kill(db_path: Path, workshop_id: int, trial: int, delay: float) -> list[str]:
    """Start the saver, let it save for `delay` seconds, SIGKILL it, return the saves it reported."""
    child = subprocess.Popen(
        [sys.executable, str(HELPER), str(db_path), str(workshop_id), f"t{trial}", "partners-suppliers"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:  # a line is counted only once its newline arrived
            if line == "ready\n":
                ready.set()
            elif line.endswith("\n"):
                lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert ready.wait(timeout=60), child.stderr.read() if child.poll() is not None else "child never ready"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    reader.join(timeout=30)
    assert child.returncode == -signal.SIGKILL, child.stderr.read()
    return lines


def saver_lane(db_path: Path, trials: list[tuple[int, float]]) -> list[str]:
    """Kill a saver once per trial, one after another on this file; check the file after each
    kill, then that each field holds its last reported value. Returns every save reported."""
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
    reported_in_all: list[str] = []
    for trial, delay in trials:
        reported = run_and_kill(db_path, workshop_id, trial, delay=delay)
        reported_in_all += reported

        with sqlite3.connect(db_path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",), f"trial {trial}"
            logged = {row[0] for row in conn.execute("SELECT new_value FROM change_log")}
        conn.close()
        missing = [line for line in reported if line.rsplit(" ", 1)[1] not in logged]
        assert missing == [], f"trial {trial}: reported saves lost: {missing[:3]}"

    # Each field ends up holding its last reported value, or a later one the child had no time to report.
    with open_store(db_path) as store:
        answers = store.answers(workshop_id)
        evidence = {s.dimension_key: s.evidence for s in store.scores(workshop_id)}
    last: dict[str, str] = {}
    for line in reported_in_all:
        kind, where, token = line.split(" ")
        last[f"{kind} {where}"] = token
    order = lambda token: tuple(int(part.lstrip("t")) for part in token.split(":"))  # noqa: E731
    for key, token in last.items():
        kind, where = key.split(" ")
        if kind == "answer":
            step, field = where.split(".")
            stored = answers[int(step)][field]
        else:
            stored = evidence[where]
        assert order(stored) >= order(token), key
    return reported_in_all


def in_lanes(db_path: Path, delays: list[float], lane: Callable[[Path, list[tuple[int, float]]], T]) -> list[T]:
    """The trials, each with its delay as drawn, dealt round-robin to LANES files: each lane runs
    its trials one after another on its own file, the lanes at the same time. A trial mostly
    waits (for its child to start, then for the kill), so the lanes share two cores without
    changing what a trial does; one file per lane keeps every kill landing on a file that only
    its own trials touched, in trial order, as a single file did."""
    trials = list(enumerate(delays))
    files = [db_path.with_name(f"{db_path.stem}-lane{n}{db_path.suffix}") for n in range(LANES)]
    with ThreadPoolExecutor(LANES) as pool:
        running = [pool.submit(lane, files[n], trials[n::LANES]) for n in range(LANES)]
        return [future.result() for future in running]  # a failed check in a lane fails the test


@pytest.mark.slow
def test_reported_saves_survive_sigkill(db_path: Path) -> None:
    rnd = random.Random(20261121)
    delays = [rnd.uniform(0.02, 0.4) for _ in range(TRIALS)]
    reported_in_all = [line for lane in in_lanes(db_path, delays, saver_lane) for line in lane]
    assert len(reported_in_all) > TRIALS  # the kills landed mid-stream, not before the first save


APP_TRIALS = 20
TYPING_APP = Path(__file__).parent / "helpers" / "typing_in_app.py"


def type_in_app_and_kill(db_path: Path, trial: int, delay: float) -> list[str]:
    """Run the real app typing into the vision field, SIGKILL it after `delay` seconds of
    typing, return the texts its screen showed as saved, oldest first."""
    child = subprocess.Popen(
        [sys.executable, str(TYPING_APP), str(db_path), str(trial)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    shown_saved: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            if line == "ready\n":
                ready.set()
            elif line.endswith("\n"):  # a report is counted only once its newline arrived
                shown_saved.append(json.loads(line))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert ready.wait(timeout=120), child.stderr.read() if child.poll() is not None else "app never ready"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    reader.join(timeout=30)
    assert child.returncode == -signal.SIGKILL, child.stderr.read()
    return shown_saved


def typing_lane(db_path: Path, trials: list[tuple[int, float]]) -> int:
    """Kill the typing app once per trial, one after another on this file, and check the file
    after each kill. Returns how many trials had seen the screen show a save."""
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
    trials_with_saves = 0
    for trial, delay in trials:
        shown_saved = type_in_app_and_kill(db_path, trial, delay=delay)
        trials_with_saves += bool(shown_saved)
        with sqlite3.connect(db_path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",), f"trial {trial}"
        conn.close()
        with open_store(db_path) as store:
            on_disk = store.answers(workshop_id).get(1, {}).get("vision", "")
        if shown_saved:
            # Typing only adds at the end: the file holds the last text shown as saved, or more.
            assert on_disk.startswith(shown_saved[-1]), f"trial {trial}: {shown_saved[-1]!r} not on disk"
    return trials_with_saves


@pytest.mark.slow
def test_what_the_app_showed_as_saved_survives_sigkill(db_path: Path) -> None:
    rnd = random.Random(20261122)
    delays = [rnd.uniform(1.0, 3.5) for _ in range(APP_TRIALS)]
    trials_with_saves = sum(in_lanes(db_path, delays, typing_lane))
    # Most kills landed mid-typing after the screen had shown saves, not before the first one.
    assert trials_with_saves >= APP_TRIALS // 2
