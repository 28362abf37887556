"""csi-tui on a real pseudo-terminal, as in a terminal window: nothing between the app and the
terminal is simulated, so a test can read every byte it draws, type at it, and close the window."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import struct
import sys
import time
from fcntl import ioctl
from termios import TIOCSWINSZ

ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


class Terminal:
    """`python -m csi_tui ARGS` started on a new pseudo-terminal of `size` (columns, rows)."""

    def __init__(self, *args: str, size: tuple[int, int] = (100, 30), env: dict[str, str] | None = None) -> None:
        self.pid, self.master = pty.fork()
        if self.pid == 0:  # the child: the pty is its controlling terminal
            ioctl(0, TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
            os.execvpe(sys.executable, [sys.executable, "-m", "csi_tui", *args],
                       {**os.environ, "TERM": "xterm-256color", **(env or {})})
        self.seen = b""
        self.status: int | None = None
        self.closed = False

    @property
    def text(self) -> str:
        """What it drew, without the escape sequences that place and colour it."""
        return ESCAPES.sub("", self.seen.decode("utf-8", "replace"))

    def read_for(self, seconds: float, until: str | None = None) -> bool:
        """Read what it draws for `seconds`, or until `until` shows; whether it showed."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if select.select([self.master], [], [], left)[0]:
                try:
                    self.seen += os.read(self.master, 1 << 16)
                except OSError:  # the app has exited
                    break
                if until is not None and until in self.text:
                    return True
        return until is not None and until in self.text

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def close_window(self) -> None:
        """As a terminal window closing: the app's terminal hangs up (SIGHUP, then end of input)."""
        os.close(self.master)
        self.closed = True

    def wait(self, timeout: float = 30.0) -> int:
        """The exit status (os.waitpid's), once the app has exited; killed after `timeout`."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.closed:
                self.read_for(0.05)  # a full pty would stall the app's last frames
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                if not self.closed:
                    self.read_for(1.0)  # what it printed last (the farewell) may still be unread
                return status
            time.sleep(0.02)
        os.kill(self.pid, signal.SIGKILL)
        _, self.status = os.waitpid(self.pid, 0)
        raise AssertionError(f"csi-tui was still running after {timeout:.0f} s: {self.text[-500:]!r}")

    def end(self) -> None:
        """Whatever happened: no process and no descriptor left behind."""
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
        if not self.closed:
            os.close(self.master)

