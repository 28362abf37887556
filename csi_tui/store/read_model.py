"""What the screens read: a workshop's whole state in one consistent snapshot, and the coverage
column of its gap matrix (what addresses each dimension)."""

from __future__ import annotations

from dataclasses import dataclass, field

from csi_tui.domain.cycle import KpiReview, review_kpi
from csi_tui.domain.gap import GapRow, gap_matrix
from csi_tui.domain.models import (
    Checkpoint,
    Dimension,
    Kpi,
    MaturityScale,
    Participant,
    RegisterItem,
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

    def gap_rows(self) -> list[GapRow]:
        return gap_matrix(self.dimensions, self.scores, self.coverage)


class ReadModel(AnswerRecords, ParticipantRecords, ScoreRecords, KpiRecords, RegisterItemRecords,
                CheckpointRecords):
    def coverage(self, workshop_id: int) -> dict[str, list[str]]:
        """What addresses each dimension, the gap matrix's last column: register items (by number)
        that are not cancelled, then KPIs that measure it (by name)."""
        result: dict[str, list[str]] = {}
        for key, number in self.db.execute(
            """SELECT d.key, r.number FROM register_item_dimension rd
               JOIN register_item r ON r.id = rd.item_id JOIN dimension d ON d.id = rd.dimension_id
               WHERE r.workshop_id = ? AND r.status != 'cancelled' ORDER BY r.number""",
            [workshop_id],
        ):
            result.setdefault(key, []).append(f"#{number}")
        for key, name in self.db.execute(
            """SELECT d.key, k.name FROM kpi k JOIN dimension d ON d.id = k.dimension_id
               WHERE k.workshop_id = ? ORDER BY k.id""", [workshop_id]):
            result.setdefault(key, []).append(f"KPI {name}")
        return result

    def snapshot(self, workshop_id: int) -> WorkshopSnapshot:
        """Everything a step screen shows, read in one transaction so it is consistent."""
        with self.db.reading():
            workshop = self.workshop(workshop_id)
            previous_rows = None
            if workshop.previous_id is not None:
                previous_rows = gap_matrix(self.dimensions(workshop.previous_id), self.score_rows(workshop.previous_id))
            return WorkshopSnapshot(
                workshop=workshop,
                answers=self.answers(workshop_id),
                dimensions=self.dimensions(workshop_id),
                scale=self.scale(workshop_id),
                participants=self.participants(workshop_id),
                scores=self.score_rows(workshop_id),
                coverage=self.coverage(workshop_id),
                previous_rows=previous_rows,
                kpis=(kpis := self.kpis(workshop_id)),
                kpi_reviews=[review_kpi(k, self.measurements(k.id or 0)) for k in kpis],
                register_items=self.register_items(workshop_id),
                checkpoints=self.checkpoints(workshop_id),
            )
