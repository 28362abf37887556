"""The support log: what a person attaches when they report a problem.

One small rotating file in the user log directory (platformdirs: `~/.local/state/csi-tui/log` on
Linux, `~/Library/Logs/csi-tui` on macOS, `%LOCALAPPDATA%\\csi-tui\\Logs` on Windows), or in
`$CSI_TUI_LOG_DIR` when that is set. It always records warnings and errors: the one-line errors
the command line prints, rows a read refused, saves that failed, and the traceback of a bug.
`--verbose` adds debug detail (the command, the version, what each step did).

Three promises:
- Cheap: nothing is opened, made or imported past `logging` until a record is written, so a
  command that logs nothing touches no disk and `csi-tui --help` pays only for `logging`.
- Never in the way: a log folder or file that cannot be made or written (read-only, full, a file
  where the folder should be) turns the file off, silently; the command runs on as if unlogged.
- User text is data here too: every message goes through `for_display` (domain/text.py), on one
  line, so a title carrying escape sequences cannot drive the terminal of whoever `cat`s the log,
  nor forge a line of its own.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from csi_tui.domain.text import for_display

LOG_DIR_VARIABLE = "CSI_TUI_LOG_DIR"
LOG_NAME = "csi-tui.log"
# Small: a support log is read by a person. Two old files kept besides the current one.
MAX_BYTES = 512 * 1024
BACKUPS = 2

log = logging.getLogger("csi_tui")


def log_dir() -> Path:
    override = os.environ.get(LOG_DIR_VARIABLE)
    if override:
        return Path(override)
    from platformdirs import user_log_path  # already loaded by paths.py; imported here for clarity

    return user_log_path("csi-tui", appauthor=False)


def log_path() -> Path:
    return log_dir() / LOG_NAME


class SafeFormatter(logging.Formatter):
    """User text on one line without control bytes; a traceback keeps its own line breaks."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        record.message = for_display(record.message, keep_newlines=False)
        return super().formatMessage(record)

    def formatException(self, ei: object) -> str:  # noqa: N802 - logging's name
        return for_display(super().formatException(ei))  # type: ignore[arg-type]


class LazyRotatingFile(logging.Handler):
    """A RotatingFileHandler made on the first record: the folder is created, and
    logging.handlers imported (socket, pickle, queue: ~15 ms), only when there is something to
    write. Any failure to make or write the file switches the handler off without a word:
    logging's own handleError would print a traceback into the terminal."""

    def __init__(self, path: Path) -> None:
        super().__init__(logging.NOTSET)
        self.path = path
        self._file: logging.Handler | None = None
        self._broken = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._broken:
            return
        try:
            if self._file is None:
                from logging.handlers import RotatingFileHandler

                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = RotatingFileHandler(self.path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                 encoding="utf-8")
                self._file.setFormatter(self.formatter)
                # Its own errors come back here, not to logging's printed traceback.
                self._file.handleError = self.handleError  # type: ignore[method-assign]
            self._file.emit(record)
        except Exception:  # noqa: BLE001 - the log must never cost the command
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802, ARG002 - logging's name
        self._broken = True
        self.close()

    def close(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except Exception:  # noqa: BLE001, S110 - closing a broken file: nothing left to save
                pass
            self._file = None
        super().close()


class _BelowWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Warnings and errors are already on stderr, once, as the command line's own one line.
        return record.levelno < logging.WARNING


_installed: list[logging.Handler] = []


def start_logging() -> None:
    """Warnings and errors to the support log, from the first line of main. Called again (tests
    run main in-process), it replaces what it installed before."""
    stop_logging()
    handler = LazyRotatingFile(log_path())
    handler.setFormatter(SafeFormatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    # On the root logger: other libraries' warnings are worth a line too (the root's level stays
    # logging's WARNING, so their debug chatter is not recorded even with --verbose).
    logging.getLogger().addHandler(handler)
    _installed.append(handler)
    log.setLevel(logging.WARNING)


def be_verbose(echo: bool) -> None:
    """Debug detail into the file; with echo, also to stderr (debug and info only, see
    _BelowWarning), for the commands that do not hand the terminal to the app."""
    log.setLevel(logging.DEBUG)
    if echo:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(SafeFormatter("csi-tui: %(levelname)s: %(message)s"))
        stream.addFilter(_BelowWarning())
        log.addHandler(stream)
        _installed.append(stream)


def stop_logging() -> None:
    for handler in _installed:
        logging.getLogger().removeHandler(handler)
        log.removeHandler(handler)
        handler.close()
    _installed.clear()
