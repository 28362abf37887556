"""The database schema, one sqlite-utils migration at a time. This is a public contract:
docs/schema.md describes every table and column, and analysts rely on it.

Never edit a migration that has shipped; add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from csi_tui.store.schema_portfolio import m0005_portfolio
from csi_tui.store.schema_rooms import m0006_rooms
from csi_tui.store.views import GAP_MATRIX_VIEW, KPI_STATUS_VIEW, REGISTER_VIEW, REGISTER_VIEW_CARRIED

if TYPE_CHECKING:
    from sqlite_utils import Migrations


class Executes(Protocol):
    """What a migration step needs: sqlite-utils' Database or the store's own connection."""

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor: ...

# PRAGMA application_id marks a file as ours ("CSIT" in ASCII), so a stranger's SQLite file is
# recognised as such before anything is written to it.
APPLICATION_ID = 0x43534954
MIGRATION_SET = "csi-tui"

_INITIAL = [
    """
    CREATE TABLE workshop (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL CHECK (trim(title) <> ''),
        organisation TEXT NOT NULL DEFAULT '',
        scope TEXT NOT NULL DEFAULT '',
        facilitator TEXT NOT NULL DEFAULT '',
        template_id TEXT NOT NULL,
        scale_id TEXT NOT NULL,
        anonymous INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
        cycle INTEGER NOT NULL DEFAULT 1 CHECK (cycle >= 1),
        previous_id INTEGER REFERENCES workshop(id) ON DELETE SET NULL,
        current_step INTEGER NOT NULL DEFAULT 1 CHECK (current_step BETWEEN 1 AND 6),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE scale_level (
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        value INTEGER NOT NULL,
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        PRIMARY KEY (workshop_id, value)
    )
    """,
    """
    CREATE TABLE dimension (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        group_name TEXT NOT NULL DEFAULT '',
        weight INTEGER NOT NULL DEFAULT 3 CHECK (weight BETWEEN 1 AND 5),
        position INTEGER NOT NULL,
        UNIQUE (workshop_id, key)
    )
    """,
    """
    CREATE TABLE participant (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        name TEXT NOT NULL CHECK (trim(name) <> ''),
        role TEXT NOT NULL DEFAULT '',
        perspective TEXT NOT NULL CHECK (perspective IN ('business', 'it'))
    )
    """,
    """
    CREATE TABLE score (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        dimension_id INTEGER NOT NULL REFERENCES dimension(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('current', 'target')),
        value INTEGER NOT NULL,
        perspective TEXT CHECK (perspective IN ('business', 'it')),
        participant_id INTEGER REFERENCES participant(id) ON DELETE CASCADE,
        evidence TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    )
    """,
    # One score per voice: the room, a perspective's consensus, or one participant.
    """
    CREATE UNIQUE INDEX score_one_per_voice
        ON score (dimension_id, kind, ifnull(participant_id, 0), ifnull(perspective, ''))
    """,
    "CREATE INDEX score_workshop ON score (workshop_id)",
    """
    CREATE TABLE answer (
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 6),
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (workshop_id, step, field)
    )
    """,
    """
    CREATE TABLE kpi (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        name TEXT NOT NULL CHECK (trim(name) <> ''),
        unit TEXT NOT NULL DEFAULT '',
        direction TEXT NOT NULL DEFAULT 'higher' CHECK (direction IN ('higher', 'lower')),
        baseline REAL,
        short_target REAL,
        short_target_on TEXT,
        long_target REAL,
        long_target_on TEXT,
        measurable INTEGER NOT NULL DEFAULT 1 CHECK (measurable IN (0, 1)),
        source TEXT NOT NULL DEFAULT '',
        dimension_id INTEGER REFERENCES dimension(id) ON DELETE SET NULL
    )
    """,
    """
    CREATE TABLE measurement (
        id INTEGER PRIMARY KEY,
        kpi_id INTEGER NOT NULL REFERENCES kpi(id) ON DELETE CASCADE,
        measured_at TEXT NOT NULL,
        value REAL NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX measurement_kpi ON measurement (kpi_id, measured_at)",
    """
    CREATE TABLE register_item (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        raised_on TEXT NOT NULL,
        raised_by TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL CHECK (trim(description) <> ''),
        justification TEXT NOT NULL DEFAULT '',
        priority INTEGER NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
        size TEXT NOT NULL DEFAULT 'M' CHECK (size IN ('S', 'M', 'L', 'XL')),
        timescale TEXT NOT NULL DEFAULT '',
        owner TEXT NOT NULL DEFAULT '',
        due_on TEXT CHECK (due_on IS NULL OR due_on >= raised_on),
        status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'accepted', 'approved',
            'in progress', 'on hold', 'monitoring', 'closed', 'cancelled')),
        closure TEXT CHECK (closure IN ('successful', 'unsuccessful', 'withdrawn')),
        achieved_outcome TEXT CHECK (achieved_outcome IN ('cost reduction', 'time savings',
            'customer satisfaction', 'quality improvement', 'revenue')),
        framework TEXT NOT NULL DEFAULT 'ITIL',
        baseline_value TEXT NOT NULL DEFAULT '',
        target_value TEXT NOT NULL DEFAULT '',
        review_on TEXT,
        UNIQUE (workshop_id, number)
    )
    """,
    """
    CREATE TABLE register_item_dimension (
        item_id INTEGER NOT NULL REFERENCES register_item(id) ON DELETE CASCADE,
        dimension_id INTEGER NOT NULL REFERENCES dimension(id) ON DELETE CASCADE,
        PRIMARY KEY (item_id, dimension_id)
    )
    """,
    """
    CREATE TABLE register_item_kpi (
        item_id INTEGER NOT NULL REFERENCES register_item(id) ON DELETE CASCADE,
        kpi_id INTEGER NOT NULL REFERENCES kpi(id) ON DELETE CASCADE,
        PRIMARY KEY (item_id, kpi_id)
    )
    """,
    # No foreign key to workshop: the log outlives edits and is replayed on its own.
    """
    CREATE TABLE change_log (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL,
        at TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        field TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT
    )
    """,
    "CREATE INDEX change_log_workshop ON change_log (workshop_id, id)",
    """
    CREATE TRIGGER change_log_append_only_update BEFORE UPDATE ON change_log
    BEGIN
        SELECT RAISE(ABORT, 'the change log is append-only');
    END
    """,
    # A deleted workshop's history may be purged; a living workshop's may not.
    """
    CREATE TRIGGER change_log_append_only_delete BEFORE DELETE ON change_log
    WHEN EXISTS (SELECT 1 FROM workshop WHERE id = OLD.workshop_id)
    BEGIN
        SELECT RAISE(ABORT, 'the change log is append-only');
    END
    """,
]


