"""The analysis views as migration m0005 (store/schema_portfolio.py) recreates them: gap matrix,
register overview and KPI status, fast on a portfolio of ten thousand workshops, each row saying
which workshop, site, cycle and source it is. Analysts query them directly; docs/schema.md
describes every column.

- `gap_matrix` reads the gap rows table (store/gap_rows.py) instead of computing window functions
  over every score in the file: filtered to one workshop it is an index lookup.
- `kpi_status` finds each KPI's newest measurement through the index on (kpi_id, measured_at)
  instead of numbering every measurement in the file.
- Every view opens with the same workshop columns (`_WORKSHOP`), times in one format: UTC,
  ISO 8601 to the second, with `Z` (whatever form older files stored).

They belong to a shipped migration once released: never edit them; change a view in a new
migration (the guard refuses a file whose views differ from the ones our migrations create).
"""

from __future__ import annotations

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # as domain/clock.stamp writes: 2026-11-22T11:42:24Z


def utc_text(column: str) -> str:
    """SQL giving a stored time (any ISO 8601 form csi-tui ever wrote) as UTC text with `Z`."""
    return f"strftime('{TIME_FORMAT}', {column})"


# The columns every view starts with: which workshop, where it was held, which cycle, when, and
# the session file it came from (NULL: recorded in this file, not merged into it).
_WORKSHOP = f"""w.id AS workshop_id, w.title AS workshop, w.organisation, w.cycle,
           w.scope, w.site_label, w.facilitator, w.previous_id AS previous_workshop_id,
           {utc_text("w.created_at")} AS created_at, {utc_text("w.updated_at")} AS updated_at,
           src.source_file"""
_SOURCE = "LEFT JOIN workshop_source src ON src.workshop_id = w.id"

GAP_MATRIX_VIEW_V5 = f"""
    CREATE VIEW gap_matrix AS
    SELECT {_WORKSHOP},
           d.key AS dimension_key, d.name AS dimension, d.group_name AS dimension_group, d.weight,
           g.current, g.target, g.gap, g.weighted_gap, g.spread, g.perception_gap, g.rank
    FROM gap_row g JOIN dimension d ON d.id = g.dimension_id JOIN workshop w ON w.id = g.workshop_id
    {_SOURCE}
"""

REGISTER_VIEW_V5 = f"""
    CREATE VIEW register_overview AS
    SELECT {_WORKSHOP},
           r.number, r.description, r.status, r.priority, r.size, r.owner, r.raised_on, r.raised_by,
           r.due_on, r.closure, r.achieved_outcome, r.framework, r.baseline_value, r.target_value,
           r.review_on,
           r.due_on IS NOT NULL AND r.due_on < date('now')
               AND r.status NOT IN ('closed', 'cancelled') AS overdue,
           (SELECT group_concat(d.key, ', ') FROM register_item_dimension rd
                JOIN dimension d ON d.id = rd.dimension_id WHERE rd.item_id = r.id) AS dimensions,
           (SELECT group_concat(k.name, ', ') FROM register_item_kpi rk
                JOIN kpi k ON k.id = rk.kpi_id WHERE rk.item_id = r.id) AS kpis
    FROM register_item r JOIN workshop w ON w.id = r.workshop_id
    {_SOURCE}
    WHERE NOT EXISTS (SELECT 1 FROM register_item_carried c WHERE c.item_id = r.id)
"""

# The newest measurement as domain/cycle.review_kpi picks it: the latest time (compared as
# times, whatever form each was stored in), the first recorded of equal times.
KPI_STATUS_VIEW_V5 = f"""
    CREATE VIEW kpi_status AS
    WITH judged AS (
        SELECT k.*, l.value AS latest, l.measured_at AS latest_at,
               (SELECT count(*) FROM measurement m WHERE m.kpi_id = k.id) AS measurements,
               coalesce(k.short_target, k.long_target) AS target,
               CASE k.direction WHEN 'lower' THEN -1 ELSE 1 END AS sign
        FROM kpi k LEFT JOIN measurement l ON l.id = (
            SELECT m.id FROM measurement m WHERE m.kpi_id = k.id
            ORDER BY julianday(m.measured_at) DESC, m.id LIMIT 1)
    )
    SELECT {_WORKSHOP},
           j.id AS kpi_id, j.name AS kpi, j.unit, j.direction, j.baseline, j.target,
           CASE WHEN j.short_target IS NOT NULL THEN j.short_target_on ELSE j.long_target_on END AS target_on,
           j.latest, {utc_text("j.latest_at")} AS latest_at, j.measurements, j.measurable, j.source,
           CASE WHEN j.target IS NULL OR j.latest IS NULL THEN NULL
                WHEN j.sign * (j.latest - j.target) >= 0 THEN 'achieved'
                WHEN j.baseline IS NOT NULL AND j.sign * (j.latest - j.baseline) > 0 THEN 'partly'
                ELSE 'missed' END AS status
    FROM judged j JOIN workshop w ON w.id = j.workshop_id
    {_SOURCE}
"""
