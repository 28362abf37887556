"""The knowledge spiral: what one cycle hands to the next, and how the next judges it.

Pure functions. A cycle's outputs (vision, dimensions and weights, targets, open register items,
KPIs) become the next cycle's inputs; from the second cycle on, step 5 compares today's figures
with the previous cycle's targets: achieved, partly (moved the right way), missed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from csi_tui.domain.gap import GapRow
from csi_tui.domain.models import Direction, Kpi, Measurement, RegisterItem
from csi_tui.domain.vocabulary import Achievement

CARRIED_ANSWERS = {1: ("vision", "problem", "objectives", "focus", "scope")}  # step 1 carries over


def chains_in_loops(previous: Mapping[int, int | None]) -> set[int]:
    """The workshops whose chain of previous cycles runs round in a loop, on it or into it, given
    each workshop's previous cycle by id (None, or a workshop not given, ends a chain). Each
    workshop is walked once: walking every chain from its start costs the square of its length
    (a crafted file of 3,000 chained cycles took 13 s at each listing)."""
    looping: set[int] = set()
    settled: set[int] = set()  # walked already: looping or not is known
    for start in previous:
        path: list[int] = []
        on_path: set[int] = set()
        at: int | None = start
        while at is not None and at in previous and at not in settled and at not in on_path:
            path.append(at)
            on_path.add(at)
            at = previous[at]
        # Stopped at the chain's end (no loop), at a workshop walked before (its verdict holds
        # for this path too), or back on this path (a loop).
        if at in on_path or at in looping:
            looping.update(path)
        settled.update(path)
    return looping


def achievement(
    baseline: float | None, target: float | None, now: float | None, direction: Direction = Direction.HIGHER
) -> Achievement | None:
    """None when there is nothing to judge (no target, or no figure today)."""
    if target is None or now is None:
        return None
    sign = 1 if direction is Direction.HIGHER else -1
    if sign * (now - target) >= 0:
        return Achievement.ACHIEVED
    if baseline is not None and sign * (now - baseline) > 0:
        return Achievement.PARTLY
    return Achievement.MISSED


@dataclass(frozen=True)
class DimensionReview:
    key: str
    name: str
    previous_current: float | None
    previous_target: float | None
    now: float | None
    status: Achievement | None


def review_dimensions(previous: list[GapRow], current: list[GapRow]) -> list[DimensionReview]:
    """For each dimension of this cycle: last cycle's baseline and target, today's level, verdict."""
    before = {row.key: row for row in previous}
    reviews = []
    for row in sorted(current, key=lambda r: r.name):
        old = before.get(row.key)
        previous_current = old.current if old else None
        previous_target = old.target if old else None
        reviews.append(DimensionReview(
            row.key, row.name, previous_current, previous_target, row.current,
            achievement(previous_current, previous_target, row.current),
        ))
    return reviews


@dataclass(frozen=True)
class KpiReview:
    name: str
    unit: str
    baseline: float | None
    target: float | None
    latest: float | None
    status: Achievement | None
    kpi_id: int | None = None


def review_kpi(kpi: Kpi, measurements: list[Measurement]) -> KpiReview:
    latest = max(measurements, key=lambda m: m.measured_at).value if measurements else None
    target = kpi.short_target if kpi.short_target is not None else kpi.long_target
    return KpiReview(kpi.name, kpi.unit, kpi.baseline, target, latest,
                     achievement(kpi.baseline, target, latest, kpi.direction), kpi.id)


def is_carried(item: RegisterItem) -> bool:
    """Taken over by a later cycle: this copy is history, the later cycle's copy is the live one."""
    return item.carried_to_cycle is not None


def is_open(item: RegisterItem) -> bool:
    """Still to do in this cycle: not closed or cancelled, and not carried on to a later one."""
    return not item.status.finished and not is_carried(item)


def live_items(items: list[RegisterItem]) -> list[RegisterItem]:
    """The items this cycle counts: every item but those carried on (counted in their new cycle)."""
    return [item for item in items if not is_carried(item)]


def open_items(items: list[RegisterItem]) -> list[RegisterItem]:
    """Register items the next cycle inherits: everything not closed, cancelled or carried already."""
    return [item for item in items if is_open(item)]


def carried_kpi(kpi: Kpi, measurements: list[Measurement]) -> Kpi:
    """The KPI for the next cycle: its last measurement becomes the new baseline."""
    latest = max(measurements, key=lambda m: m.measured_at).value if measurements else kpi.baseline
    return kpi.model_copy(update={"id": None, "baseline": latest})


@dataclass(frozen=True)
class ClosingSummary:
    dimensions: int
    at_target: int
    biggest_gaps: list[GapRow]
    uncovered: list[GapRow]
    items_opened: int
    kpis_unmeasured: list[str]


def summarise(rows: list[GapRow], items: list[RegisterItem], kpis: list[KpiReview]) -> ClosingSummary:
    gaps = [row for row in rows if row.gap is not None and row.gap > 0]
    return ClosingSummary(
        dimensions=len(rows),
        at_target=sum(row.gap is not None and row.gap <= 0 for row in rows),
        biggest_gaps=sorted(gaps, key=lambda row: row.rank)[:3],
        uncovered=[row for row in rows if row.uncovered],
        items_opened=len(live_items(items)),
        kpis_unmeasured=[kpi.name for kpi in kpis if kpi.latest is None],
    )


def next_cycle_focus(
    rows: list[GapRow], items: list[RegisterItem], previous: list[GapRow] | None = None, limit: int = 8
) -> list[str]:
    """What the next cycle should look at first: the largest weighted gaps, targets the last
    cycle did not reach, and register items still open."""
    focus = [
        f"Close the gap on {row.name}: {row.current:g} → {row.target:g}, weighted {row.weighted_gap:g}"
        + ("" if row.covered_by else " (no register item yet)")
        for row in sorted(rows, key=lambda r: r.rank)
        if row.weighted_gap is not None and row.weighted_gap > 0 and row.current is not None and row.target is not None
    ][:3]
    if previous is not None:
        focus += [
            f"{review.name}: last cycle's target {review.previous_target:g} was {review.status.value}"
            for review in review_dimensions(previous, rows)
            if review.status in (Achievement.PARTLY, Achievement.MISSED) and review.previous_target is not None
        ]
    focus += [f"Keep #{item.number} going: {item.description} ({item.status.value})" for item in open_items(items)]
    return focus[:limit]
