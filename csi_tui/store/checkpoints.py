"""Checkpoints: the review dates of the improvement programme (quarterly by default), with what
went well and what went wrong at each."""

from __future__ import annotations

from datetime import date
from typing import Any

from csi_tui.domain.errors import NotFound
from csi_tui.domain.models import Checkpoint
from csi_tui.domain.register import quarterly
from csi_tui.store.change_log import ChangeLogRecords


class CheckpointRecords(ChangeLogRecords):
    def add_checkpoint(self, workshop_id: int, checkpoint: Checkpoint) -> Checkpoint:
        with self._change(workshop_id) as log:
            new_id = self.db["checkpoint"].insert(
                {"workshop_id": workshop_id, **checkpoint.model_dump(mode="json", exclude={"id"})}
            ).last_pk
            log.add("checkpoint", new_id, "due_on", None, checkpoint.due_on)
        return checkpoint.model_copy(update={"id": new_id})

    def update_checkpoint(self, workshop_id: int, checkpoint: Checkpoint) -> Checkpoint:
        current = next((c for c in self.checkpoints(workshop_id) if c.id == checkpoint.id), None)
        if current is None:
            raise NotFound(f"no checkpoint with id {checkpoint.id} in this workshop")
        before, after = current.model_dump(mode="json"), checkpoint.model_dump(mode="json")
        with self._change(workshop_id) as log:
            log.update_fields("checkpoint", current.id, before, after, ("due_on", "held_on", "went_well", "went_wrong"))
        return checkpoint

    def schedule_quarterly(self, workshop_id: int, start: date, count: int = 4) -> list[Checkpoint]:
        """The default review rhythm: a checkpoint every three months from `start`."""
        with self.db.atomic():
            return [self.add_checkpoint(workshop_id, Checkpoint(due_on=due)) for due in quarterly(start, count)]

    def checkpoints(self, workshop_id: int) -> list[Checkpoint]:
        rows = self._rows(
            "SELECT id, due_on, held_on, went_well, went_wrong FROM checkpoint WHERE workshop_id = ? "
            "ORDER BY due_on, id", [workshop_id])
        return self._valid(Checkpoint, "checkpoint", rows, workshop_id)

    def next_checkpoints(self, today: date) -> dict[int, Checkpoint]:
        """The next checkpoint not yet held, per workshop, due today or later: for the home screen."""
        rows = self._rows(
            """SELECT workshop_id, id, due_on, held_on, went_well, went_wrong FROM checkpoint
               WHERE held_on IS NULL AND due_on >= ? ORDER BY due_on DESC, id DESC""", [today.isoformat()])
        by_workshop: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            by_workshop.setdefault(row.pop("workshop_id"), []).append(row)
        # A checkpoint that breaks the rules is left out (and named), never the whole list.
        soonest = {}
        for workshop_id, due in by_workshop.items():
            valid = self._valid(Checkpoint, "checkpoint", due, workshop_id)
            if valid:
                soonest[workshop_id] = valid[-1]  # the rows came latest first
        return soonest
