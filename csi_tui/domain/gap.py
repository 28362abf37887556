"""The gap matrix and the consensus of several people's scores: pure functions over models.

A dimension's current (or target) value is the room's consensus score when the room agreed one;
otherwise the median of everyone who scored it. The perception gap follows the Service Gap
model: the business (customer) view minus the IT (provider) view of where we are now, so a
negative figure means the business sees the service as less mature than IT does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from statistics import median

from csi_tui.domain.models import Dimension, Perspective, Score, ScoreKind, ScoreRow

AnyScore = Score | ScoreRow


@dataclass(frozen=True)
class Consensus:
    median: float
    spread: int  # highest minus lowest score
    count: int


def consensus(values: Sequence[int]) -> Consensus | None:
    if not values:
        return None
    return Consensus(median=float(median(values)), spread=max(values) - min(values), count=len(values))


@dataclass(frozen=True)
class GapRow:
    key: str
    name: str
    group: str
    weight: int
    current: float | None
    target: float | None
    gap: float | None
    weighted_gap: float | None
    spread: int | None  # among individual current scores, where two or more people scored
    perception_gap: float | None  # business minus IT, current scores
    unevidenced: bool  # a current score exists with no evidence note
    covered_by: tuple[str, ...]
    rank: int

    @property
    def uncovered(self) -> bool:
        """A gap to close that no register item addresses."""
        return self.gap is not None and self.gap > 0 and not self.covered_by


def _is_room_consensus(score: AnyScore) -> bool:
    return score.participant_id is None and score.perspective is None


def _level(scores: list[AnyScore]) -> float | None:
    room = [score.value for score in scores if _is_room_consensus(score)]
    if room:
        return float(room[0])
    agreed = consensus([score.value for score in scores])
    return agreed.median if agreed else None


def _perception_gap(scores: list[AnyScore]) -> float | None:
    business = consensus([s.value for s in scores if s.perspective is Perspective.BUSINESS])
    it = consensus([s.value for s in scores if s.perspective is Perspective.IT])
    if business is None or it is None:
        return None
    return business.median - it.median


def gap_matrix(
    dimensions: Sequence[Dimension],
    scores: Iterable[AnyScore],
    coverage: Mapping[str, Sequence[str]] | None = None,
) -> list[GapRow]:
    """One row per dimension, ranked by weighted gap (largest first; unscored rows last)."""
    coverage = coverage or {}
    by_dimension = _by_dimension(scores)
    return rank_rows([_row(d, by_dimension, coverage) for d in dimensions])


def regap(
    rows: Sequence[GapRow],
    dimensions: Sequence[Dimension],
    scores: Iterable[AnyScore],
    changed: Iterable[str],
    coverage: Mapping[str, Sequence[str]] | None = None,
) -> list[GapRow]:
    """The matrix after the scores of the `changed` dimensions changed: those rows computed again
    from `scores` (which need hold only theirs), the others kept, all ranked again. What a live
    update costs grows with what changed, not with the workshop."""
    coverage = coverage or {}
    changed = set(changed)
    by_dimension = _by_dimension(s for s in scores if s.dimension_key in changed)
    kept = {row.key: row for row in rows}
    fresh = [_row(d, by_dimension, coverage) if d.key in changed or d.key not in kept else kept[d.key]
             for d in dimensions]
    return rank_rows(fresh)


def _by_dimension(scores: Iterable[AnyScore]) -> dict[tuple[str, ScoreKind], list[AnyScore]]:
    by_dimension: dict[tuple[str, ScoreKind], list[AnyScore]] = defaultdict(list)
    for score in scores:
        by_dimension[(score.dimension_key, score.kind)].append(score)
    return by_dimension


def _row(dimension: Dimension, by_dimension: Mapping[tuple[str, ScoreKind], list[AnyScore]],
         coverage: Mapping[str, Sequence[str]]) -> GapRow:
    current_scores = by_dimension.get((dimension.key, ScoreKind.CURRENT), [])
    current = _level(current_scores)
    target = _level(by_dimension.get((dimension.key, ScoreKind.TARGET), []))
    gap = target - current if current is not None and target is not None else None
    individual = consensus([s.value for s in current_scores if s.participant_id is not None])
    return GapRow(
        key=dimension.key,
        name=dimension.name,
        group=dimension.group,
        weight=dimension.weight,
        current=current,
        target=target,
        gap=gap,
        weighted_gap=gap * dimension.weight if gap is not None else None,
        spread=individual.spread if individual and individual.count > 1 else None,
        perception_gap=_perception_gap(current_scores),
        unevidenced=any(not s.has_evidence for s in current_scores),
        covered_by=tuple(coverage.get(dimension.key, ())),
        rank=0,
    )


def rank_rows(rows: Sequence[GapRow]) -> list[GapRow]:
    """Rows in dimension order, ranked by weighted gap, then gap, then the template's order."""

    def order(item: tuple[int, GapRow]) -> tuple[bool, float, float, int]:
        position, row = item
        unscored = row.weighted_gap is None
        return (unscored, -(row.weighted_gap or 0.0), -(row.gap or 0.0), position)

    ranked = sorted(enumerate(rows), key=order)
    return [row if row.rank == rank else replace(row, rank=rank) for rank, (_, row) in enumerate(ranked, start=1)]
