"""Maturity scores: one per voice (the room, a perspective's consensus, or one participant) for
each dimension, current and target."""

from __future__ import annotations

from collections.abc import Collection

from csi_tui.domain.errors import InvalidInput
from csi_tui.domain.models import (
    Dimension,
    MaturityScale,
    Participant,
    Perspective,
    Score,
    ScoreKind,
    ScoreRow,
    check_score,
    score_row_problem,
)
from csi_tui.store.change_log import ChangeLog
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
        with self._change(workshop_id) as log:
            self._put_score(log, ids[score.dimension_key], score.dimension_key, score.kind, score.participant_id,
                            perspective, score.value, score.evidence)

    def _put_score(self, log: ChangeLog, dimension_id: int, key: str, kind: ScoreKind, participant_id: int | None,
                   perspective: str | None, value: int, evidence: str) -> None:
        """Insert or replace one voice's checked score, logged, inside the caller's `_change`
        (a typed score, or a batch of votes from the room: store/rounds.py)."""
        voice = (dimension_id, kind.value, participant_id, perspective)
        entity = "/".join([key, kind.value, str(participant_id or "-"), perspective or "-"])
        old = self.db.execute(
            """SELECT id, value, evidence FROM score WHERE dimension_id = ? AND kind = ?
               AND ifnull(participant_id, 0) = ifnull(?, 0) AND ifnull(perspective, '') = ifnull(?, '')""",
            voice,
        ).fetchone()
        if old is None:
            self.db.execute(
                """INSERT INTO score (workshop_id, dimension_id, kind, participant_id,
                   perspective, value, evidence, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [log.workshop_id, *voice, value, evidence, log.at],
            )
            old_value, old_evidence = None, None
        else:
            score_id, old_value, old_evidence = old
            if (old_value, old_evidence) == (value, evidence):
                return
            self.db.execute(
                "UPDATE score SET value = ?, evidence = ?, updated_at = ? WHERE id = ?",
                [value, evidence, log.at, score_id],
            )
        if old_value != value:
            log.add("score", entity, "value", old_value, value)
        if old_evidence != evidence:
            log.add("score", entity, "evidence", old_evidence, evidence)

    def scores(self, workshop_id: int) -> list[Score]:
        return [Score.model_validate(row._asdict()) for row in self.score_rows(workshop_id)]

    def score_rows(self, workshop_id: int, scale: MaturityScale | None = None,
                   dimensions: list[Dimension] | None = None,
                   participants: list[Participant] | None = None,
                   only: Collection[str] | None = None) -> list[ScoreRow]:
        """The scores as plain rows, fast: what the screens and the live gap matrix read. Each row
        passes the rules of a Score (score_row_problem) and its links: a dimension and a
        participant of this workshop that are themselves valid, the participant's own
        perspective. The others are left out and named in `refused`. The snapshot passes the
        scale, dimensions and participants it has already read; `only`: these dimensions' scores
        (a live update reads what changed, not the workshop)."""
        scale = scale or self.scale(workshop_id)
        keys = {d.id: d.key for d in (dimensions if dimensions is not None else self.dimensions(workshop_id))}
        where, chosen = "", []
        if only is not None:
            chosen = [dimension_id for dimension_id, key in keys.items() if key in only]
            # `+s.workshop_id`: without statistics SQLite would walk the workshop's index (every
            # score of the workshop, 20,000 at 340 x 30: 2.6 ms) rather than the dimension's (0.07 ms).
            where = f" AND s.dimension_id IN ({', '.join('?' * len(chosen))})"
        people = {p.id: p.perspective.value
                  for p in (participants if participants is not None else self.participants(workshop_id))}
        # The rules of a score's own fields, evaluated by SQLite for each row (`plain`: the live
        # gap matrix re-reads 8,000 rows, and Python would spend longer on them than on the rest
        # of the read); a row that fails them, or its links, is looked at again to say which rule.
        rows = self.db.execute(
            f"""SELECT s.id, s.dimension_id, s.kind, s.value, s.perspective, s.participant_id, s.evidence,
                      typeof(s.value) = 'integer' AND s.value BETWEEN ? AND ? AND s.kind IN ({_KINDS})
                      AND (s.perspective IS NULL OR s.perspective IN ({_PERSPECTIVES}))
                      AND typeof(s.evidence) = 'text' AS plain
               FROM score s LEFT JOIN dimension d ON d.id = s.dimension_id
               WHERE {"+" if only is not None else ""}s.workshop_id = ?{where} ORDER BY d.position, s.kind, s.id""",
            [scale.lowest, scale.highest, workshop_id, *chosen],
        )
        kinds = {kind.value: kind for kind in ScoreKind}
        perspectives = {p.value: p for p in Perspective}
        valid = []
        for score_id, dimension_id, kind, value, perspective, participant_id, evidence, plain in rows:
            if plain and dimension_id in keys and (participant_id is None
                                                   or people.get(participant_id, _NOBODY) == perspective):
                valid.append(ScoreRow(keys[dimension_id], kinds[kind], value, perspectives.get(perspective),
                                      participant_id, evidence))
                continue
            problem = score_row_problem(value, kind, perspective, evidence, scale)
            if problem is None and dimension_id not in keys:
                problem = f"dimension {dimension_id!r} is not a dimension of this workshop that can be shown"
            if problem is None and participant_id is not None:
                if participant_id not in people:
                    problem = f"participant {participant_id!r} is not a participant of this workshop that can be shown"
                elif perspective != people[participant_id]:
                    problem = (f"perspective {perspective!r} is not participant {participant_id}'s own "
                               f"({people[participant_id]})")
            self._refuse("score", score_id, problem or "breaks a rule of csi-tui", workshop_id)
        return valid


_NOBODY = object()  # a participant id that names no participant of the workshop
_KINDS = ", ".join(f"'{kind.value}'" for kind in ScoreKind)
_PERSPECTIVES = ", ".join(f"'{perspective.value}'" for perspective in Perspective)
