"""Keystroke echo: how long from a key sent to the terminal until its character is on screen,
measured from outside as a person feels it, while the file changes under the app.

The app runs in a pseudo-terminal on step 2 of a workshop, with the cursor in an answer field; a
bare Textual Input (benchmarks/bare_app.py) runs the same way as the baseline of the same run.
Keys alternate between `µ` (a character the screens never show on their own) and backspace, so
each keystroke has one visible outcome: the count of `µ` on the screen becomes 1, then 0. The
screen is the terminal's, rebuilt by pyte, a VT100 emulator, from what the app writes.

Conditions: idle; another process saving a score every 100 ms (a facilitator's colleague typing
scores in another window); every 10 ms (a room voting from phones). Sizes: the demo workshop
(34 dimensions x 6 people) and 340 dimensions x 30 people.

    python benchmarks/keystroke_echo.py [--keystrokes 300] [--sizes demo,340x30]
                                        [--writers 0,100,10] [--append docs/performance.md]
"""

from __future__ import annotations

import argparse
import os
import pty
import random
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from fcntl import ioctl
from pathlib import Path
from termios import TIOCSWINSZ

import pyte

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import gap_matrix  # noqa: E402
from benchmarks.report import Result, append_report, print_table  # noqa: E402

MARK = "µ"
SIZE = (120, 40)  # columns, rows
WARM_UP = 10  # keystrokes not counted: the first frames of a fresh process are slower
TIMEOUT_S = 5.0
FRAME_MS = 16.0


@dataclass(frozen=True)
class Workshop:
    label: str
    db_path: Path
    workshop_id: int
    dimension_keys: list[str]
    participant_ids: list[int]


def build_workshop(folder: Path, size: str) -> Workshop:
    """The demo file as `csi-tui demo` writes it, or a synthetic dimensions x people workshop,
    with the workshop on step 2 (the scoring table, the answers, the live matrix)."""
    from csi_tui.demo import write_demo
    from csi_tui.store.workshop_store import open_store

    db_path = folder / f"{size}.db"
    if size == "demo":
        workshop_id = write_demo(db_path)
        label = "demo workshop (34 dimensions x 6 people)"
    else:
        dimensions, people = (int(n) for n in size.split("x"))
        workshop_id, _, _ = gap_matrix.build(db_path, dimensions, people)
        label = f"{dimensions} dimensions x {people} people"
    with open_store(db_path) as store:
        store.set_current_step(workshop_id, 2)
        snapshot = store.snapshot(workshop_id)
        keys = [d.key for d in snapshot.dimensions]
        people_ids = [p.id for p in snapshot.participants if p.id is not None]
    return Workshop(label, db_path, workshop_id, keys, people_ids)


def start_writer(workshop: Workshop, interval_ms: int) -> subprocess.Popen[bytes]:
    """Another process saving a participant's score every `interval_ms`, through the store as
    the app's own writer does (one transaction each)."""
    return subprocess.Popen(
        [sys.executable, __file__, "--writer", str(workshop.db_path), str(workshop.workshop_id), str(interval_ms)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)


def run_writer(db_path: str, workshop_id: int, interval_ms: int) -> None:
    from csi_tui.domain.models import Score
    from csi_tui.domain.vocabulary import ScoreKind
    from csi_tui.store.workshop_store import open_store

    with open_store(db_path) as store:
        snapshot = store.snapshot(workshop_id)
        keys = [d.key for d in snapshot.dimensions]
        people = [p.id for p in snapshot.participants if p.id is not None] or [None]
        for i in range(10**9):
            store.save_score(workshop_id, Score(dimension_key=keys[i % len(keys)], kind=ScoreKind.CURRENT,
                                                value=1 + i % 5, participant_id=people[i % len(people)],
                                                evidence=f"vote {i}"))
            time.sleep(interval_ms / 1000)


class Terminal:
    """A program on a pseudo-terminal, and the screen a person would see."""

    def __init__(self, argv: list[str]) -> None:
        self.pid, self.master = pty.fork()
        if self.pid == 0:
            ioctl(0, TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
            os.execvpe(argv[0], argv, {**os.environ, "TERM": "xterm-256color"})
        self.screen = pyte.Screen(*SIZE)
        self.stream = pyte.ByteStream(self.screen)

    def read(self, timeout: float) -> bool:
        if not select.select([self.master], [], [], timeout)[0]:
            return False
        try:
            self.stream.feed(os.read(self.master, 1 << 16))
        except OSError:
            raise RuntimeError("the program exited") from None
        return True

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, condition, timeout: float = 60.0) -> float:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        while not condition(self.text()):
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"screen never matched; it shows:\n{self.text()}")
            self.read(0.002)
        return time.perf_counter() - started

    def settle(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            self.read(left)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.master)


