"""Printing benchmark tables and appending them to docs/performance.md, with the machine noted."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path


@dataclass(frozen=True)
class Result:
    name: str
    median_ms: float
    p95_ms: float
    baseline_ms: float
    goal: str = ""
    met: bool | None = None
    unit: str = "ms"  # the figures' unit: ms, or MB for memory
    # Where a goal is about the slow tail (keystroke echo), the baseline is the baseline's p95
    # and the ratio compares p95 with p95.
    tail: bool = False

    @property
    def ratio(self) -> float:
        mine = self.p95_ms if self.tail else self.median_ms
        return mine / self.baseline_ms if self.baseline_ms else float("nan")


def machine_line() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {cpu} · {os.cpu_count()} cores · "
            f"Python {sys.version.split()[0]} · Textual {version('textual')} · SQLite {__import__('sqlite3').sqlite_version}")


def _rows(results: list[Result]) -> list[list[str]]:
    return [[r.name, f"{r.median_ms:.1f} {r.unit}", f"{r.p95_ms:.1f} {r.unit}", f"{r.baseline_ms:.1f} {r.unit}",
             f"{r.ratio:.2f}x", r.goal, "" if r.met is None else ("met" if r.met else "MISSED")] for r in results]


HEADERS = ["benchmark", "median", "p95", "baseline median", "ratio", "goal", ""]


def print_table(results: list[Result]) -> None:
    rows = [HEADERS, *_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def append_report(path: Path, title: str, results: list[Result], how: str) -> None:
    lines = [f"\n### {title}\n", f"{machine_line()}\n", f"{how}\n",
             "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(row) + " |" for row in _rows(results)]
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
