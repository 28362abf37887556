"""The domain's rules for each row, as SQL: what a merge checks in a source before it copies
anything (transfer/merge.py).

The app's reads check rows with the domain's models (store/base.py `_valid`, the score rows with
`score_row_problem`) and leave out what fails. A merge copies with INSERT ... SELECT inside SQLite,
a thousand files at a time (benchmarks/run.py), so building a model per row would cost more than
the copy itself; instead one query per table finds the first row that breaks a rule. The
conditions mirror the models field by field, and where a rule is more than SQL says easily (an
ISO time, a key, text that is not blank) the query calls the domain's own function
(`parse_moment`, `parse_day`, the key pattern), registered on the connection, so the two can never
disagree on those. tests/test_hostile_files.py holds the mirror to the models: every file of its
corpus that a read refuses a row of, the merge refuses, and no other.

Checked are the fields the domain's models carry. Not checked: the change log (the file's history
as written, never shown or read back into rows; a merge keeps it as the source wrote it,
docs/schema.md), and the `updated_at` of a score or an answer (bookkeeping no model carries and
nothing reads; a score's is on every one of thousands of rows the live gap matrix re-reads).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import cache
from enum import StrEnum

from csi_tui.domain.cycle import chains_in_loops
from csi_tui.domain.errors import RefusedRow
from csi_tui.domain.models import EARLIEST_YEAR, LATEST_YEAR, is_day, is_key, is_moment, is_text
from csi_tui.domain.steps import STEPS
from csi_tui.domain.vocabulary import (
    Closure,
    Direction,
    Framework,
    Outcome,
    Perspective,
    RegisterStatus,
    ScoreKind,
    Size,
)

LARGEST = "1.7976931348623157e308"  # the largest finite double: abs(inf) is more


def register_functions(conn: sqlite3.Connection) -> None:
    """The domain's predicates, callable from SQL on this connection (deterministic: SQLite may
    evaluate each distinct argument once)."""
    conn.create_function("csi_moment", 1, lambda value: is_moment(value), deterministic=True)
    conn.create_function("csi_day", 1, lambda value: is_day(value), deterministic=True)
    conn.create_function("csi_key", 1, lambda value: is_key(value), deterministic=True)
    conn.create_function("csi_nonblank", 1, lambda value: is_text(value, blank=False), deterministic=True)


@dataclass(frozen=True)
class _ByValue:
    """A rule the domain's own function decides (a time, a date, a key, text not blank), checked
    on each distinct value of the column rather than on each row: a session file's four hundred
    scores share a handful of times, so the merge calls Python a handful of times per file."""

    column: str
    function: str  # registered by register_functions
    rule: str  # the rule as SQL text, naming the row's value
    nullable: bool = False


Rule = tuple[str, str] | _ByValue  # (broken when, the rule as SQL text), or a _ByValue


@dataclass(frozen=True)
class _Table:
    name: str
    workshop: str  # SQL naming the row's workshop
    rules: list[Rule]
    joins: str = ""  # what the rules read beside the row (`r`)
    row: str = "r.id"  # SQL naming the row in a refusal
    needs: str | None = None  # a column newer than some files ("table.column"): checked where present

    @property
    def key(self) -> str:
        return self.needs or self.name


def _one_of(column: str, vocabulary: type[StrEnum]) -> str:
    values = ", ".join(f"'{member.value}'" for member in vocabulary)
    return f"{column} IN ({values})"


def _text(column: str) -> tuple[str, str]:
    return f"typeof(r.{column}) != 'text'", f"'{column} is not text'"


def _nonblank(column: str) -> _ByValue:
    return _ByValue(column, "csi_nonblank", f"'{column} must be text that is not blank'")


def _integer(column: str, low: int, high: int) -> tuple[str, str]:
    return (f"typeof(r.{column}) != 'integer' OR r.{column} NOT BETWEEN {low} AND {high}",
            f"'{column} ' || quote(r.{column}) || ' is not a whole number from {low} to {high}'")


def _whole(column: str) -> tuple[str, str]:
    return f"typeof(r.{column}) != 'integer'", f"'{column} ' || quote(r.{column}) || ' is not a whole number'"


def _vocabulary(column: str, vocabulary: type[StrEnum], nullable: bool = False) -> tuple[str, str]:
    test = f"typeof(r.{column}) != 'text' OR NOT {_one_of('r.' + column, vocabulary)}"
    if nullable:
        test = f"r.{column} IS NOT NULL AND ({test})"
    return test, f"'{column} ' || quote(r.{column}) || ' is not one of {', '.join(m.value for m in vocabulary)}'"


def _figure(column: str, nullable: bool = True) -> tuple[str, str]:
    test = f"typeof(r.{column}) NOT IN ('integer', 'real') OR abs(r.{column}) > {LARGEST}"
    if nullable:
        test = f"r.{column} IS NOT NULL AND ({test})"
    return test, f"'{column} ' || quote(r.{column}) || ' is not a finite number'"


def _moment(column: str) -> _ByValue:
    return _ByValue(column, "csi_moment",
                    f"'{column} ' || quote(r.{column}) || ' is not a date and time from {EARLIEST_YEAR} "
                    f"to {LATEST_YEAR}'")


def _day(column: str, nullable: bool = False) -> _ByValue:
    return _ByValue(column, "csi_day", f"'{column} ' || quote(r.{column}) || ' is not a date (YYYY-MM-DD) from "
                    f"{EARLIEST_YEAR} to {LATEST_YEAR}'", nullable)


def _answer_fields() -> str:
    return ", ".join(f"({step.number}, '{field.key}')" for step in STEPS for field in step.fields)


_OF_A_WORKSHOP = "r.workshop_id IN (SELECT id FROM {s}.workshop)"
_ITEM = "(SELECT i.workshop_id FROM {s}.register_item i WHERE i.id = r.item_id)"

# Each table's rules, in the order they are reported. `r` is the row, `{s}` the schema.
_TABLES: list[_Table] = [
    _Table("workshop", "r.id", [
        _nonblank("title"), _text("organisation"), _text("scope"), _text("facilitator"),
        _nonblank("template_id"),
        _ByValue("scale_id", "csi_key", "'scale_id ' || quote(r.scale_id) || ' is not a valid key'"),
        _integer("anonymous", 0, 1), _integer("cycle", 1, 1000), _integer("current_step", 1, 6),
        _moment("created_at"), _moment("updated_at"),
        ("r.previous_id IS NOT NULL AND (typeof(r.previous_id) != 'integer' OR r.previous_id = r.id)",
         "'a workshop cannot be its own previous cycle'"),
        ("r.previous_id IS NOT NULL AND p.id IS NULL",
         "'its previous cycle, workshop ' || quote(r.previous_id) || ', is not in the file'"),
    ], joins="LEFT JOIN {s}.workshop p ON p.id = r.previous_id"),
    _Table("workshop", "r.id", [_text("site_label")], needs="workshop.site_label"),  # since schema version 5
    _Table("scale_level", "r.workshop_id", [
        _integer("value", 0, 10), _nonblank("name"), _nonblank("description"),
    ], row="r.value"),
    _Table("dimension", "r.workshop_id", [
        _ByValue("key", "csi_key", "'key ' || quote(r.key) || ' is not a valid key'"),
        _nonblank("name"), _text("group_name"), _integer("weight", 1, 5), _whole("position"),
    ]),
    _Table("participant", "r.workshop_id", [
        _nonblank("name"), _text("role"), _vocabulary("perspective", Perspective),
    ]),
    _Table("score", "r.workshop_id", [
        _whole("value"),
        ("r.value NOT BETWEEN scale.lowest AND scale.highest",
         "'value ' || r.value || ' is outside the workshop''s scale (' || scale.lowest || '-' || scale.highest || ')'"),
        _vocabulary("kind", ScoreKind), _vocabulary("perspective", Perspective, nullable=True),
        _text("evidence"),
        ("d.id IS NULL OR d.workshop_id != r.workshop_id",
         "'dimension ' || quote(r.dimension_id) || ' is not a dimension of this workshop'"),
        ("r.participant_id IS NOT NULL AND (p.id IS NULL OR p.workshop_id != r.workshop_id)",
         "'participant ' || quote(r.participant_id) || ' is not a participant of this workshop'"),
        ("r.participant_id IS NOT NULL AND p.perspective IS NOT r.perspective",
         "'perspective ' || quote(r.perspective) || ' is not the participant''s own'"),
    ], joins="LEFT JOIN (SELECT workshop_id, min(value) AS lowest, max(value) AS highest FROM {s}.scale_level "
             "GROUP BY workshop_id) scale ON scale.workshop_id = r.workshop_id "
             "LEFT JOIN {s}.dimension d ON d.id = r.dimension_id "
             "LEFT JOIN {s}.participant p ON p.id = r.participant_id"),
    _Table("answer", "r.workshop_id", [
        _integer("step", 1, 6),
        (f"typeof(r.field) != 'text' OR (r.step, r.field) NOT IN (VALUES {_answer_fields()})",
         "'step ' || quote(r.step) || ' has no field ' || quote(r.field)"),
        _text("value"),
    ], row="r.step || '.' || r.field"),
    _Table("kpi", "r.workshop_id", [
        _nonblank("name"), _text("unit"), _vocabulary("direction", Direction),
        _figure("baseline"), _figure("short_target"), _day("short_target_on", nullable=True),
        _figure("long_target"), _day("long_target_on", nullable=True), _integer("measurable", 0, 1),
        _text("source"),
        ("r.dimension_id IS NOT NULL AND (d.id IS NULL OR d.workshop_id != r.workshop_id)",
         "'dimension ' || quote(r.dimension_id) || ' is not a dimension of this workshop'"),
    ], joins="LEFT JOIN {s}.dimension d ON d.id = r.dimension_id"),
    # Only the measurements of a KPI: one of no KPI belongs to no workshop, is never shown and
    # never copied.
    _Table("measurement", "(SELECT k.workshop_id FROM {s}.kpi k WHERE k.id = r.kpi_id)", [
        _moment("measured_at"), _figure("value", nullable=False), _text("note"),
    ]),
    _Table("register_item", "r.workshop_id", [
        _whole("number"), _day("raised_on"), _text("raised_by"), _nonblank("description"), _text("justification"),
        _integer("priority", 1, 5), _vocabulary("size", Size), _text("timescale"), _text("owner"),
        _day("due_on", nullable=True),
        ("r.due_on IS NOT NULL AND r.due_on < r.raised_on",
         "'the due date ' || r.due_on || ' is before the raised date ' || r.raised_on"),
        _vocabulary("status", RegisterStatus), _vocabulary("closure", Closure, nullable=True),
        ("r.closure IS NOT NULL AND r.status NOT IN ('closed', 'cancelled')",
         "'a closure code is given only when the item is closed or cancelled'"),
        _vocabulary("achieved_outcome", Outcome, nullable=True), _vocabulary("framework", Framework),
        _text("baseline_value"), _text("target_value"), _day("review_on", nullable=True),
    ]),
    _Table("register_item_dimension", _ITEM, [
        ("d.id IS NULL OR d.workshop_id != i.workshop_id",
         "'item ' || quote(r.item_id) || ' addresses dimension ' || quote(r.dimension_id) || "
         "', which is not a dimension of its workshop'"),
    ], joins="JOIN {s}.register_item i ON i.id = r.item_id LEFT JOIN {s}.dimension d ON d.id = r.dimension_id",
        row="r.item_id"),
    _Table("register_item_kpi", _ITEM, [
        ("k.id IS NULL OR k.workshop_id != i.workshop_id",
         "'item ' || quote(r.item_id) || ' is linked to KPI ' || quote(r.kpi_id) || "
         "', which is not a KPI of its workshop'"),
    ], joins="JOIN {s}.register_item i ON i.id = r.item_id LEFT JOIN {s}.kpi k ON k.id = r.kpi_id", row="r.item_id"),
    _Table("register_item_carried", _ITEM, [
        _integer("to_cycle", 2, 1000),
    ], joins="JOIN {s}.register_item i ON i.id = r.item_id", row="r.item_id"),
    _Table("checkpoint", "r.workshop_id", [
        _day("due_on"), _day("held_on", nullable=True), _text("went_well"), _text("went_wrong"),
    ]),
]

# Rows that belong to no workshop (foreign keys are not enforced by other tools) are neither
# shown nor copied: the checks cover the rows of the workshops in the file.
_OWNED = {
    "workshop": "1",
    "measurement": "r.kpi_id IN (SELECT id FROM {s}.kpi WHERE " + _OF_A_WORKSHOP.replace("r.", "") + ")",
    "register_item_dimension": "i.workshop_id IN (SELECT id FROM {s}.workshop)",
    "register_item_kpi": "i.workshop_id IN (SELECT id FROM {s}.workshop)",
    "register_item_carried": "i.workshop_id IN (SELECT id FROM {s}.workshop)",
}


def _from(table: _Table, joins: bool = True) -> str:
    owned = _OWNED.get(table.name, _OF_A_WORKSHOP)
    return f"FROM {{s}}.{table.name} r {table.joins if joins else ''} WHERE {owned}"


def _broken(conn: sqlite3.Connection, table: _Table, schema: str) -> RefusedRow | None:
    """The first row of the table breaking one of its rules: first the rules SQL says, on every
    row in one pass; then those the domain's functions say, on each distinct value."""
    found = None
    sql_rules = [rule for rule in table.rules if isinstance(rule, tuple)]
    if sql_rules:
        tests = " OR ".join(f"({test})" for test, _ in sql_rules)
        reasons = " ".join(f"WHEN {test} THEN {rule}" for test, rule in sql_rules)
        found = conn.execute(f"SELECT {table.row}, {table.workshop}, CASE {reasons} END {_from(table)} "
                             f"AND ({tests}) LIMIT 1".format(s=schema)).fetchone()
    for rule in (rule for rule in table.rules if isinstance(rule, _ByValue)):
        if found is not None:
            break
        skip_null = "v IS NOT NULL AND " if rule.nullable else ""
        bad = conn.execute(f"SELECT v FROM (SELECT DISTINCT r.{rule.column} AS v {_from(table, joins=False)}) "
                           f"WHERE {skip_null}NOT {rule.function}(v) LIMIT 1".format(s=schema)).fetchone()
        if bad is not None:
            found = conn.execute(f"SELECT {table.row}, {table.workshop}, {rule.rule} {_from(table)} "
                                 f"AND r.{rule.column} IS ? LIMIT 1".format(s=schema), bad).fetchone()
    if found is None:
        return None
    row, workshop_id, reason = found
    return RefusedRow(table.name, row, reason, workshop_id)


