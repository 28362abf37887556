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
    assert "| score change → gap matrix repainted, 4 dimensions x 2 participants |" in report.read_text()
    assert "Textual 8.2.8" in report.read_text()
