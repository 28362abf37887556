"""What the screens read: a workshop's whole state in one consistent snapshot, and the coverage
column of its gap matrix (what addresses each dimension)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import cached_property

from csi_tui.domain.cycle import KpiReview, review_kpi
from csi_tui.domain.errors import CsiError, RefusedRow
from csi_tui.domain.gap import GapRow, gap_matrix, regap
from csi_tui.domain.models import (
    Checkpoint,
    Dimension,
    Kpi,
    MaturityScale,
    Participant,
    RegisterItem,
    RegisterStatus,
    ScoreRow,
    Workshop,
)
from csi_tui.store.answers import AnswerRecords
from csi_tui.store.checkpoints import CheckpointRecords
from csi_tui.store.kpis import KpiRecords
from csi_tui.store.participants import ParticipantRecords
from csi_tui.store.register_items import RegisterItemRecords
from csi_tui.store.scores import ScoreRecords


@dataclass(frozen=True)
class WorkshopSnapshot:
    workshop: Workshop
    answers: dict[int, dict[str, str]]
    dimensions: list[Dimension]
    scale: MaturityScale
    participants: list[Participant]
    scores: list[ScoreRow]
    coverage: dict[str, list[str]] = field(default_factory=dict)
    previous_rows: list[GapRow] | None = None  # the previous cycle's gap matrix, from cycle 2 on
    kpi_reviews: list[KpiReview] = field(default_factory=list)  # one per KPI, in the order of kpis
    register_items: list[RegisterItem] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    # Rows of the file that break the domain's rules, left out of all the above; the screens
    # and the command line name them (store/base.py).
    problems: list[RefusedRow] = field(default_factory=list)

    def gap_rows(self) -> list[GapRow]:
        return self._gap_rows

    @cached_property
    def _gap_rows(self) -> list[GapRow]:
        # Computed once, where the snapshot is read (a worker thread), not on every redraw.
        return gap_matrix(self.dimensions, self.scores, self.coverage)

    @cached_property
    def scores_by_dimension(self) -> dict[str, list[ScoreRow]]:
        """Each dimension's scores (every voice, both kinds)."""
        index: dict[str, list[ScoreRow]] = {d.key: [] for d in self.dimensions}
        for score in self.scores:
            index.setdefault(score.dimension_key, []).append(score)
        return index

    def warm(self) -> WorkshopSnapshot:
        """Compute what the screens will ask for, here (a worker thread), not on the UI's."""
        self.gap_rows()
        _ = self.scores_by_dimension
        return self

    def rescored(self, changed: Collection[str], scores: list[ScoreRow],
                 problems: list[RefusedRow] | None = None) -> WorkshopSnapshot:
        """This snapshot with the scores of the `changed` dimensions replaced by `scores` (theirs
        as the file holds them now), and only those rows of the gap matrix computed again."""
        index = {**self.scores_by_dimension, **{key: [] for key in changed}}
        for score in scores:
            index[score.dimension_key].append(score)
        # The scores in the file's order (by dimension), joined from the index a list at a time:
        # at 340 x 30 a filter over 20,000 rows cost more than reading the changed ones.
        every: list[ScoreRow] = []
        for group in index.values():
            every.extend(group)
        fresh = replace(self, scores=every, problems=list(dict.fromkeys([*self.problems, *(problems or [])])))
        fresh.__dict__["_gap_rows"] = regap(self._gap_rows, self.dimensions, scores, changed, self.coverage)
        fresh.__dict__["scores_by_dimension"] = index
        return fresh


def coverage_of(items: list[RegisterItem], kpis: list[Kpi]) -> dict[str, list[str]]:
    """What addresses each dimension, the gap matrix's last column: register items (by number)
    that are not cancelled, then KPIs that measure it (by name). From rows already read and
    checked, so a refused item or KPI covers nothing."""
    result: dict[str, list[str]] = {}
    for item in sorted(items, key=lambda i: i.number or 0):
        if item.status is not RegisterStatus.CANCELLED:
            for key in item.dimension_keys:
                result.setdefault(key, []).append(f"#{item.number}")
    for kpi in sorted(kpis, key=lambda k: k.id or 0):
        if kpi.dimension_key is not None:
            result.setdefault(kpi.dimension_key, []).append(f"KPI {kpi.name}")
    return result


class ReadModel(AnswerRecords, ParticipantRecords, ScoreRecords, KpiRecords, RegisterItemRecords,
                CheckpointRecords):
    def coverage(self, workshop_id: int) -> dict[str, list[str]]:
        """What addresses each dimension (see coverage_of)."""
        dimensions = self.dimensions(workshop_id)
        kpis = self.kpis(workshop_id, dimensions)
        return coverage_of(self.register_items(workshop_id, dimensions, kpis), kpis)

    def snapshot(self, workshop_id: int) -> WorkshopSnapshot:
        """Everything a step screen shows, read in one transaction so it is consistent. Rows
        that break the domain's rules are left out and listed in `problems`; a workshop whose own
        row or scale breaks them is refused with InvalidInput."""
        with self.db.reading(), self._collecting() as problems:
            workshop = self.workshop(workshop_id)
            scale = self.scale(workshop_id)
            dimensions = self.dimensions(workshop_id)
            participants = self.participants(workshop_id)
            kpis = self.kpis(workshop_id, dimensions)
            register_items = self.register_items(workshop_id, dimensions, kpis)
            return WorkshopSnapshot(
                workshop=workshop,
                answers=self.answers(workshop_id),
                dimensions=dimensions,
                scale=scale,
                participants=participants,
                scores=self.score_rows(workshop_id, scale, dimensions, participants),
                coverage=coverage_of(register_items, kpis),
                previous_rows=self._previous_rows(workshop),
                kpis=kpis,
                kpi_reviews=self._kpi_reviews(workshop_id, kpis),
                register_items=register_items,
                checkpoints=self.checkpoints(workshop_id),
                problems=problems,
            )

    def rescore(self, snapshot: WorkshopSnapshot, changed: Collection[str]) -> WorkshopSnapshot:
        """The snapshot after the scores of the `changed` dimensions changed: only their scores
        read, checked as `snapshot` checks them (its scale, dimensions and participants)."""
        with self.db.reading(), self._collecting() as problems:
            workshop_id = snapshot.workshop.id or 0
            scores = self.score_rows(workshop_id, snapshot.scale, snapshot.dimensions, snapshot.participants,
                                     only=changed)
        return snapshot.rescored(changed, scores, problems)

    def _kpi_reviews(self, workshop_id: int, kpis: list[Kpi]) -> list[KpiReview]:
        """Each KPI against its targets, its measurements read for all KPIs at once."""
        measured = self.measurements_of(workshop_id, kpis)
        return [review_kpi(kpi, measured.get(kpi.id or 0, [])) for kpi in kpis]

    def _previous_rows(self, workshop: Workshop) -> list[GapRow] | None:
        """The previous cycle's gap matrix; None in a first cycle, or when the previous workshop
        is refused (and named in the problems)."""
        if workshop.previous_id is None:
            return None
        try:
            dimensions = self.dimensions(workshop.previous_id)
            return gap_matrix(dimensions, self.score_rows(workshop.previous_id, dimensions=dimensions))
        except CsiError:
            return None
