"""The people in the room, each speaking from the business's or IT's perspective."""

from __future__ import annotations

from csi_tui.domain.errors import NotFound
from csi_tui.domain.models import Participant
from csi_tui.store.change_log import ChangeLogRecords


class ParticipantRecords(ChangeLogRecords):
    def add_participant(self, workshop_id: int, participant: Participant) -> Participant:
        with self._change(workshop_id) as log:
            cursor = self.db.execute(
                "INSERT INTO participant (workshop_id, name, role, perspective) VALUES (?, ?, ?, ?)",
                [workshop_id, participant.name, participant.role, participant.perspective.value],
            )
            new_id = cursor.lastrowid
            for field in ("name", "role", "perspective"):
                log.add("participant", new_id, field, None, getattr(participant, field))
        return participant.model_copy(update={"id": new_id})

    def remove_participant(self, workshop_id: int, participant_id: int) -> None:
        with self._change(workshop_id) as log:
            row = self.db.execute(
                "SELECT name, role, perspective FROM participant WHERE id = ? AND workshop_id = ?",
                [participant_id, workshop_id],
            ).fetchone()
            if row is None:
                raise NotFound(f"no participant with id {participant_id} in this workshop")
            # Their scores go with them: each is logged too, so the log (and an undo) can bring
            # the person back whole.
            scores = self.db.execute(
                """SELECT d.key, s.kind, s.perspective, s.value, s.evidence FROM score s
                   JOIN dimension d ON d.id = s.dimension_id WHERE s.participant_id = ? ORDER BY s.id""",
                [participant_id],
            ).fetchall()
            self.db.execute("DELETE FROM participant WHERE id = ?", [participant_id])
            for field, old in zip(("name", "role", "perspective"), row, strict=True):
                log.add("participant", participant_id, field, old, None)
            for key, kind, perspective, value, evidence in scores:
                entity = "/".join([key, kind, str(participant_id), perspective or "-"])
                log.add("score", entity, "value", value, None)
                log.add("score", entity, "evidence", evidence, None)

    def participants(self, workshop_id: int) -> list[Participant]:
        rows = self._rows(
            "SELECT id, name, role, perspective FROM participant WHERE workshop_id = ? ORDER BY id",
            [workshop_id],
        )
        return self._valid(Participant, "participant", rows, workshop_id)
