"""What every kind of record's methods in the store share: the connection, the clock, row reads.

The store (workshop_store.WorkshopStore) is composed of one class per kind of record, each in its
own module with its own SQL. Each of those classes inherits the ones whose methods it calls, so its
bases say what it depends on, and no record module imports the composed store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from csi_tui.domain.clock import Clock, stamp
from csi_tui.domain.errors import RefusedRow, explain_row
from csi_tui.store.connection import Database

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


class StoreBase:
    db: Database
    clock: Clock

    # --- rows that break the domain's rules -----------------------------------------------------
    # A file comes from outside: another tool, a hand edit, an older or hostile program may have
    # written rows the app would never write (a score of 99, a weight of 9, a year-1 time). Every
    # read validates each row with the domain's models and rules; a row that fails is left out
    # of what the read returns and recorded here, once, so the caller can name it (the command
    # line on stderr, the app in a notification, an import by refusing the file).

    @property
    def refused(self) -> list[RefusedRow]:
        """Every row this connection's reads have left out so far, in the order found."""
        return list(self._refusals())

    def _refusals(self) -> dict[RefusedRow, None]:
        try:
            return self.__dict__["_refused_rows"]
        except KeyError:
            return self.__dict__.setdefault("_refused_rows", {})

    def _refuse(self, table: str, row: object, reason: str, workshop_id: int | None = None) -> None:
        refused = RefusedRow(table, row, reason, workshop_id)
        if refused not in self._refusals():  # once per connection: a screen re-reads on every change
            log.warning("left out of a read: %s", refused)
        self._refusals().setdefault(refused, None)
        for collected in self.__dict__.get("_collectors", []):
            if refused not in collected:
                collected.append(refused)

    @contextmanager
    def _collecting(self) -> Iterator[list[RefusedRow]]:
        """The rows refused by the reads inside the block (even those refused before it)."""
        collected: list[RefusedRow] = []
        collectors = self.__dict__.setdefault("_collectors", [])
        collectors.append(collected)
        try:
            yield collected
        finally:
            collectors.remove(collected)

    def _valid(self, model: type[M], table: str, rows: Iterable[dict[str, Any]], workshop_id: int | None = None,
               name: Callable[[dict[str, Any]], object] = lambda row: row.get("id")) -> list[M]:
        """The rows that are valid `model`s, as models; the others refused (see `refused`), each
        named by `name` (its id unless said otherwise)."""
        valid = []
        for row in rows:
            binary = blob_column(row)
            if binary is not None:
                self._refuse(table, name(row), f"{binary}: binary data, not text or a number", workshop_id)
                continue
            try:
                valid.append(model.model_validate(row))
            except ValidationError as error:
                self._refuse(table, name(row), explain_row(error), workshop_id)
        return valid

    def transaction(self) -> AbstractContextManager[Database]:
        """Several saves as one: all of them, or none (a score and its weight, say). Nested, a
        savepoint. The session's intents use it; nothing above the store opens one itself."""
        return self.db.atomic()

    def _now(self) -> str:
        return stamp(self.clock())  # UTC, to the second, with Z: one format everywhere

    def _rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))


def blob_column(row: dict[str, Any]) -> str | None:
    """The first column holding a BLOB. No column of ours holds binary data, and pydantic would
    take bytes for text (decoding them), so a BLOB is refused before the model sees it."""
    return next((name for name, value in row.items() if isinstance(value, bytes)), None)
