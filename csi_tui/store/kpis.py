"""KPIs and their measurements, and a KPI's trend across the cycles of a workshop."""

from __future__ import annotations

from typing import Any

from csi_tui.domain.errors import InvalidInput, NotFound
from csi_tui.domain.models import Kpi, Measurement
from csi_tui.domain.register import RejectedRow, parse_measurements
from csi_tui.store.change_log import same_column
from csi_tui.store.dimensions import DimensionRecords


class KpiRecords(DimensionRecords):
    def add_kpi(self, workshop_id: int, kpi: Kpi) -> Kpi:
        ids = self._dimension_ids(workshop_id)
        if kpi.dimension_key is not None and kpi.dimension_key not in ids:
            raise InvalidInput(f"unknown dimension {kpi.dimension_key!r} for this workshop")
        columns = kpi.model_dump(mode="json", exclude={"id", "dimension_key"})
        columns["measurable"] = int(kpi.measurable)
        with self._change(workshop_id) as log:
            kpi_id = self.db["kpi"].insert(
                {"workshop_id": workshop_id, "dimension_id": ids.get(kpi.dimension_key or ""),
                 **columns}
            ).last_pk
            log.add("kpi", kpi_id, "name", None, kpi.name)
        return kpi.model_copy(update={"id": kpi_id})

    def update_kpi(self, workshop_id: int, kpi: Kpi) -> Kpi:
        current = next((k for k in self.kpis(workshop_id) if k.id == kpi.id), None)
        if current is None:
            raise NotFound(f"no KPI with id {kpi.id} in this workshop")
        ids = self._dimension_ids(workshop_id)
        if kpi.dimension_key is not None and kpi.dimension_key not in ids:
            raise InvalidInput(f"unknown dimension {kpi.dimension_key!r} for this workshop")

        def column(field: str, value: Any) -> tuple[str, Any]:
            # The model names the dimension by key; the table links it by id.
            if field == "dimension_key":
                return "dimension_id", ids.get(value or "")
            return same_column(field, value)

        before, after = current.model_dump(mode="json"), kpi.model_dump(mode="json")
        with self._change(workshop_id) as log:
            log.update_fields("kpi", current.id, before, after, [name for name in after if name != "id"], column)
        return kpi

    def kpis(self, workshop_id: int) -> list[Kpi]:
        rows = self._rows(
            """SELECT k.*, d.key AS dimension_key FROM kpi k
               LEFT JOIN dimension d ON d.id = k.dimension_id WHERE k.workshop_id = ? ORDER BY k.id""",
            [workshop_id],
        )
        for row in rows:
            row.pop("workshop_id")
            row.pop("dimension_id")
        return [Kpi.model_validate(row) for row in rows]

    def add_measurement(self, workshop_id: int, measurement: Measurement) -> Measurement:
        owner = self.db.execute(
            "SELECT 1 FROM kpi WHERE id = ? AND workshop_id = ?", [measurement.kpi_id, workshop_id]
        ).fetchone()
        if owner is None:
            raise InvalidInput(f"no KPI with id {measurement.kpi_id} in this workshop")
        with self._change(workshop_id) as log:
            new_id = self.db["measurement"].insert(
                measurement.model_dump(mode="json", exclude={"id"})
            ).last_pk
            log.add("measurement", new_id, "value", None, measurement.value)
        return measurement.model_copy(update={"id": new_id})

    def measurements(self, kpi_id: int) -> list[Measurement]:
        rows = self._rows(
            "SELECT * FROM measurement WHERE kpi_id = ? ORDER BY measured_at, id", [kpi_id]
        )
        return [Measurement.model_validate(row) for row in rows]

    def import_measurements(self, workshop_id: int, kpi_id: int, text: str) -> tuple[int, list[RejectedRow]]:
        """A CSV of `time,value,note` for one KPI: good rows kept (in one transaction), bad rows
        returned with their line numbers and reasons."""
        good, bad = parse_measurements(text, kpi_id)
        with self.db.atomic():
            for measurement in good:
                self.add_measurement(workshop_id, measurement)
        return len(good), bad

    def kpi_trend(self, workshop_id: int, kpi_id: int) -> list[tuple[int, Measurement]]:
        """The KPI's measurements across cycles: those of the KPI of the same name in each earlier
        cycle of this workshop (a KPI carries over by name), with the cycle number of each."""
        (name,) = self.db.execute("SELECT name FROM kpi WHERE id = ? AND workshop_id = ?",
                                  [kpi_id, workshop_id]).fetchone() or (None,)
        if name is None:
            raise NotFound(f"no KPI with id {kpi_id} in this workshop")
        trend: list[tuple[int, Measurement]] = []
        # Nothing in the schema stops previous_id from pointing back into the chain (a hand-edited
        # or merged file can link a workshop to itself), so stop at a workshop already walked.
        walked: set[int] = set()
        workshop: int | None = workshop_id
        while workshop is not None and workshop not in walked:
            walked.add(workshop)
            cycle, previous = self.db.execute("SELECT cycle, previous_id FROM workshop WHERE id = ?",
                                              [workshop]).fetchone()
            for (same,) in self.db.execute("SELECT id FROM kpi WHERE workshop_id = ? AND name = ?", [workshop, name]):
                trend.extend((cycle, m) for m in self.measurements(same))
            workshop = previous
        return sorted(trend, key=lambda pair: (pair[1].measured_at, pair[0]))
