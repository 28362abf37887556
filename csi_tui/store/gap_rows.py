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
- A save recomputes the rows of the dimensions it moved, then ranks the workshop's rows again
  (a few dozen scores and rows, whatever the size of the workshop or the file).

A file written by another program (sqlite-utils, a hand edit) that changes scores without
csi-tui leaves its workshops' rows as they were until csi-tui next saves there; a merge and an
import compute the rows afresh from the source's scores, never copying its gap rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
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


# {scores}: which scores, as SQL on `score`; {dimensions}: which dimensions, on `d`. One row per
# chosen dimension, replacing what was there. The room's consensus
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
        FROM score WHERE {{scores}}
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
        FROM dimension d LEFT JOIN levels l ON l.dimension_id = d.id WHERE {{dimensions}}
    )
    SELECT dimension_id, workshop_id, current, target, gap, weighted_gap, spread, perception_gap,
           ROW_NUMBER() OVER (PARTITION BY workshop_id ORDER BY weighted_gap IS NULL, weighted_gap DESC,
                              gap DESC, position)
    FROM gaps
"""

EVERY = "IS NOT NULL"
MERGED = "IN (SELECT new_id FROM temp.merge_map)"  # a merge's new workshops (transfer/merge.py)
_KEYS = "SELECT id FROM dimension WHERE workshop_id = :workshop AND key IN (SELECT value FROM json_each(:keys))"

# The workshop's rows ranked again after some of them changed (rank_rows in domain/gap.py). The
# ranks are worked out once, in one pass, and written over the rows by their key (an upsert that
# always finds its row). An UPDATE whose SET reads the ranking as a subquery works the ranking
# out again for every row: a save in a workshop of 340 dimensions took 150 ms.
_RERANK = """
    INSERT INTO gap_row (dimension_id, workshop_id, rank)
    SELECT g.dimension_id, g.workshop_id,
           ROW_NUMBER() OVER (ORDER BY g.weighted_gap IS NULL, g.weighted_gap DESC, g.gap DESC, d.position)
    FROM gap_row g JOIN dimension d ON d.id = g.dimension_id WHERE g.workshop_id = :workshop
    ON CONFLICT (dimension_id) DO UPDATE SET rank = excluded.rank WHERE rank IS NOT excluded.rank
"""

# What in a change-log row moves a workshop's gap rows: a score, or a dimension's weight.
MOVES_GAPS = frozenset({"score", "dimension"})


def refresh(db: Executes, chosen: str = EVERY) -> None:
    """Compute the gap rows of the chosen workshops (EVERY, MERGED: SQL after "workshop_id")
    again from their scores and weights."""
    db.execute(_REFRESH.format(scores=f"workshop_id {chosen}", dimensions=f"d.workshop_id {chosen}"))


def refresh_workshop(db: Executes, workshop_id: int) -> None:
    """Every gap row of the workshop, computed again (a new workshop: one row per dimension)."""
    db.execute(_REFRESH.format(scores="workshop_id = :workshop", dimensions="d.workshop_id = :workshop"),
               {"workshop": workshop_id})


def refresh_dimensions(db: Executes, workshop_id: int, keys: Iterable[str]) -> None:
    """The rows of the dimensions whose scores or weight changed, then the workshop ranked again:
    what a save costs grows with what changed (a dimension's few dozen scores), not with the
    workshop (a room of a hundred scoring 34 practices holds 7,000)."""
    chosen = {"workshop": workshop_id, "keys": json.dumps(sorted(set(keys)))}
    db.execute(_REFRESH.format(scores=f"dimension_id IN ({_KEYS})", dimensions=f"d.id IN ({_KEYS})"), chosen)
    db.execute(_RERANK, {"workshop": workshop_id})


def changed_dimensions(rows: Iterable[Mapping[str, Any]]) -> set[str]:
    """The dimension keys whose gap rows the change-log rows move: a score's entity id begins
    with its dimension's key (`key/kind/participant/perspective`), a weight's is the key."""
    return {str(row["entity_id"]).split("/", 1)[0] for row in rows if row["entity"] in MOVES_GAPS}
