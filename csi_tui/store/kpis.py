"""KPIs and their measurements, and a KPI's trend across the cycles of a workshop."""

from __future__ import annotations

from typing import Any

from csi_tui.domain.errors import CsiError, InvalidInput, NotFound
from csi_tui.domain.models import Dimension, Kpi, Measurement
from csi_tui.domain.measurement_file import RejectedRow, parse_measurements
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

    def kpis(self, workshop_id: int, dimensions: list[Dimension] | None = None) -> list[Kpi]:
        """The KPIs that pass the rules (finite figures, real dates, a dimension of this workshop
        that can be shown, or none); the others left out, named in `refused`."""
        keys = {d.id: d.key for d in (dimensions if dimensions is not None else self.dimensions(workshop_id))}
        rows = self._rows("SELECT * FROM kpi WHERE workshop_id = ? ORDER BY id", [workshop_id])
        linked = []
        for row in rows:
            row.pop("workshop_id")
            dimension_id = row.pop("dimension_id")
            if dimension_id is not None and dimension_id not in keys:
                self._refuse("kpi", row["id"], f"dimension {dimension_id!r} is not a dimension of this workshop "
                             "that can be shown", workshop_id)
                continue
            row["dimension_key"] = keys.get(dimension_id)
            linked.append(row)
        return self._valid(Kpi, "kpi", linked, workshop_id)

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

    def measurements(self, kpi_id: int, workshop_id: int | None = None) -> list[Measurement]:
        """The KPI's measurements that pass the rules (a finite value, a real time), oldest first;
        the others left out, named in `refused` (with the KPI's workshop, when given)."""
        rows = self._rows(
            "SELECT * FROM measurement WHERE kpi_id = ? ORDER BY measured_at, id", [kpi_id]
        )
        valid = self._valid(Measurement, "measurement", rows, workshop_id)
        # Ordered again as times, not as text: a time written with another zone, or none, sorts
        # wrongly as text.
        return sorted(valid, key=lambda m: (m.measured_at, m.id or 0))

    def measurements_of(self, workshop_id: int, kpis: list[Kpi]) -> dict[int, list[Measurement]]:
        """The measurements of each of these KPIs (the workshop's, already read and checked), in
        one statement rather than one per KPI: a list of 200 KPIs is read as quickly as one of 5.
        Every KPI has a list, oldest first; bad rows left out and named as `measurements` does. A
        refused KPI is not asked for, so its measurements are neither read nor named."""
        wanted = {kpi.id for kpi in kpis if kpi.id is not None}
        rows = [row for row in self._rows(
            """SELECT m.* FROM measurement m JOIN kpi k ON k.id = m.kpi_id
               WHERE k.workshop_id = ? ORDER BY m.kpi_id, m.measured_at, m.id""", [workshop_id],
        ) if row["kpi_id"] in wanted]
        result: dict[int, list[Measurement]] = {kpi_id: [] for kpi_id in wanted}
        for measurement in self._valid(Measurement, "measurement", rows, workshop_id):
            result[measurement.kpi_id].append(measurement)
        # Ordered again as times, not as text (see `measurements`).
        return {kpi_id: sorted(found, key=lambda m: (m.measured_at, m.id or 0)) for kpi_id, found in result.items()}

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
        self.workshop(workshop_id)  # a workshop whose own row or chain of cycles is refused: one line
        trend: list[tuple[int, Measurement]] = []
        # Nothing in the schema stops previous_id from pointing back into the chain (a hand-edited
        # or merged file can link a workshop to itself). workshop() refuses such a chain; the walk
        # also stops at a workshop already walked, should a writer change the file meanwhile.
        walked: set[int] = set()
        workshop: int | None = workshop_id
        while workshop is not None and workshop not in walked:
            walked.add(workshop)
            try:
                current = self.workshop(workshop)
            except CsiError:  # a previous cycle not in the file, or refused (and named): the trend ends
                break
            for kpi in self.kpis(workshop):  # only KPIs that pass the rules, as everywhere else
                if kpi.name == name:
                    trend.extend((current.cycle, m) for m in self.measurements(kpi.id or 0, workshop))
            workshop = current.previous_id
        return sorted(trend, key=lambda pair: (pair[1].measured_at, pair[0]))
