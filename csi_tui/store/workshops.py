"""Workshops: creating one (with its copy of the scale and the template's dimensions), reading,
editing and deleting."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from csi_tui.domain.errors import InvalidInput, NotFound, explain
from csi_tui.domain.models import AssessmentTemplate, MaturityScale, Workshop, WorkshopDraft
from csi_tui.store.change_log import ChangeLog, ChangeLogRecords


class WorkshopRecords(ChangeLogRecords):
    def create_workshop(
        self,
        draft: WorkshopDraft,
        template: AssessmentTemplate,
        scale: MaturityScale,
        *,
        cycle: int = 1,
        previous_id: int | None = None,
    ) -> Workshop:
        now = self._now()
        # Not _change: a new workshop's created and updated times are one reading of the clock.
        with self.db.atomic():
            cursor = self.db.execute(
                """INSERT INTO workshop (title, organisation, scope, facilitator, template_id,
                   scale_id, anonymous, cycle, previous_id, current_step, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)""",
                [draft.title, draft.organisation, draft.scope, draft.facilitator,
                 template.id, scale.id, int(draft.anonymous), cycle, previous_id, now, now],
            )
            workshop_id = cursor.lastrowid
            assert workshop_id is not None
            self.db["scale_level"].insert_all(
                {"workshop_id": workshop_id, **level.model_dump()} for level in scale.levels
            )
            self.db["dimension"].insert_all(
                {"workshop_id": workshop_id, "key": d.key, "name": d.name, "group_name": d.group,
                 "weight": d.weight, "position": position}
                for position, d in enumerate(template.dimensions)
            )
            log = ChangeLog(self.db, workshop_id, now)
            for field, value in draft.model_dump().items():
                log.add("workshop", workshop_id, field, None, value)
            self.db["change_log"].insert_all(log.rows)
        return self.workshop(workshop_id)

    def workshop(self, workshop_id: int) -> Workshop:
        rows = self._rows("SELECT * FROM workshop WHERE id = ?", [workshop_id])
        if not rows:
            raise NotFound(f"no workshop with id {workshop_id}")
        return Workshop.model_validate(rows[0])

    def workshops(self) -> list[Workshop]:
        rows = self._rows("SELECT * FROM workshop ORDER BY updated_at DESC, id DESC")
        return [Workshop.model_validate(row) for row in rows]

    def update_workshop(self, workshop_id: int, **changes: Any) -> Workshop:
        current = self.workshop(workshop_id)
        try:
            updated = Workshop.model_validate({**current.model_dump(), **changes})
        except ValidationError as error:
            raise InvalidInput(explain(error)) from None
        with self._change(workshop_id) as log:
            log.update_fields("workshop", workshop_id, current.model_dump(), updated.model_dump(), changes)
        return self.workshop(workshop_id)

    def set_current_step(self, workshop_id: int, step: int) -> Workshop:
        return self.update_workshop(workshop_id, current_step=step)

    def delete_workshop(self, workshop_id: int) -> None:
        self.workshop(workshop_id)
        with self.db.atomic():
            self.db.execute("DELETE FROM workshop WHERE id = ?", [workshop_id])
            self.db.execute("DELETE FROM change_log WHERE workshop_id = ?", [workshop_id])
