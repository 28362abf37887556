"""The answers typed into each step's fields: one value per workshop, step and field."""

from __future__ import annotations

from pydantic import ValidationError

from csi_tui.domain.errors import InvalidInput, explain
from csi_tui.domain.models import StepAnswer
from csi_tui.store.change_log import ChangeLogRecords


class AnswerRecords(ChangeLogRecords):
    def save_answer(self, workshop_id: int, step: int, field: str, value: str) -> None:
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
                return
            self.db.execute(
                """INSERT INTO answer (workshop_id, step, field, value, updated_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (workshop_id, step, field)
                   DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at""",
                [workshop_id, step, field, answer.value, log.at],
            )
            log.add("answer", f"{step}.{field}", "value", old, answer.value)

    def answers(self, workshop_id: int) -> dict[int, dict[str, str]]:
        result: dict[int, dict[str, str]] = {}
        for row in self._rows(
            "SELECT step, field, value FROM answer WHERE workshop_id = ? ORDER BY step, field",
            [workshop_id],
        ):
            result.setdefault(row["step"], {})[row["field"]] = row["value"]
        return result
