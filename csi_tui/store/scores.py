"""Maturity scores: one per voice (the room, a perspective's consensus, or one participant) for
each dimension, current and target."""

from __future__ import annotations

from csi_tui.domain.errors import InvalidInput
from csi_tui.domain.models import Perspective, Score, ScoreKind, ScoreRow, check_score
from csi_tui.store.dimensions import DimensionRecords


class ScoreRecords(DimensionRecords):
    def save_score(self, workshop_id: int, score: Score) -> None:
        """Insert or replace one voice's score for a dimension, refusing what does not fit."""
        ids = self._dimension_ids(workshop_id)
        check_score(score, self.scale(workshop_id), set(ids))
        perspective = score.perspective
        if score.participant_id is not None:
            row = self.db.execute(
                "SELECT perspective FROM participant WHERE id = ? AND workshop_id = ?",
                [score.participant_id, workshop_id],
            ).fetchone()
            if row is None:
                raise InvalidInput(f"no participant with id {score.participant_id} in this workshop")
            perspective = row[0]  # a participant always speaks from their own perspective
        voice = (ids[score.dimension_key], score.kind.value, score.participant_id, perspective)
        entity = "/".join(
            [score.dimension_key, score.kind.value, str(score.participant_id or "-"), perspective or "-"]
        )
        with self._change(workshop_id) as log:
            old = self.db.execute(
                """SELECT id, value, evidence FROM score WHERE dimension_id = ? AND kind = ?
                   AND ifnull(participant_id, 0) = ifnull(?, 0) AND ifnull(perspective, '') = ifnull(?, '')""",
                voice,
            ).fetchone()
            if old is None:
                self.db.execute(
                    """INSERT INTO score (workshop_id, dimension_id, kind, participant_id,
                       perspective, value, evidence, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    [workshop_id, *voice, score.value, score.evidence, log.at],
                )
                old_value, old_evidence = None, None
            else:
                score_id, old_value, old_evidence = old
                if (old_value, old_evidence) == (score.value, score.evidence):
                    return
                self.db.execute(
                    "UPDATE score SET value = ?, evidence = ?, updated_at = ? WHERE id = ?",
                    [score.value, score.evidence, log.at, score_id],
                )
            if old_value != score.value:
                log.add("score", entity, "value", old_value, score.value)
            if old_evidence != score.evidence:
                log.add("score", entity, "evidence", old_evidence, score.evidence)

    def scores(self, workshop_id: int) -> list[Score]:
        return [Score.model_validate(row._asdict()) for row in self.score_rows(workshop_id)]

    def score_rows(self, workshop_id: int) -> list[ScoreRow]:
        """The scores as plain rows, fast: what the screens and the live gap matrix read."""
        rows = self.db.execute(
            """SELECT d.key, s.kind, s.value, s.perspective, s.participant_id, s.evidence
               FROM score s JOIN dimension d ON d.id = s.dimension_id
               WHERE s.workshop_id = ? ORDER BY d.position, s.kind, s.id""",
            [workshop_id],
        )
        kinds = {kind.value: kind for kind in ScoreKind}
        perspectives = {p.value: p for p in Perspective}
        return [ScoreRow(key, kinds[kind], value, perspectives.get(perspective), participant_id, evidence)
                for key, kind, value, perspective, participant_id, evidence in rows]
