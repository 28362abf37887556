"""The change log: the rows a save adds, the transaction they are written in (`_change`), the
field-by-field update that every edit of a record shares, and reading the log back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from csi_tui.domain.models import ChangeLogEntry
from csi_tui.store import gap_rows
from csi_tui.store.base import StoreBase
from csi_tui.store.connection import Database


def as_text(value: Any) -> str | None:
    """A value as the change log and the text columns store it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def same_column(field: str, value: Any) -> tuple[str, Any]:
    """Where update_fields writes a field by default: the column of the same name."""
    return field, int(value) if isinstance(value, bool) else value


class ChangeLog:
    """Change-log rows gathered during one transaction, written at its end."""

    def __init__(self, db: Database, workshop_id: int, at: str) -> None:
        self.db = db
        self.workshop_id = workshop_id
        self.at = at
        self.rows: list[dict[str, Any]] = []

    def add(self, entity: str, entity_id: object, field: str, old: Any, new: Any) -> None:
        self.rows.append(
            {"workshop_id": self.workshop_id, "at": self.at, "entity": entity,
             "entity_id": str(entity_id), "field": field,
             "old_value": as_text(old), "new_value": as_text(new)}
        )

    def update_fields(
        self,
        table: str,
        row_id: int,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        fields: Iterable[str],
        column: Callable[[str, Any], tuple[str, Any]] = same_column,
    ) -> None:
        """Write each of `fields` whose value differs between `before` and `after` to row `row_id` of
        `table`, and log it with the table as the entity. The log keeps the record's own values;
        `column` says where a field is stored and as what, when that is not the same."""
        for field in fields:
            old, new = before[field], after[field]
            if old == new:
                continue
            name, stored = column(field, new)
            # Names go into the SQL as text: they are the table's and the model's own (a caller's
            # field names have passed the model's validation, which forbids unknown ones).
            self.db.execute(f"UPDATE {table} SET [{name}] = ? WHERE id = ?", [stored, row_id])
            self.add(table, row_id, field, old, new)


# Every row ChangeLog.add makes has these keys.
_COLUMNS = ("workshop_id", "at", "entity", "entity_id", "field", "old_value", "new_value")
_INSERT = f"INSERT INTO change_log ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
_values = itemgetter(*_COLUMNS)


class ChangeLogRecords(StoreBase):
    # The ids of the change-log rows written while `recording` (None: nobody is listening).
    _recorded: list[int] | None = None

    @contextmanager
    def recording(self) -> Iterator[list[int]]:
        """Gather the ids of the change-log rows this connection writes meanwhile: what one
        intent changed, so that the session can undo exactly that, and nothing of anyone else's."""
        outer, self._recorded = self._recorded, []
        try:
            yield self._recorded
        finally:
            if outer is not None:
                outer.extend(self._recorded)
            self._recorded = outer

    @contextmanager
    def _change(self, workshop_id: int) -> Iterator[ChangeLog]:
        """One transaction: the change, its change-log rows, the workshop's updated time, and its
        gap rows when a score or a weight moved (store/gap_rows.py)."""
        with self.db.atomic():
            log = ChangeLog(self.db, workshop_id, self._now())
            yield log
            if log.rows:
                self.db.execute(
                    "UPDATE workshop SET updated_at = ? WHERE id = ?", [log.at, workshop_id]
                )
                moved = gap_rows.changed_dimensions(log.rows)
                if moved:  # the gap matrix table, in this transaction
                    gap_rows.refresh_dimensions(self.db, workshop_id, moved)
                if self._recorded is None:  # a room's batch: thousands of rows, one statement
                    self.db.conn.executemany(_INSERT, map(_values, log.rows))
                else:  # row by row, for their ids
                    for row in log.rows:
                        self._recorded.append(self.db.execute(_INSERT, _values(row)).lastrowid)

    def change_log(self, workshop_id: int) -> list[ChangeLogEntry]:
        rows = self._rows(
            "SELECT * FROM change_log WHERE workshop_id = ? ORDER BY id", [workshop_id]
        )
        return [ChangeLogEntry.model_validate(row) for row in rows]

    def change_log_rows(self, workshop_id: int, ids: list[int]) -> list[ChangeLogEntry]:
        """The workshop's change-log rows of those ids, in the order they were written."""
        marks = ", ".join("?" for _ in ids)
        rows = self._rows(
            f"SELECT * FROM change_log WHERE workshop_id = ? AND id IN ({marks}) ORDER BY id",
            [workshop_id, *ids],
        )
        return [ChangeLogEntry.model_validate(row) for row in rows]