_SCALE = "#scale"

# A scale of at least two levels, consecutive (the levels are unique per workshop: the key).
_SCALES_WHERE = """
SELECT w.id, count(l.value) AS levels, min(l.value), max(l.value) FROM {s}.workshop w
LEFT JOIN {s}.scale_level l ON l.workshop_id = w.id WHERE {where} GROUP BY w.id
HAVING levels < 2 OR max(l.value) - min(l.value) + 1 != levels
"""
_SCALES = _SCALES_WHERE.replace("{where}", "1") + "LIMIT 1\n"


def _test(table: _Table, rule: Rule) -> str:
    if isinstance(rule, tuple):
        return rule[0]
    test = f"NOT {rule.function}(r.{rule.column})"
    return f"r.{rule.column} IS NOT NULL AND {test}" if rule.nullable else test


@cache
def _any_broken(schema: str, tables: frozenset[str] | None) -> str:
    """One statement that finds the first table with a row breaking any of its rules. A merge
    attaches each source anew, which makes SQLite prepare every statement again: one statement
    for the common case (nothing broken) costs a third of one per rule; the rule and the row are
    looked for only once something is found (_broken)."""
    checks = [f"SELECT * FROM (SELECT '{table.key}' {_from(table)} AND ("
              + " OR ".join(f"({_test(table, rule)})" for rule in table.rules) + ") LIMIT 1)"
              for table in _TABLES if tables is None or table.key in tables]
    checks.append(f"SELECT * FROM (SELECT '{_SCALE}' FROM ({_SCALES}))")
    return (" UNION ALL ".join(checks) + " LIMIT 1").format(s=schema)


