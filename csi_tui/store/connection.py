"""The store's connection: the small part of sqlite-utils' `Database` it uses at run time
(execute, query, atomic, insert), over plain sqlite3.

Why not sqlite-utils itself here: importing it loads click, dateutil and pluggy's plugin scan,
about 65 ms and 14 MB before the first paint (docs/performance.md). sqlite-utils still owns the
schema: its Migrations create and upgrade files (schema.py), loaded only when a file needs it.

Same transaction rules as sqlite-utils 4: a statement outside `atomic()` commits on its own
(autocommit), `atomic()` is one transaction, and a nested `atomic()` is a savepoint. Two
differences: `atomic()` begins IMMEDIATE (it takes the write lock first, so it waits its busy
timeout for another writer instead of failing at once when a read inside it is upgraded to a
write), and `reading()` is a consistent read that never takes the write lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Any

_savepoints = count()


class Table:
    def __init__(self, db: Database, name: str) -> None:
        self.db = db
        self.name = name
        self.last_pk: int | None = None

    def _insert_sql(self, columns: Sequence[str]) -> str:
        names = ", ".join(f'"{column}"' for column in columns)
        return f'INSERT INTO "{self.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'

    def insert(self, row: Mapping[str, Any]) -> Table:
        cursor = self.db.execute(self._insert_sql(list(row)), list(row.values()))
        self.last_pk = cursor.lastrowid
        return self

    def insert_all(self, rows: Iterable[Mapping[str, Any]]) -> Table:
        batch = list(rows)
        if batch:
            columns = list(batch[0])
            if all(list(row) == columns for row in batch):
                self.db.conn.executemany(self._insert_sql(columns), [list(row.values()) for row in batch])
            else:
                for row in batch:
                    self.insert(row)
        return self


class Database:
    def __init__(self, target: Path | str | sqlite3.Connection) -> None:
        if isinstance(target, sqlite3.Connection):
            self.conn = target
        else:
            # isolation_level None: no implicit transactions; atomic() says where they are.
            self.conn = sqlite3.connect(str(target), isolation_level=None)

    @classmethod
    def memory(cls) -> Database:
        return cls(":memory:")

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] | None = None) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters if parameters is not None else ())

    def query(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] | None = None
              ) -> Iterator[dict[str, Any]]:
        cursor = self.execute(sql, parameters)
        names = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def __getitem__(self, name: str) -> Table:
        return Table(self, name)

    @contextmanager
    def reading(self) -> Iterator[Database]:
        """Several reads from one snapshot of the file; blocks no writer."""
        if self.conn.in_transaction:
            yield self
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:
            savepoint = f"csi_tui_{next(_savepoints)}"
            self.conn.execute(f"SAVEPOINT {savepoint}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:  # a RAISE(ROLLBACK) may have ended it already
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                    self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
        else:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                try:
                    self.conn.execute("COMMIT")
                except BaseException:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise

    def _names(self, kind: str) -> list[str]:
        return [name for (name,) in self.execute(
            "SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name", [kind])]

    def table_names(self) -> list[str]:
        return self._names("table")

    def view_names(self) -> list[str]:
        return self._names("view")

    def close(self) -> None:
        self.conn.close()