def m0001_initial(db: Executes) -> None:
    for statement in _INITIAL:
        db.execute(statement)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def m0002_checkpoints(db: Executes) -> None:
    """Review dates for step 5 (quarterly by default), with what went well and what went wrong."""
    db.execute("""
        CREATE TABLE checkpoint (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
            due_on TEXT NOT NULL,
            held_on TEXT,
            went_well TEXT NOT NULL DEFAULT '',
            went_wrong TEXT NOT NULL DEFAULT ''
        )
    """)
    db.execute("CREATE INDEX checkpoint_workshop ON checkpoint (workshop_id, due_on)")


def m0003_analysis(db: Executes) -> None:
    """Views for analysis (gap matrix, register, KPI status) and where a merged workshop came from."""
    for view in (GAP_MATRIX_VIEW, REGISTER_VIEW, KPI_STATUS_VIEW):
        db.execute(view)
    db.execute("""
        CREATE TABLE workshop_source (
            workshop_id INTEGER PRIMARY KEY REFERENCES workshop(id) ON DELETE CASCADE,
            source_file TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            merged_at TEXT NOT NULL
        )
    """)
    db.execute("CREATE INDEX workshop_source_fingerprint ON workshop_source (fingerprint)")


def carried_guess(schema: str = "main") -> str:
    """SQL for the cycle an item of a file made before m0004 was carried to, NULL when it was not;
    `r` is the item. Those versions copied an open item into the next cycle unchanged and left
    the original open: the original is an open item with a twin (same description, same raised
    date) in a workshop whose previous cycle is the item's own."""
    return (f"CASE WHEN r.status NOT IN ('closed', 'cancelled') THEN "
            f"(SELECT min(w.cycle) FROM {schema}.workshop w JOIN {schema}.register_item n ON n.workshop_id = w.id "
            f"WHERE w.previous_id = r.workshop_id AND n.description = r.description "
            f"AND n.raised_on = r.raised_on) END")


