"""A listing's suspects: the rows of a portfolio's workshop list that break a rule, found in a few
statements.

The home screen lists every workshop of a portfolio (10,000 of them): a model per row costs more
than the read. These find, in a few statements, the rows that break a rule; only those are then
judged by the domain's models (store/workshops.py), which name the rule as every other read
does. The rules are the same ones the merge checks (row_rules._TABLES): one mirror, held to the
models by tests/test_hostile_files.py."""

from __future__ import annotations

import sqlite3

from csi_tui.domain.cycle import chains_in_loops
# The mirror's own tables and statements: this module reads them, it does not keep a second copy.
from csi_tui.store.row_rules import _SCALES_WHERE, _TABLES, previous_cycles



def rows_breaking(conn: sqlite3.Connection, table_name: str, where: str = "1",
                  params: dict[str, object] | None = None, schema: str = "main") -> list[tuple[object, object]]:
    """Every row of the table that breaks one of its rules, among those `where` picks (SQL on the
    row `r`, with named parameters; "1" for all), as (row, workshop) named as a refusal names them. A rule
    the domain's function decides is asked once per distinct value of its column (a thousand
    scale levels share a handful of names)."""
    # With the rules of its newer columns (row_rules._Table.needs): this file, migrated, has them all.
    chosen = [table for table in _TABLES if table.name == table_name]
    table = chosen[0]
    tests = []
    for rule in (rule for each in chosen for rule in each.rules):
        if isinstance(rule, tuple):
            tests.append(f"({rule[0]})")
            continue
        bad = (f"SELECT v FROM (SELECT DISTINCT r.{rule.column} AS v FROM {{s}}.{table.name} r WHERE {where}) "
               f"WHERE v IS NOT NULL AND NOT {rule.function}(v)")
        # NULL is never in an IN list: a missing value is tested on its own (the domain's
        # functions refuse None, so only a column that may be empty lets it pass).
        missing = "" if rule.nullable else f"r.{rule.column} IS NULL OR "
        tests.append(f"({missing}r.{rule.column} IN ({bad}))")
    # `where` alone says which rows: the rows of workshops no longer in the file, which the
    # merge leaves out (_OWNED), are no listing's concern, and asking would search every workshop.
    sql = (f"SELECT {table.row}, {table.workshop} FROM {{s}}.{table.name} r {table.joins} "
           f"WHERE ({where}) AND ({' OR '.join(tests)})")
    return [tuple(found) for found in conn.execute(sql.format(s=schema), params or {})]


def workshops_with_broken_scales(conn: sqlite3.Connection, where: str = "1",
                                 params: dict[str, object] | None = None, schema: str = "main") -> set[int]:
    """The workshops, among those `where` picks (SQL on the workshop `w`), whose maturity scale
    has fewer than two levels, or levels that are not consecutive."""
    sql = _SCALES_WHERE.replace("{where}", where).format(s=schema)
    return {row[0] for row in conn.execute(sql, params or {})}


def workshops_in_loops(conn: sqlite3.Connection, schema: str = "main") -> set[int]:
    """The workshops whose chain of previous cycles runs round in a loop: each workshop's link
    read in one statement, the chains walked once each in Python (domain/cycle.py)."""
    return chains_in_loops(previous_cycles(conn, schema))
