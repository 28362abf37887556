"""A workshop's maturity scale and dimensions (copied from the template when it was created), and
the weights the room gives the dimensions."""

from __future__ import annotations

from pydantic import ValidationError

from csi_tui.domain.errors import InvalidInput, explain
from csi_tui.domain.models import Dimension, MaturityScale
from csi_tui.store.workshops import WorkshopRecords


class DimensionRecords(WorkshopRecords):
    def scale(self, workshop_id: int) -> MaturityScale:
        """The workshop's scale; InvalidInput (one line) when its levels break the rules (none,
        one, a hole, off 0-10): nothing can be scored or shown on such a scale."""
        workshop = self.workshop(workshop_id)
        levels = self._rows(
            "SELECT value, name, description FROM scale_level WHERE workshop_id = ? ORDER BY value",
            [workshop_id],
        )
        scale = self._checked_scale(workshop, levels)
        if scale is None:
            raise InvalidInput(str(next(r for r in reversed(self.refused) if r.table == "scale_level"
                                        and r.workshop_id == workshop_id)))
        return scale

    def dimensions(self, workshop_id: int) -> list[Dimension]:
        """The dimensions that pass the rules (a weight of 9, a key with spaces: left out, named)."""
        rows = self._rows(
            """SELECT id, key, name, group_name AS "group", weight, position FROM dimension
               WHERE workshop_id = ? ORDER BY position""",
            [workshop_id],
        )
        return self._valid(Dimension, "dimension", rows, workshop_id)

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