def previous_cycles(conn: sqlite3.Connection, schema: str = "main") -> dict[int, int]:
    """The previous cycle of each workshop that has one, by id, in one statement. Workshops with
    none are left out: a chain ends there (chains_in_loops), and a portfolio of first cycles
    reads nothing into Python (10,000 rows cost every list 9 ms of the interpreter's time)."""
    return dict(conn.execute(f"SELECT id, previous_id FROM {schema}.workshop WHERE previous_id IS NOT NULL"))


def first_broken_row(conn: sqlite3.Connection, schema: str = "main", tables: set[str] | None = None
                     ) -> RefusedRow | None:
    """The first row of the database `schema` on `conn` (register_functions first) that breaks a
    rule of the domain, named with its table, row and rule; None when every row keeps them.
    `tables` limits the check to those present (a schema version 1 file has no checkpoints), and
    to the newer columns present, named "table.column" (a version 4 file has no site_label)."""
    found = conn.execute(_any_broken(schema, frozenset(tables) if tables is not None else None)).fetchone()
    if found is None:
        # Last, after the statement's checks: the chains of previous cycles, in Python, each
        # workshop walked once (a recursive walk from every workshop in SQL cost a chain's square).
        looping = chains_in_loops(previous_cycles(conn, schema))
        if looping:
            start = min(looping)
            return RefusedRow("workshop", start, "its chain of previous cycles runs round in a loop", start)
        return None
    if found[0] == _SCALE:
        workshop_id, levels, lowest, highest = conn.execute(_SCALES.format(s=schema)).fetchone()
        rule = (f"its maturity scale has {levels} level{'s' if levels != 1 else ''}; it needs at least two"
                if levels < 2 else f"its maturity scale's levels {lowest}-{highest} are not consecutive")
        return RefusedRow("scale_level", None, rule, workshop_id)
    (table,) = (table for table in _TABLES if table.key == found[0])
    return _broken(conn, table, schema) or RefusedRow(table.name, None, "breaks a rule of csi-tui")