def echo_times(terminal: Terminal, keystrokes: int, rnd: random.Random) -> list[float]:
    """Type `µ`, backspace, `µ`, ... at a typist's pace; each time, from the key sent until the
    screen shows its outcome."""
    times: list[float] = []
    for i in range(keystrokes + WARM_UP):
        want = 1 if i % 2 == 0 else 0
        terminal.send(MARK.encode() if want else b"\x7f")
        took = terminal.wait_for(lambda text: text.count(MARK) == want, timeout=TIMEOUT_S)
        if i >= WARM_UP:
            times.append(took)
        terminal.settle(rnd.uniform(0.04, 0.09))  # ~10 keys a second, with the usual unevenness
    return times


def reach_a_text_field(terminal: Terminal, key: bytes, tries: int = 12) -> None:
    """Press `key` (tab) until a typed `µ` shows: the focus is then in a text field (the tables
    ignore it), whatever widgets the step holds before its answers."""
    for _ in range(tries):
        terminal.send(key)
        terminal.settle(0.3)
        terminal.send(MARK.encode())
        terminal.settle(0.3)
        if MARK in terminal.text():
            terminal.send(b"\x7f")
            terminal.wait_for(lambda text: MARK not in text, timeout=TIMEOUT_S)
            return
    raise RuntimeError(f"no text field took a typed {MARK!r}; the screen shows:\n{terminal.text()}")


def measure(argv: list[str], ready: str, focus: bytes, keystrokes: int, seed: int) -> list[float]:
    terminal = Terminal(argv)
    try:
        terminal.wait_for(lambda text: ready in text)
        terminal.settle(1.5)  # the first load is shown and has put the focus where it opens
        if focus:
            reach_a_text_field(terminal, focus)
        return echo_times(terminal, keystrokes, random.Random(seed))
    finally:
        terminal.close()


def app_argv(workshop: Workshop) -> list[str]:
    return [sys.executable, "-m", "csi_tui", "--db", str(workshop.db_path), "open", str(workshop.workshop_id)]


BARE_ARGV = [sys.executable, str(REPO / "benchmarks" / "bare_app.py")]


def run(keystrokes: int, sizes: list[str], writers: list[int]) -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            workshop = build_workshop(Path(folder), size)
            for interval in writers:
                condition = f"another process saving a score every {interval} ms" if interval else "idle"
                writer = start_writer(workshop, interval) if interval else None
                try:
                    # The app and the bare Input alternate in one run under the same load.
                    app = measure(app_argv(workshop), "Where are we now", b"\t", keystrokes, seed=1)
                    bare = measure(BARE_ARGV, "Bare Textual app ready", b"", keystrokes, seed=1)
                finally:
                    if writer is not None:
                        writer.terminate()
                        writer.wait()
                limit = 3.0 if interval and interval < 100 else 2.0
                app_p95, bare_p95 = gap_matrix.p95(app) * 1000, gap_matrix.p95(bare) * 1000
                results.append(Result(
                    f"keystroke echo, {workshop.label}, {condition} (baseline: bare Input p95)",
                    statistics.median(app) * 1000, app_p95, bare_p95, tail=True,
                    goal=f"p95 ≤ 16 ms and ≤ {limit:g}x", met=app_p95 <= FRAME_MS and app_p95 <= limit * bare_p95))
                results.append(Result(f"  bare Textual Input, {condition}", statistics.median(bare) * 1000,
                                      bare_p95, bare_p95, tail=True))
                print(f"{workshop.label}, {condition}: app p95 {gap_matrix.p95(app) * 1000:.1f} ms, "
                      f"bare p95 {gap_matrix.p95(bare) * 1000:.1f} ms", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keystrokes", type=int, default=300)
    parser.add_argument("--sizes", default="demo,340x30")
    parser.add_argument("--writers", default="0,100,10", help="ms between another process's saves; 0: none")
    parser.add_argument("--append", type=Path, help="append the table to this Markdown file")
    parser.add_argument("--writer", nargs=3, help=argparse.SUPPRESS)  # the writer process itself
    args = parser.parse_args()
    if args.writer:
        run_writer(args.writer[0], int(args.writer[1]), int(args.writer[2]))
        return
    results = run(args.keystrokes, args.sizes.split(","), [int(w) for w in args.writers.split(",")])
    title = "Keystroke echo through a pseudo-terminal"
    how = (f"`python benchmarks/keystroke_echo.py --keystrokes {args.keystrokes}`: {args.keystrokes} keystrokes a "
           f"row after {WARM_UP} not counted, {SIZE[0]}x{SIZE[1]}, the app on step 2 with the cursor in an answer "
           "field, key sent → its character on the screen (pyte); ratios are p95 over the bare Input's p95, "
           "measured alternately in the same run under the same load.")
    print_table(results)
    if args.append:
        append_report(args.append, title, results, how)


if __name__ == "__main__":
    main()
