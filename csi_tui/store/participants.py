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
                "SELECT name FROM participant WHERE id = ? AND workshop_id = ?",
                [participant_id, workshop_id],
            ).fetchone()
            if row is None:
                raise NotFound(f"no participant with id {participant_id} in this workshop")
            self.db.execute("DELETE FROM participant WHERE id = ?", [participant_id])
            log.add("participant", participant_id, "name", row[0], None)

    def participants(self, workshop_id: int) -> list[Participant]:
        rows = self._rows(
            "SELECT id, name, role, perspective FROM participant WHERE workshop_id = ? ORDER BY id",
            [workshop_id],
        )
        return self._valid(Participant, "participant", rows, workshop_id)
