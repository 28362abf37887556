"""Removing a register item, a KPI or a checkpoint, with what goes with each (an item's links, a
KPI's measurements), every removed value logged so the change log still tells what was there.
A participant's removal lives with the participants (store/participants.py)."""

from __future__ import annotations

from csi_tui.domain.errors import NotFound
from csi_tui.store.change_log import ChangeLog, ChangeLogRecords


class RemovalRecords(ChangeLogRecords):
    def remove_register_item(self, workshop_id: int, number: int) -> None:
        with self._change(workshop_id) as log:
            row = self._one("register_item", "workshop_id = ? AND number = ?", [workshop_id, number],
                            f"no register item #{number} in this workshop")
            self.db.execute("DELETE FROM register_item WHERE id = ?", [row["id"]])  # its links cascade
            _log_removed(log, "register_item", row)

    def remove_kpi(self, workshop_id: int, kpi_id: int) -> int:
        """Remove the KPI and its measurements; returns how many measurements went with it."""
        with self._change(workshop_id) as log:
            row = self._one("kpi", "workshop_id = ? AND id = ?", [workshop_id, kpi_id],
                            f"no KPI with id {kpi_id} in this workshop")
            measurements = self._rows("SELECT * FROM measurement WHERE kpi_id = ? ORDER BY id", [kpi_id])
            self.db.execute("DELETE FROM kpi WHERE id = ?", [kpi_id])  # measurements and links cascade
            _log_removed(log, "kpi", row)
            for measurement in measurements:
                _log_removed(log, "measurement", measurement)
        return len(measurements)

    def measurement_count(self, workshop_id: int, kpi_id: int) -> int:
        (count,) = self.db.execute(
            "SELECT count(*) FROM measurement m JOIN kpi k ON k.id = m.kpi_id WHERE k.id = ? AND k.workshop_id = ?",
            [kpi_id, workshop_id],
        ).fetchone()
        return int(count)

    def participant_score_count(self, workshop_id: int, participant_id: int) -> int:
        (count,) = self.db.execute(
            "SELECT count(*) FROM score WHERE workshop_id = ? AND participant_id = ?", [workshop_id, participant_id]
        ).fetchone()
        return int(count)

    def remove_checkpoint(self, workshop_id: int, checkpoint_id: int) -> None:
        with self._change(workshop_id) as log:
            row = self._one("checkpoint", "workshop_id = ? AND id = ?", [workshop_id, checkpoint_id],
                            f"no checkpoint with id {checkpoint_id} in this workshop")
            self.db.execute("DELETE FROM checkpoint WHERE id = ?", [checkpoint_id])
            _log_removed(log, "checkpoint", row)

    def _one(self, table: str, where: str, params: list[object], missing: str) -> dict[str, object]:
        rows = self._rows(f"SELECT * FROM {table} WHERE {where}", params)
        if not rows:
            raise NotFound(missing)
        return rows[0]


def _log_removed(log: ChangeLog, entity: str, row: dict[str, object]) -> None:
    """Each stored value of the removed row, old value to none."""
    for field, value in row.items():
        if field not in ("id", "workshop_id") and value is not None:
            log.add(entity, row["id"], field, value, None)
