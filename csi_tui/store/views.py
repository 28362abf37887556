"""The analysis views that migrations m0003 and m0004 (schema.py) create: gap matrix, register
overview and KPI status. Analysts query them directly; docs/schema.md describes every column.

They belong to a shipped migration: never edit them; change a view in a new migration. The guard
refuses a file whose views differ from the ones our migrations create, so an edit here would
lock out every file made before it.
"""

from __future__ import annotations


# The median of a kind of score for one dimension, as the app computes it: the middle value, or the
# mean of the two middle values. Written once here and used in the view for each voice.
def _median(condition: str, position: str, count: str) -> str:
    return f"avg(CASE WHEN {condition} AND {position} IN (({count} + 1) / 2, {count} / 2 + 1) THEN value END)"


GAP_MATRIX_VIEW = f"""
    CREATE VIEW gap_matrix AS
    WITH ordered AS (
        SELECT dimension_id, kind, value, perspective, participant_id,
               participant_id IS NULL AND perspective IS NULL AS from_room,
               ROW_NUMBER() OVER (PARTITION BY dimension_id, kind ORDER BY value) AS position,
               COUNT(*) OVER (PARTITION BY dimension_id, kind) AS voices,
               ROW_NUMBER() OVER (PARTITION BY dimension_id, kind, perspective ORDER BY value) AS side_position,
               COUNT(*) OVER (PARTITION BY dimension_id, kind, perspective) AS side_voices
        FROM score
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
        SELECT d.workshop_id, d.id AS dimension_id, d.key, d.name, d.group_name, d.weight, d.position,
               l.current, l.target, l.target - l.current AS gap,
               (l.target - l.current) * d.weight AS weighted_gap, l.spread, l.perception_gap
        FROM dimension d LEFT JOIN levels l ON l.dimension_id = d.id
    )
    SELECT w.id AS workshop_id, w.title AS workshop, w.organisation, w.cycle,
           g.key AS dimension_key, g.name AS dimension, g.group_name AS dimension_group, g.weight,
           g.current, g.target, g.gap, g.weighted_gap, g.spread, g.perception_gap,
           ROW_NUMBER() OVER (PARTITION BY w.id ORDER BY g.weighted_gap IS NULL, g.weighted_gap DESC,
                              g.gap DESC, g.position) AS rank
    FROM gaps g JOIN workshop w ON w.id = g.workshop_id
"""

REGISTER_VIEW = """
    CREATE VIEW register_overview AS
    SELECT w.id AS workshop_id, w.title AS workshop, w.organisation, w.cycle,
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
"""

# m0004's register overview: the same columns, without the items a later cycle carried on. Their
# copy in the later cycle is the live one; listing both would count each such item twice in a
# portfolio. The earlier copies stay in register_item, named in register_item_carried.
REGISTER_VIEW_CARRIED = REGISTER_VIEW.replace(
    "FROM register_item r JOIN workshop w ON w.id = r.workshop_id",
    "FROM register_item r JOIN workshop w ON w.id = r.workshop_id\n"
    "    WHERE NOT EXISTS (SELECT 1 FROM register_item_carried c WHERE c.item_id = r.id)\n",
)
assert REGISTER_VIEW_CARRIED != REGISTER_VIEW

# achieved: at or past the target in the KPI's direction; partly: moved the right way from the
# baseline; missed: neither. NULL when there is no target or no measurement yet.
KPI_STATUS_VIEW = """
    CREATE VIEW kpi_status AS
    WITH latest AS (
        SELECT kpi_id, value, measured_at, count(*) OVER (PARTITION BY kpi_id) AS measurements,
               ROW_NUMBER() OVER (PARTITION BY kpi_id ORDER BY measured_at DESC) AS newest
        FROM measurement
    ),
    judged AS (
        SELECT k.*, l.value AS latest, l.measured_at AS latest_at, coalesce(l.measurements, 0) AS measurements,
               coalesce(k.short_target, k.long_target) AS target,
               CASE k.direction WHEN 'lower' THEN -1 ELSE 1 END AS sign
        FROM kpi k LEFT JOIN latest l ON l.kpi_id = k.id AND l.newest = 1
    )
    SELECT w.id AS workshop_id, w.title AS workshop, w.organisation, w.cycle,
           j.id AS kpi_id, j.name AS kpi, j.unit, j.direction, j.baseline, j.target,
           CASE WHEN j.short_target IS NOT NULL THEN j.short_target_on ELSE j.long_target_on END AS target_on,
           j.latest, j.latest_at, j.measurements, j.measurable, j.source,
           CASE WHEN j.target IS NULL OR j.latest IS NULL THEN NULL
                WHEN j.sign * (j.latest - j.target) >= 0 THEN 'achieved'
                WHEN j.baseline IS NOT NULL AND j.sign * (j.latest - j.baseline) > 0 THEN 'partly'
                ELSE 'missed' END AS status
    FROM judged j JOIN workshop w ON w.id = j.workshop_id
"""
