"""Maturity scores: one per voice (the room, a perspective's consensus, or one participant) for
each dimension, current and target."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

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

# One score to put: dimension id, dimension key, participant id, perspective, value, evidence.
Put = tuple[int, str, int | None, str | None, int, str]


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
        """Insert or replace one voice's checked score, logged, inside the caller's `_change`."""
        self._put_scores(log, kind, [(dimension_id, key, participant_id, perspective, value, evidence)])

    def _put_scores(self, log: ChangeLog, kind: ScoreKind, puts: Sequence[Put]) -> None:
        """Insert or replace voices' checked scores of one kind, logged, inside the caller's
        `_change`, with the outcome of putting them one at a time in this order: a later score for
        the same voice wins, each real change is logged in turn, and a score equal to the stored
        one writes and logs nothing. A typed score is a batch of one; the room's votes (store/
        rounds.py) come 2,040 at once, so the work is one read of the voices' stored scores and
        one `executemany` for the new ones and one for the changed, not two statements a vote."""
        dimension_ids = sorted({put[0] for put in puts})
        if not dimension_ids:
            return
        kind_value = kind.value
        # Keyed as the unique index `score_one_per_voice` tells voices apart (ifnull on both).
        stored: dict[tuple[int, int, str], list[Any]] = {
            (dimension_id, participant_id, perspective): [score_id, value, evidence]
            for score_id, dimension_id, participant_id, perspective, value, evidence in self.db.execute(
                f"""SELECT id, dimension_id, ifnull(participant_id, 0), ifnull(perspective, ''), value, evidence
                    FROM score WHERE kind = ? AND dimension_id IN ({", ".join("?" * len(dimension_ids))})""",
                [kind_value, *dimension_ids])}
        inserts: list[tuple[list[Any], list[Any]]] = []  # (the voice's columns, its score), first put first
        updates: dict[int, list[Any]] = {}  # score id -> its score
        for dimension_id, key, participant_id, perspective, value, evidence in puts:
            side = None if perspective is None else str(perspective)  # a Perspective is stored as its value
            voice = (dimension_id, participant_id or 0, side or "")
            score = stored.get(voice)
            if score is None:
                stored[voice] = score = [None, None, None]
                inserts.append(([dimension_id, kind_value, participant_id, side], score))
            elif (score[1], score[2]) == (value, evidence):
                continue
            elif score[0] is not None:
                updates[score[0]] = score
            entity = "/".join([key, kind_value, str(participant_id or "-"), side or "-"])
            if score[1] != value:
                log.add("score", entity, "value", score[1], value)
            if score[2] != evidence:
                log.add("score", entity, "evidence", score[2], evidence)
            score[1], score[2] = value, evidence
        if inserts:
            self.db.conn.executemany(
                """INSERT INTO score (workshop_id, dimension_id, kind, participant_id,
                   perspective, value, evidence, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [[log.workshop_id, *columns, score[1], score[2], log.at] for columns, score in inserts])
        if updates:
            self.db.conn.executemany(
                "UPDATE score SET value = ?, evidence = ?, updated_at = ? WHERE id = ?",
                [[score[1], score[2], log.at, score_id] for score_id, score in updates.items()])

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
