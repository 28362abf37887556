"""The answers typed into each step's fields: one value per workshop, step and field."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from csi_tui.domain.errors import InvalidInput, explain
from csi_tui.domain.history import CONFLICT
from csi_tui.domain.models import StepAnswer
from csi_tui.store.change_log import ChangeLogRecords


@dataclass(frozen=True)
class AnswerConflict:
    """The field changed elsewhere (another window, another process) since the text being saved
    was based on it: nothing was overwritten; both texts are in the change log."""

    theirs: str
    mine: str


class AnswerRecords(ChangeLogRecords):
    def save_answer(self, workshop_id: int, step: int, field: str, value: str,
                    based_on: str | None = None) -> AnswerConflict | None:
        """Save a field's text. With `based_on` (the text the typing started from), a field that
        holds something else by now is not overwritten: the refused text is logged as a
        "conflict" row and an AnswerConflict returned, for the facilitator to choose."""
        try:
            answer = StepAnswer(step=step, field=field, value=value)
        except ValidationError as error:
            raise InvalidInput(explain(error)) from None
        with self._change(workshop_id) as log:
            row = self.db.execute(
                "SELECT value FROM answer WHERE workshop_id = ? AND step = ? AND field = ?",
                [workshop_id, step, field],
            ).fetchone()
            old = row[0] if row else None
            if old == answer.value:
                return None
            if based_on is not None and (old or "") != based_on:
                log.add("answer", f"{step}.{field}", CONFLICT, old, answer.value)
                return AnswerConflict(theirs=old or "", mine=answer.value)
            self.db.execute(
                """INSERT INTO answer (workshop_id, step, field, value, updated_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (workshop_id, step, field)
                   DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at""",
                [workshop_id, step, field, answer.value, log.at],
            )
            log.add("answer", f"{step}.{field}", "value", old, answer.value)
        return None

    def answers(self, workshop_id: int) -> dict[int, dict[str, str]]:
        """The answers that pass the rules (a field the step does not have, text that is not text:
        left out, named as step.field)."""
        result: dict[int, dict[str, str]] = {}
        rows = self._rows(
            "SELECT step, field, value FROM answer WHERE workshop_id = ? ORDER BY step, field", [workshop_id]
        )
        for answer in self._valid(StepAnswer, "answer", rows, workshop_id,
                                  name=lambda row: f"{row['step']}.{row['field']}"):
            result.setdefault(answer.step, {})[answer.field] = answer.value
        return result
