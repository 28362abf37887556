"""Reading the small text files a person hands csi-tui: an assessment template or a maturity scale,
a report template, the keymap. Each is outside input, so one rule decides what is read at all:
a regular file (a named pipe would wait for a writer for ever, /dev/zero would fill the memory),
of a size such a file has, in UTF-8. Anything else is one line naming the file (InvalidInput)."""

from __future__ import annotations

import stat
from pathlib import Path

from csi_tui.domain.errors import InvalidInput

# The shipped templates and scales are 2-12 KiB and the report templates under 40 KiB: a
# megabyte is room for any a person writes, and refuses a runaway file before it is read.
LARGEST = 1 << 20


def read_user_text(path: Path, what: str, limit: int = LARGEST) -> str:
    """The text of the file at `path`, called `what` in a refusal ("template", "keymap")."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such {what}") from None
    except OSError as error:  # a loop of links, a folder it may not enter
        raise InvalidInput(f"{path}: cannot read the {what} ({error.strerror or error})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InvalidInput(f"{path}: a directory, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput(f"{path}: not a file (a pipe or a device), so not a {what}")
    if info.st_size > limit:
        raise InvalidInput(f"{path}: {info.st_size:,} bytes, more than a {what} can be ({limit:,})")
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)  # the size can change between the look and the read
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read the {what} ({error.strerror or error})") from None
    if len(raw) > limit:
        raise InvalidInput(f"{path}: more than a {what} can be ({limit:,} bytes)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: cannot read the {what} (not UTF-8 text)") from None