def m0004_carried_items(db: Executes) -> None:
    """Register items the next cycle carried on: the earlier cycle's copy stays as history, marked
    with the cycle it went to, and leaves the counts and the register overview."""
    db.execute("""
        CREATE TABLE register_item_carried (
            item_id INTEGER PRIMARY KEY REFERENCES register_item(id) ON DELETE CASCADE,
            to_cycle INTEGER NOT NULL CHECK (to_cycle >= 2)
        )
    """)
    # Files of earlier versions hold both copies open: mark the earlier ones as carried.
    db.execute(f"INSERT INTO register_item_carried (item_id, to_cycle) SELECT id, guess FROM "
               f"(SELECT r.id, {carried_guess()} AS guess FROM register_item r) WHERE guess IS NOT NULL")
    db.execute("DROP VIEW IF EXISTS register_overview")
    db.execute(REGISTER_VIEW_CARRIED)


def m0007_newest_first(db: Executes) -> None:
    """The home list shows the most recently changed workshops first, and their first page before
    the rest: with this index SQLite reads the newest hundred off its end, where it sorted every
    workshop in the file (on 10,000 the list took 1.3-1.5x as long to show as on 10)."""
    db.execute("CREATE INDEX workshop_updated ON workshop (updated_at, id)")


# In order. The position of a migration in this list is the schema version it brings the file to.
MIGRATION_STEPS: list[Callable[[Executes], None]] = [m0001_initial, m0002_checkpoints, m0003_analysis,
                                                     m0004_carried_items, m0005_portfolio, m0006_rooms,
                                                     m0007_newest_first]
KNOWN_NAMES = [step.__name__ for step in MIGRATION_STEPS]
SCHEMA_VERSION = len(MIGRATION_STEPS)
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' record of applied migrations


@cache
def migrations() -> Migrations:
    """The steps as sqlite-utils Migrations, which create and upgrade files. Built on first use:
    opening an up-to-date file never needs sqlite-utils (a start-up cost; docs/performance.md)."""
    from sqlite_utils import Migrations

    built = Migrations(MIGRATION_SET)
    for step in MIGRATION_STEPS:
        built()(step)
    assert built.migrations_table == MIGRATIONS_TABLE
    return built


def applied_names(conn: sqlite3.Connection) -> list[str]:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
        [MIGRATIONS_TABLE],
    ).fetchone()
    if not exists:
        return []
    rows = conn.execute(
        f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
        [MIGRATION_SET],
    )
    return [name for (name,) in rows]


def _normalise(sql: str) -> str:
    return " ".join(sql.split())


# The kinds of schema object that run code of the file's author when csi-tui reads or writes:
# triggers (on every write), views (on every read of them) and indexes (an expression or a WHERE
# clause is evaluated on every write). Tables only hold data, so an analyst's own tables, and
# full-text (FTS5) tables with their shadow tables, are left alone.
CHECKED_KINDS = ("trigger", "view", "index")


@cache
def known_schema_objects() -> frozenset[tuple[str, str, str]]:
    """Every (type, name, sql) of a trigger, view or index that any version of our schema
    creates, found by running each step in memory (on plain sqlite3: no sqlite-utils at start-up)."""
    from csi_tui.store.connection import Database

    db = Database.memory()
    known: set[tuple[str, str, str]] = set()
    for step in MIGRATION_STEPS:
        step(db)
        known |= set(schema_objects(db.conn))
    db.close()
    return frozenset(known)


def schema_objects(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(type, name, normalised sql) of the file's triggers, views and indexes. Indexes SQLite makes
    itself for UNIQUE and PRIMARY KEY constraints have no sql and are part of their table."""
    kinds = ", ".join(f"'{kind}'" for kind in CHECKED_KINDS)
    rows = conn.execute(
        f"SELECT type, name, sql FROM sqlite_master WHERE type IN ({kinds}) AND sql IS NOT NULL"
    )
    return [(kind, name, _normalise(sql)) for kind, name, sql in rows]
