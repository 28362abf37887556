"""The benchmark scripts still run (on tiny sizes), so they never rot between measuring sessions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_gap_matrix_benchmark_runs_and_appends_its_table(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    result = subprocess.run(
        [sys.executable, "benchmarks/gap_matrix.py", "--repeats", "2", "--sizes", "4x2", "--append", str(report)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "4 dimensions x 2 participants" in result.stdout
    for where in ("the closing screen's gap matrix", "step 2: scores, room grid and gap panel"):
        assert f"| score change → {where} repainted, 4 dimensions x 2 participants |" in report.read_text()
    assert "Textual 8.2.8" in report.read_text()


def test_the_benchmark_command_runs_every_benchmark_on_tiny_sizes(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    result = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--repeats", "1", "--commits", "2", "--gap-repeats", "1",
         "--gap-sizes", "4x2", "--merge-files", "3", "--append", str(report)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    written = report.read_text()
    for name in ("first paint", "peak memory", "floor: the same screen in plain Textual",
                 "floor: that screen with pydantic imported", "the save left out", "field change", "gap matrix repainted", "as db", "as json",
                 "as csv", "as md", "as html", "merge 3 session files"):
        assert name in result.stdout and name in written
    assert "Python 3." in written and "Textual 8.2.8" in written
    assert " UTC · " in written and " cores · " in written  # the run's date and machine


def test_the_keystroke_echo_benchmark_runs_through_a_pseudo_terminal(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    result = subprocess.run(
        [sys.executable, "benchmarks/keystroke_echo.py", "--keystrokes", "4", "--sizes", "4x2",
         "--writers", "0,100", "--append", str(report)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    written = report.read_text()
    for row in ("keystroke echo, 4 dimensions x 2 people, idle",
                "keystroke echo, 4 dimensions x 2 people, another process saving a score every 100 ms",
                "bare Textual Input, idle"):
        assert row in result.stdout and row in written
    assert " UTC · " in written and " cores · " in written


def test_the_register_scale_benchmark_runs_and_appends_its_table(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    result = subprocess.run(
        [sys.executable, "benchmarks/register_scale.py", "--repeats", "2", "--rounds", "2", "--sizes", "12x3", "--baseline", "3x1",
         "--append", str(report)],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    written = report.read_text()
    for row in ("register: a search keystroke, table and screen redrawn, 12 items x 3 KPIs",
                "register: a sort (s), table and screen redrawn, 12 items x 3 KPIs",
                "KPI list redrawn from a fresh snapshot, 12 items x 3 KPIs"):
        assert row in result.stdout and row in written
    assert "2 rounds of 2 repeats" in written  # the baseline and the size alternated, round by round
    assert " UTC · " in written and " cores · " in written


def test_the_workshop_list_benchmark_runs_and_appends_its_table(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    result = subprocess.run(
        [sys.executable, "benchmarks/workshop_list.py", "--repeats", "1", "--sizes", "2,150", "--append", str(report)],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for row in ("workshop list shown, 150 workshops (baseline: 2)", "workshop list complete, 150 workshops"):
        assert row in result.stdout and row in report.read_text()
    assert " UTC · " in report.read_text() and "≤ 1.2x" in report.read_text()


def test_the_room_burst_benchmark_runs_the_room_and_its_phones(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    result = subprocess.run(
        [sys.executable, "benchmarks/room_burst.py", "--keystrokes", "4", "--people", "3",
         "--template", "itil4-dimensions", "--phones-niceness", "5", "--append", str(report)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    written = report.read_text()
    assert "--phones-niceness 5" in written and "another process at niceness 5" in written
    for row in ("keystroke echo, room open, idle (command palette over the room screen)",
                "keystroke echo, room open, 3 phones joining and submitting all 4 dimensions at once, burst after burst"):
        assert row in result.stdout and row in written
    # Nothing the phones sent was lost or doubled, and the machine's load is named.
    assert "12 votes in the file, one per person and dimension, each the last burst's" in written
    assert "Load average (1, 5, 15 min) before " in written
    assert " UTC · " in written and " cores · " in written
