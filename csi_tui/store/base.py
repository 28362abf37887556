"""What every kind of record's methods in the store share: the connection, the clock, row reads.

The store (workshop_store.WorkshopStore) is composed of one class per kind of record, each in its
own module with its own SQL. Each of those classes inherits the ones whose methods it calls, so its
bases say what it depends on, and no record module imports the composed store.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from csi_tui.domain.clock import Clock
from csi_tui.store.connection import Database


class StoreBase:
    db: Database
    clock: Clock

    def transaction(self) -> AbstractContextManager[Database]:
        """Several saves as one: all of them, or none (a score and its weight, say). Nested, a
        savepoint. The session's intents use it; nothing above the store opens one itself."""
        return self.db.atomic()

    def _now(self) -> str:
        return self.clock().isoformat()

    def _rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))
