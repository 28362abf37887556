"""Messages that concern the whole app rather than one screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class SaveFailed(Message):
    """A save did not reach the disk. Sent to the app, which outlives the screen that asked."""

    reason: str
