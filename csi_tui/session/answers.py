"""Answers as they are typed: what is pending (typed, not yet handed to the writer), what the file
holds, and what failed to save, by (workshop, step, field). Kept by the session, not by a screen,
so text survives leaving the step, and quitting can ask whether anything is unsaved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from csi_tui.store.answers import AnswerConflict

AnswerKey = tuple[int, int, str]  # workshop id, step, field


@dataclass
class Answers:
    pending: dict[AnswerKey, str] = field(default_factory=dict)
    saved: dict[AnswerKey, str] = field(default_factory=dict)  # as last read or written
    failed: dict[AnswerKey, str] = field(default_factory=dict)  # handed over, not on disk
    conflicts: dict[AnswerKey, AnswerConflict] = field(default_factory=dict)  # changed elsewhere too

    def on_screen(self, key: AnswerKey, stored: str) -> str:
        """The text a step shows for a field: what was typed and not yet saved wins over the file."""
        self.saved[key] = stored
        return self.pending.get(key, self.failed.get(key, stored))

    def known(self, key: AnswerKey) -> str | None:
        """The latest text of a field this sitting has heard of: typed, failed, or saved."""
        return self.pending.get(key, self.failed.get(key, self.saved.get(key)))

    def edit(self, key: AnswerKey, text: str) -> bool:
        """Note typed text; False when it changes nothing (the text the file already holds)."""
        if text == self.saved.get(key) and key not in self.pending and key not in self.failed:
            return False
        self.pending[key] = text
        return True

    def take(self) -> dict[AnswerKey, str]:
        """Everything to hand to the writer now: the pending edits, and earlier failures again."""
        batch = {**self.failed, **self.pending}
        self.pending = {}
        return batch

    def landed(self, key: AnswerKey, text: str) -> None:
        self.saved[key] = text
        # One writer, in order: whatever failed before for this field is older than this text.
        self.failed.pop(key, None)

    def refused(self, key: AnswerKey, text: str) -> None:
        if key not in self.pending:  # newer typing wins; it will be saved next
            self.failed[key] = text

    def unsaved(self) -> dict[AnswerKey, str]:
        return {**{key: c.mine for key, c in self.conflicts.items()}, **self.failed, **self.pending}
