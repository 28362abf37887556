"""The gap rows table (`gap_row`, since schema version 5): one row per dimension of every workshop,
the gap matrix as domain/gap.py computes it, kept up to date in the same transaction as every
write that moves it. The `gap_matrix` view reads it (store/portfolio_views.py), so a portfolio of
ten thousand workshops answers the view from an index instead of running window functions over
every score in the file (docs/performance.md, "Portfolio at scale").

Kept in the store's write path, not by triggers:
- Every score, weight, participant removal and undo passes through `ChangeLogRecords._change`,
  whose change-log rows say which workshop changed and whether scores or weights did: one hook
  there covers them all, in their transaction.
- A merge copies a file's scores with one INSERT ... SELECT; a row trigger would recompute a
  dimension (and re-rank its workshop) for each of tens of thousands of copied scores, where the
  merge computes every new workshop's rows in one statement (`refresh`, `MERGED`).
- The rank needs the whole workshop: a trigger would re-rank it per score written.
- A refresh recomputes the whole workshop, not only the dimension that moved: it costs about a
  millisecond for a workshop of 34 dimensions and 12 voices, and a workshop whose rows were ever
  left stale (another program writing scores) is right again after its next save.

A file written by another program (sqlite-utils, a hand edit) that changes scores without
csi-tui leaves its workshops' rows as they were until csi-tui next saves there; a merge and an
import compute the rows afresh from the source's scores, never copying its gap rows.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Protocol

GAP_ROW_TABLE = """
    CREATE TABLE gap_row (
        dimension_id INTEGER PRIMARY KEY REFERENCES dimension(id) ON DELETE CASCADE,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        current REAL,
        target REAL,
        gap REAL,
        weighted_gap REAL,
        spread INTEGER,
        perception_gap REAL,
        rank INTEGER NOT NULL
    )
"""
GAP_ROW_INDEX = "CREATE INDEX gap_row_workshop ON gap_row (workshop_id, rank)"


class Executes(Protocol):
    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor: ...


# The median of a kind of score for one dimension, as domain/gap.py computes it: the middle value,
# or the mean of the two middle values (as m0003's view did; store/views.py).
def _median(condition: str, position: str, count: str) -> str:
    return f"avg(CASE WHEN {condition} AND {position} IN (({count} + 1) / 2, {count} / 2 + 1) THEN value END)"


# {chosen}: which workshops, as SQL after "workshop_id" (`= ?`, `IN (...)`, `IS NOT NULL`).
# One row per dimension of each chosen workshop, replacing what was there. The room's consensus
# score wins where there is one; otherwise the median of every voice. Ranked as
# domain/gap.rank_rows: weighted gap, then gap, then the template's order; unscored rows last.
_REFRESH = f"""
    INSERT OR REPLACE INTO gap_row (dimension_id, workshop_id, current, target, gap, weighted_gap, spread,
                                    perception_gap, rank)
    WITH ordered AS (
        SELECT dimension_id, kind, value, perspective, participant_id,
               participant_id IS NULL AND perspective IS NULL AS from_room,
               ROW_NUMBER() OVER (PARTITION BY dimension_id, kind ORDER BY value) AS position,
               COUNT(*) OVER (PARTITION BY dimension_id, kind) AS voices,
               ROW_NUMBER() OVER (PARTITION BY dimension_id, kind, perspective ORDER BY value) AS side_position,
               COUNT(*) OVER (PARTITION BY dimension_id, kind, perspective) AS side_voices
        FROM score WHERE workshop_id {{chosen}}
    ),
    levels AS (
        SELECT dimension_id,
               coalesce(max(CASE WHEN kind = 'current' AND from_room THEN value END),
                        {_median("kind = 'current'", "position", "voices")}) AS current,
               coalesce(max(CASE WHEN kind = 'target' AND from_room THEN value END),
                        {_median("kind = 'target'", "position", "voices")}) AS target,
               CASE WHEN count(CASE WHEN kind = 'current' AND participant_id IS NOT NULL THEN 1 END) > 1
                    THEN max(CASE WHEN kind = 'current' AND participant_id IS NOT NULL THEN value END)
                       - min(CASE WHEN kind = 'current' AND participant_id IS NOT NULL THEN value END)
               END AS spread,
               {_median("kind = 'current' AND perspective = 'business'", "side_position", "side_voices")}
             - {_median("kind = 'current' AND perspective = 'it'", "side_position", "side_voices")} AS perception_gap
        FROM ordered GROUP BY dimension_id
    ),
    gaps AS (
        SELECT d.id AS dimension_id, d.workshop_id, d.position, l.current, l.target,
               l.target - l.current AS gap, (l.target - l.current) * d.weight AS weighted_gap,
               l.spread, l.perception_gap
        FROM dimension d LEFT JOIN levels l ON l.dimension_id = d.id WHERE d.workshop_id {{chosen}}
    )
    SELECT dimension_id, workshop_id, current, target, gap, weighted_gap, spread, perception_gap,
           ROW_NUMBER() OVER (PARTITION BY workshop_id ORDER BY weighted_gap IS NULL, weighted_gap DESC,
                              gap DESC, position)
    FROM gaps
"""

ONE = "= ?"
EVERY = "IS NOT NULL"
MERGED = "IN (SELECT new_id FROM temp.merge_map)"  # a merge's new workshops (transfer/merge.py)

# What in a change-log row moves a workshop's gap rows: a score, or a dimension's weight.
MOVES_GAPS = frozenset({"score", "dimension"})


def refresh(db: Executes, chosen: str = EVERY) -> None:
    """Compute the gap rows of the chosen workshops (EVERY, MERGED) again from their scores and weights."""
    db.execute(_REFRESH.format(chosen=chosen))


def refresh_workshop(db: Executes, workshop_id: int) -> None:
    db.execute(_REFRESH.format(chosen=ONE), [workshop_id, workshop_id])
