"""A workshop's maturity scale and dimensions (copied from the template when it was created), and
the weights the room gives the dimensions."""

from __future__ import annotations

from pydantic import ValidationError

from csi_tui.domain.errors import InvalidInput, explain
from csi_tui.domain.models import Dimension, MaturityScale, ScaleLevel
from csi_tui.store.workshops import WorkshopRecords


class DimensionRecords(WorkshopRecords):
    def scale(self, workshop_id: int) -> MaturityScale:
        workshop = self.workshop(workshop_id)
        levels = self._rows(
            "SELECT value, name, description FROM scale_level WHERE workshop_id = ? ORDER BY value",
            [workshop_id],
        )
        return MaturityScale(
            id=workshop.scale_id,
            name=workshop.scale_id,
            levels=[ScaleLevel.model_validate(level) for level in levels],
        )

    def dimensions(self, workshop_id: int) -> list[Dimension]:
        rows = self._rows(
            """SELECT id, key, name, group_name AS "group", weight, position FROM dimension
               WHERE workshop_id = ? ORDER BY position""",
            [workshop_id],
        )
        return [Dimension.model_validate(row) for row in rows]

    def _dimension_ids(self, workshop_id: int) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT key, id FROM dimension WHERE workshop_id = ?", [workshop_id]
        ).fetchall()
        return dict(rows)

    def set_weight(self, workshop_id: int, key: str, weight: int) -> None:
        try:
            Dimension(key=key, name=key, weight=weight)
        except ValidationError as error:
            raise InvalidInput(explain(error)) from None
        ids = self._dimension_ids(workshop_id)
        if key not in ids:
            raise InvalidInput(f"unknown dimension {key!r} for this workshop")
        with self._change(workshop_id) as log:
            (old,) = self.db.execute("SELECT weight FROM dimension WHERE id = ?", [ids[key]]).fetchone()
            if old != weight:
                self.db.execute("UPDATE dimension SET weight = ? WHERE id = ?", [weight, ids[key]])
                log.add("dimension", key, "weight", old, weight)
