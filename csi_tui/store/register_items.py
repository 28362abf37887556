"""The CSI register: improvement items, their links to dimensions and KPIs, and their workflow."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from csi_tui.domain.errors import InvalidInput, NotFound, explain
from csi_tui.domain.models import Closure, Dimension, Kpi, Outcome, RegisterItem, RegisterStatus
from csi_tui.domain.register import refuse_if_carried, transition
from csi_tui.store.change_log import as_text
from csi_tui.store.dimensions import DimensionRecords

# Item fields that are not plain columns to write: the store gives the id and number, and the links
# and the mark of an item carried to a later cycle live in their own tables.
_NOT_COLUMNS = {"id", "number", "dimension_keys", "kpi_ids", "carried_to_cycle"}


class RegisterItemRecords(DimensionRecords):
    def _check_links(self, workshop_id: int, item: RegisterItem) -> dict[str, int]:
        ids = self._dimension_ids(workshop_id)
        unknown = [key for key in item.dimension_keys if key not in ids]
        if unknown:
            raise InvalidInput(f"unknown dimension {unknown[0]!r} for this workshop")
        kpis = {kpi_id for (kpi_id,) in self.db.execute("SELECT id FROM kpi WHERE workshop_id = ?", [workshop_id])}
        strangers = [kpi_id for kpi_id in item.kpi_ids if kpi_id not in kpis]
        if strangers:
            raise InvalidInput(f"no KPI with id {strangers[0]} in this workshop")
        return ids

    def add_register_item(self, workshop_id: int, item: RegisterItem) -> RegisterItem:
        ids = self._check_links(workshop_id, item)
        with self._change(workshop_id) as log:
            (number,) = self.db.execute(
                "SELECT ifnull(max(number), 0) + 1 FROM register_item WHERE workshop_id = ?",
                [workshop_id],
            ).fetchone()
            columns = item.model_dump(mode="json", exclude=_NOT_COLUMNS)
            item_id = self.db["register_item"].insert(
                {"workshop_id": workshop_id, "number": number, **columns}
            ).last_pk
            self.db["register_item_dimension"].insert_all(
                {"item_id": item_id, "dimension_id": ids[key]} for key in item.dimension_keys
            )
            self.db["register_item_kpi"].insert_all(
                {"item_id": item_id, "kpi_id": kpi_id} for kpi_id in item.kpi_ids
            )
            if item.carried_to_cycle is not None:  # history, as an imported document holds it
                self.db.execute("INSERT INTO register_item_carried (item_id, to_cycle) VALUES (?, ?)",
                                [item_id, item.carried_to_cycle])
            log.add("register_item", item_id, "description", None, item.description)
        return item.model_copy(update={"id": item_id, "number": number})

    def mark_carried(self, workshop_id: int, items: list[RegisterItem], to_cycle: int) -> None:
        """Mark these items of the workshop as carried on to cycle `to_cycle`: they stay as its
        history, and the later cycle's copies are the ones that count."""
        with self._change(workshop_id) as log:
            for item in items:
                self.db.execute("INSERT INTO register_item_carried (item_id, to_cycle) VALUES (?, ?)",
                                [item.id, to_cycle])
                log.add("register_item", item.id, "carried_to_cycle", None, to_cycle)

    def register_items(self, workshop_id: int, dimensions: list[Dimension] | None = None,
                       kpis: list[Kpi] | None = None) -> list[RegisterItem]:
        """The items that pass the rules (the register's own: dates, status and closure; and
        links only to dimensions and KPIs of this workshop that can be shown); the others left
        out, named in `refused`. The snapshot passes the dimensions and KPIs it has read."""
        keys = {d.id: d.key for d in (dimensions if dimensions is not None else self.dimensions(workshop_id))}
        kpi_ids = {k.id for k in (kpis if kpis is not None else self.kpis(workshop_id))}
        # The links of all the workshop's items in one query each, not two queries per item.
        # Dimensions in the workshop's order; KPIs by id, the order of the link table's key.
        dimension_keys: dict[int, list[str]] = {}
        strangers: dict[int, str] = {}  # item id -> the first link that is not this workshop's
        for item_id, dimension_id in self.db.execute(
            """SELECT r.item_id, r.dimension_id FROM register_item_dimension r
               JOIN register_item i ON i.id = r.item_id LEFT JOIN dimension d ON d.id = r.dimension_id
               WHERE i.workshop_id = ? ORDER BY r.item_id, d.position, r.dimension_id""",
            [workshop_id],
        ):
            if dimension_id in keys:
                dimension_keys.setdefault(item_id, []).append(keys[dimension_id])
            else:
                strangers.setdefault(item_id, f"dimension {dimension_id!r} is not a dimension of this workshop "
                                              "that can be shown")
        linked_kpis: dict[int, list[int]] = {}
        for item_id, kpi_id in self.db.execute(
            """SELECT r.item_id, r.kpi_id FROM register_item_kpi r JOIN register_item i ON i.id = r.item_id
               WHERE i.workshop_id = ? ORDER BY r.item_id, r.kpi_id""",
            [workshop_id],
        ):
            if kpi_id in kpi_ids:
                linked_kpis.setdefault(item_id, []).append(kpi_id)
            else:
                strangers.setdefault(item_id, f"KPI {kpi_id!r} is not a KPI of this workshop that can be shown")
        carried = dict(self.db.execute(
            """SELECT c.item_id, c.to_cycle FROM register_item_carried c JOIN register_item i ON i.id = c.item_id
               WHERE i.workshop_id = ?""",
            [workshop_id],
        ).fetchall())
        rows = []
        for row in self._rows(
            "SELECT * FROM register_item WHERE workshop_id = ? ORDER BY number", [workshop_id]
        ):
            row.pop("workshop_id")
            if row["id"] in strangers:
                self._refuse("register_item", row["id"], strangers[row["id"]], workshop_id)
                continue
            if row["number"] is None:  # the model allows none for an item not yet saved; a stored one has one
                self._refuse("register_item", row["id"], "number None is not a whole number", workshop_id)
                continue
            row["dimension_keys"] = dimension_keys.get(row["id"], [])
            row["kpi_ids"] = linked_kpis.get(row["id"], [])
            row["carried_to_cycle"] = carried.get(row["id"])
            rows.append(row)
        return self._valid(RegisterItem, "register_item", rows, workshop_id)

    def register_item(self, workshop_id: int, number: int) -> RegisterItem:
        item = next((i for i in self.register_items(workshop_id) if i.number == number), None)
        if item is None:
            raise NotFound(f"no register item #{number} in this workshop")
        return item

    def update_register_item(self, workshop_id: int, number: int, **changes: Any) -> RegisterItem:
        """Edit an item's details and links. Its status moves only through change_register_status,
        so the workflow's rules cannot be stepped round by an edit."""
        current = self.register_item(workshop_id, number)
        refuse_if_carried(current)
        workflow = {"status", "closure", "achieved_outcome", "id", "number", "carried_to_cycle"} & set(changes)
        if workflow:
            raise InvalidInput(f"{sorted(workflow)[0]} changes through the workflow, not by editing")
        try:
            updated = RegisterItem.model_validate({**current.model_dump(), **changes})
        except ValidationError as error:
            raise InvalidInput(explain(error)) from None
        ids = self._check_links(workshop_id, updated)
        columns = updated.model_dump(mode="json", exclude=_NOT_COLUMNS)
        with self._change(workshop_id) as log:
            log.update_fields("register_item", current.id, current.model_dump(mode="json"), columns, columns)
            if updated.dimension_keys != current.dimension_keys:
                self.db.execute("DELETE FROM register_item_dimension WHERE item_id = ?", [current.id])
                self.db["register_item_dimension"].insert_all(
                    {"item_id": current.id, "dimension_id": ids[key]} for key in updated.dimension_keys)
                log.add("register_item", current.id, "dimensions", ",".join(current.dimension_keys),
                        ",".join(updated.dimension_keys))
            if sorted(updated.kpi_ids) != sorted(current.kpi_ids):
                self.db.execute("DELETE FROM register_item_kpi WHERE item_id = ?", [current.id])
                self.db["register_item_kpi"].insert_all(
                    {"item_id": current.id, "kpi_id": kpi_id} for kpi_id in updated.kpi_ids)
                log.add("register_item", current.id, "kpis", ",".join(map(str, current.kpi_ids)),
                        ",".join(map(str, updated.kpi_ids)))
        return self.register_item(workshop_id, number)

    def change_register_status(
        self, workshop_id: int, number: int, to: RegisterStatus,
        closure: Closure | None = None, outcome: Outcome | None = None,
    ) -> RegisterItem:
        """Move a register item through its workflow; an invalid move is refused with a reason."""
        try:
            to = RegisterStatus(to)
            closure = Closure(closure) if closure is not None else None
            outcome = Outcome(outcome) if outcome is not None else None
        except ValueError as error:
            raise InvalidInput(str(error)) from None
        current = self.register_item(workshop_id, number)
        moved = transition(current, to, closure, outcome)
        with self._change(workshop_id) as log:
            self.db.execute(
                "UPDATE register_item SET status = ?, closure = ?, achieved_outcome = ? WHERE id = ?",
                [moved.status.value, as_text(moved.closure), as_text(moved.achieved_outcome), current.id],
            )
            log.add("register_item", current.id, "status", current.status, moved.status)
            # Logged when they change, so that a move can be undone whole (a closure with it).
            if moved.closure != current.closure:
                log.add("register_item", current.id, "closure", current.closure, moved.closure)
            if moved.achieved_outcome != current.achieved_outcome:
                log.add("register_item", current.id, "achieved_outcome", current.achieved_outcome,
                        moved.achieved_outcome)
        return moved
