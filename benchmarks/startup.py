"""Time to first paint and peak memory of a terminal app, measured from outside as a person sees
it: the app runs in a pseudo-terminal, and the clock stops when the first screen text appears."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import struct
import time
from dataclasses import dataclass
from fcntl import ioctl
from termios import TIOCSWINSZ

ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


@dataclass(frozen=True)
class Start:
    first_paint_s: float
    peak_rss_mb: float


def _peak_rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status", encoding="ascii"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_start(argv: list[str], marker: str, settle_s: float = 1.0, size: tuple[int, int] = (120, 40),
                  timeout_s: float = 60.0, env: dict[str, str] | None = None) -> Start:
    """Run ``argv`` on a new pseudo-terminal of ``size`` (columns, rows); return how long until
    ``marker`` shows, and the process's peak RSS after ``settle_s`` more seconds of running."""
    started = time.perf_counter()
    pid, master = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal, as in a real terminal window
        ioctl(0, TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        os.execvpe(argv[0], argv, {**os.environ, "TERM": "xterm-256color", **(env or {})})
    seen = b""
    painted: float | None = None
    deadline = started + timeout_s
    try:
        while painted is None:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"{marker!r} did not appear within {timeout_s:.0f} s: {argv}")
            ready, _, _ = select.select([master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(master, 1 << 16)
                except OSError:  # the child exited
                    raise RuntimeError(f"{argv} exited before painting: {ESCAPES.sub(b'', seen)[-500:]!r}") from None
                seen += chunk
                if marker.encode() in ESCAPES.sub(b"", seen):
                    painted = time.perf_counter() - started
        settle_end = time.perf_counter() + settle_s
        while (left := settle_end - time.perf_counter()) > 0:  # keep reading: a full pty would stall it
            if select.select([master], [], [], left)[0]:
                try:
                    os.read(master, 1 << 16)
                except OSError:
                    break
        peak = _peak_rss_mb(pid)
    finally:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        end = time.perf_counter() + 5
        while time.perf_counter() < end:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    os.read(master, 1 << 16)
                except OSError:
                    break
            if os.waitpid(pid, os.WNOHANG) != (0, 0):
                break
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(master)
    return Start(painted, peak)
