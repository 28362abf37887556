"""Replaying a workshop's change log: the state it describes, rebuilt from the log alone."""

from __future__ import annotations

from collections.abc import Iterable

from csi_tui.domain.models import ChangeLogEntry

StateKey = tuple[str, str, str]
CONFLICT = "conflict"  # the change-log field of an answer refused because it changed elsewhere  # entity, entity id, field


def replay(entries: Iterable[ChangeLogEntry]) -> dict[StateKey, str | None]:
    """The last value the log gives each (entity, entity id, field), applied in log order."""
    state: dict[StateKey, str | None] = {}
    for entry in sorted(entries, key=lambda entry: entry.id):
        if entry.field == CONFLICT:
            continue  # a text that was refused, kept for the record: never the field's state
        state[(entry.entity, entry.entity_id, entry.field)] = entry.new_value
    return state
