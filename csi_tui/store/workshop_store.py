"""The workshop store: every save is one transaction with its change-log rows.

Pragmas, and how a file is checked, created and upgraded: store/opening.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from csi_tui.cycle import CARRIED_ANSWERS, KpiReview, carried_kpi, open_items, review_kpi
from csi_tui.errors import InvalidInput, NotFound, explain
from csi_tui.register import RejectedRow, parse_measurements, quarterly, transition
from csi_tui.gap import GapRow, gap_matrix
from csi_tui.models import (
    AssessmentTemplate,
    ChangeLogEntry,
    Checkpoint,
    Closure,
    Dimension,
    Kpi,
    MaturityScale,
    Measurement,
    Outcome,
    Participant,
    Perspective,
    RegisterItem,
    RegisterStatus,
    ScaleLevel,
    Score,
    ScoreKind,
    ScoreRow,
    StepAnswer,
    TemplateDimension,
    Workshop,
    WorkshopDraft,
    check_score,
)
from csi_tui.clock import Clock, utc_now
from csi_tui.store.connection import Database
from csi_tui.store.opening import connect, data_version, open_file
from csi_tui.store.schema import applied_names


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def open_store(path: Path | str, clock: Clock = utc_now) -> WorkshopStore:
    """Inspect, create or migrate the file, then open it (see store/opening.py). Raises
    FileRefused, leaving a refused file byte-for-byte untouched."""
    return WorkshopStore(open_file(path), clock)


class WorkshopStore:
    """One connection to one workshop file. Not shared between threads: open one per thread."""

    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    @classmethod
    def connect(cls, path: Path | str, clock: Clock = utc_now) -> WorkshopStore:
        return cls(connect(path), clock)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> WorkshopStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing -----------------------------------------------------------------------------

    def _now(self) -> str:
        return self.clock().isoformat()

    @contextmanager
    def _change(self, workshop_id: int) -> Iterator[_ChangeLog]:
        """One transaction: the change, its change-log rows, and the workshop's updated time."""
        with self.db.atomic():
            log = _ChangeLog(self.db, workshop_id, self._now())
            yield log
            if log.rows:
                self.db.execute(
                    "UPDATE workshop SET updated_at = ? WHERE id = ?", [log.at, workshop_id]
                )
                self.db["change_log"].insert_all(log.rows)

    def _rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    def schema_version(self) -> int:
        return len(applied_names(self.db.conn))

    # --- workshops ----------------------------------------------------------------------------

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
            log = _ChangeLog(self.db, workshop_id, now)
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
            for field in changes:
                old, new = getattr(current, field), getattr(updated, field)
                if old != new:
                    value = int(new) if isinstance(new, bool) else new
                    self.db.execute(
                        f"UPDATE workshop SET [{field}] = ? WHERE id = ?", [value, workshop_id]
                    )
                    log.add("workshop", workshop_id, field, old, new)
        return self.workshop(workshop_id)

    def set_current_step(self, workshop_id: int, step: int) -> Workshop:
        return self.update_workshop(workshop_id, current_step=step)

    def delete_workshop(self, workshop_id: int) -> None:
        self.workshop(workshop_id)
        with self.db.atomic():
            self.db.execute("DELETE FROM workshop WHERE id = ?", [workshop_id])
            self.db.execute("DELETE FROM change_log WHERE workshop_id = ?", [workshop_id])

    # --- scale and dimensions -----------------------------------------------------------------

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

    # --- answers ------------------------------------------------------------------------------

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

    # --- participants -------------------------------------------------------------------------

    def add_participant(self, workshop_id: int, participant: Participant) -> Participant:
        with self._change(workshop_id) as log:
            cursor = self.db.execute(
                "INSERT INTO participant (workshop_id, name, role, perspective) VALUES (?, ?, ?, ?)",
                [workshop_id, participant.name, participant.role, participant.perspective.value],
            )
            new_id = cursor.lastrowid
            for field in ("name", "role", "perspective"):
                log.add("participant", new_id, field, None, getattr(participant, field))
        return participant.model_copy(update={"id": new_id})

    def remove_participant(self, workshop_id: int, participant_id: int) -> None:
        with self._change(workshop_id) as log:
            row = self.db.execute(
                "SELECT name FROM participant WHERE id = ? AND workshop_id = ?",
                [participant_id, workshop_id],
            ).fetchone()
            if row is None:
                raise NotFound(f"no participant with id {participant_id} in this workshop")
            self.db.execute("DELETE FROM participant WHERE id = ?", [participant_id])
            log.add("participant", participant_id, "name", row[0], None)

    def participants(self, workshop_id: int) -> list[Participant]:
        rows = self._rows(
            "SELECT id, name, role, perspective FROM participant WHERE workshop_id = ? ORDER BY id",
            [workshop_id],
        )
        return [Participant.model_validate(row) for row in rows]

    # --- scores -------------------------------------------------------------------------------

    def save_score(self, workshop_id: int, score: Score) -> None:
        """Insert or replace one voice's score for a dimension, refusing what does not fit."""
        ids = self._dimension_ids(workshop_id)
        check_score(score, self.scale(workshop_id), set(ids))
        perspective = score.perspective
        if score.participant_id is not None:
            row = self.db.execute(
                "SELECT perspective FROM participant WHERE id = ? AND workshop_id = ?",
                [score.participant_id, workshop_id],
            ).fetchone()
            if row is None:
                raise InvalidInput(f"no participant with id {score.participant_id} in this workshop")
            perspective = row[0]  # a participant always speaks from their own perspective
        voice = (ids[score.dimension_key], score.kind.value, score.participant_id, perspective)
        entity = "/".join(
            [score.dimension_key, score.kind.value, str(score.participant_id or "-"), perspective or "-"]
        )
        with self._change(workshop_id) as log:
            old = self.db.execute(
                """SELECT id, value, evidence FROM score WHERE dimension_id = ? AND kind = ?
                   AND ifnull(participant_id, 0) = ifnull(?, 0) AND ifnull(perspective, '') = ifnull(?, '')""",
                voice,
            ).fetchone()
            if old is None:
                self.db.execute(
                    """INSERT INTO score (workshop_id, dimension_id, kind, participant_id,
                       perspective, value, evidence, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    [workshop_id, *voice, score.value, score.evidence, log.at],
                )
                old_value, old_evidence = None, None
            else:
                score_id, old_value, old_evidence = old
                if (old_value, old_evidence) == (score.value, score.evidence):
                    return
                self.db.execute(
                    "UPDATE score SET value = ?, evidence = ?, updated_at = ? WHERE id = ?",
                    [score.value, score.evidence, log.at, score_id],
                )
            if old_value != score.value:
                log.add("score", entity, "value", old_value, score.value)
            if old_evidence != score.evidence:
                log.add("score", entity, "evidence", old_evidence, score.evidence)

    def scores(self, workshop_id: int) -> list[Score]:
        return [Score.model_validate(row._asdict()) for row in self.score_rows(workshop_id)]

    def score_rows(self, workshop_id: int) -> list[ScoreRow]:
        """The scores as plain rows, fast: what the screens and the live gap matrix read."""
        rows = self.db.execute(
            """SELECT d.key, s.kind, s.value, s.perspective, s.participant_id, s.evidence
               FROM score s JOIN dimension d ON d.id = s.dimension_id
               WHERE s.workshop_id = ? ORDER BY d.position, s.kind, s.id""",
            [workshop_id],
        )
        kinds = {kind.value: kind for kind in ScoreKind}
        perspectives = {p.value: p for p in Perspective}
        return [ScoreRow(key, kinds[kind], value, perspectives.get(perspective), participant_id, evidence)
                for key, kind, value, perspective, participant_id, evidence in rows]

    # --- register and KPIs ---------------------------------------------------------------------

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
            columns = item.model_dump(
                mode="json", exclude={"id", "number", "dimension_keys", "kpi_ids"}
            )
            item_id = self.db["register_item"].insert(
                {"workshop_id": workshop_id, "number": number, **columns}
            ).last_pk
            self.db["register_item_dimension"].insert_all(
                {"item_id": item_id, "dimension_id": ids[key]} for key in item.dimension_keys
            )
            self.db["register_item_kpi"].insert_all(
                {"item_id": item_id, "kpi_id": kpi_id} for kpi_id in item.kpi_ids
            )
            log.add("register_item", item_id, "description", None, item.description)
        return item.model_copy(update={"id": item_id, "number": number})

    def register_items(self, workshop_id: int) -> list[RegisterItem]:
        items = []
        for row in self._rows(
            "SELECT * FROM register_item WHERE workshop_id = ? ORDER BY number", [workshop_id]
        ):
            row.pop("workshop_id")
            row["dimension_keys"] = [
                key for (key,) in self.db.execute(
                    """SELECT d.key FROM register_item_dimension r JOIN dimension d
                       ON d.id = r.dimension_id WHERE r.item_id = ? ORDER BY d.position""",
                    [row["id"]],
                )
            ]
            row["kpi_ids"] = [
                kpi_id for (kpi_id,) in self.db.execute(
                    "SELECT kpi_id FROM register_item_kpi WHERE item_id = ?", [row["id"]]
                )
            ]
            items.append(RegisterItem.model_validate(row))
        return items

    def register_item(self, workshop_id: int, number: int) -> RegisterItem:
        item = next((i for i in self.register_items(workshop_id) if i.number == number), None)
        if item is None:
            raise NotFound(f"no register item #{number} in this workshop")
        return item

    def update_register_item(self, workshop_id: int, number: int, **changes: Any) -> RegisterItem:
        """Edit an item's details and links. Its status moves only through change_register_status,
        so the workflow's rules cannot be stepped round by an edit."""
        current = self.register_item(workshop_id, number)
        workflow = {"status", "closure", "achieved_outcome", "id", "number"} & set(changes)
        if workflow:
            raise InvalidInput(f"{sorted(workflow)[0]} changes through the workflow, not by editing")
        try:
            updated = RegisterItem.model_validate({**current.model_dump(), **changes})
        except ValidationError as error:
            raise InvalidInput(explain(error)) from None
        ids = self._check_links(workshop_id, updated)
        columns = updated.model_dump(mode="json", exclude={"id", "number", "dimension_keys", "kpi_ids"})
        before = current.model_dump(mode="json")
        with self._change(workshop_id) as log:
            for name, value in columns.items():
                if before[name] != value:
                    self.db.execute(f"UPDATE register_item SET [{name}] = ? WHERE id = ?", [value, current.id])
                    log.add("register_item", current.id, name, before[name], value)
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
                [moved.status.value, _text(moved.closure), _text(moved.achieved_outcome), current.id],
            )
            log.add("register_item", current.id, "status", current.status, moved.status)
        return moved

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
            for name in ("due_on", "held_on", "went_well", "went_wrong"):
                if before[name] != after[name]:
                    self.db.execute(f"UPDATE checkpoint SET [{name}] = ? WHERE id = ?", [after[name], current.id])
                    log.add("checkpoint", current.id, name, before[name], after[name])
        return checkpoint

    def schedule_quarterly(self, workshop_id: int, start: date, count: int = 4) -> list[Checkpoint]:
        """The default review rhythm: a checkpoint every three months from `start`."""
        with self.db.atomic():
            return [self.add_checkpoint(workshop_id, Checkpoint(due_on=due)) for due in quarterly(start, count)]

    def checkpoints(self, workshop_id: int) -> list[Checkpoint]:
        rows = self._rows(
            "SELECT id, due_on, held_on, went_well, went_wrong FROM checkpoint WHERE workshop_id = ? "
            "ORDER BY due_on, id", [workshop_id])
        return [Checkpoint.model_validate(row) for row in rows]

    def next_checkpoints(self, today: date) -> dict[int, Checkpoint]:
        """The next checkpoint not yet held, per workshop, due today or later: for the home screen."""
        rows = self._rows(
            """SELECT workshop_id, id, due_on, held_on, went_well, went_wrong FROM checkpoint
               WHERE held_on IS NULL AND due_on >= ? ORDER BY due_on DESC, id DESC""", [today.isoformat()])
        return {row.pop("workshop_id"): Checkpoint.model_validate(row) for row in rows}

    def coverage(self, workshop_id: int) -> dict[str, list[str]]:
        """What addresses each dimension, the gap matrix's last column: register items (by number)
        that are not cancelled, then KPIs that measure it (by name)."""
        result: dict[str, list[str]] = {}
        for key, number in self.db.execute(
            """SELECT d.key, r.number FROM register_item_dimension rd
               JOIN register_item r ON r.id = rd.item_id JOIN dimension d ON d.id = rd.dimension_id
               WHERE r.workshop_id = ? AND r.status != 'cancelled' ORDER BY r.number""",
            [workshop_id],
        ):
            result.setdefault(key, []).append(f"#{number}")
        for key, name in self.db.execute(
            """SELECT d.key, k.name FROM kpi k JOIN dimension d ON d.id = k.dimension_id
               WHERE k.workshop_id = ? ORDER BY k.id""", [workshop_id]):
            result.setdefault(key, []).append(f"KPI {name}")
        return result

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
        before, after = current.model_dump(mode="json"), kpi.model_dump(mode="json")
        with self._change(workshop_id) as log:
            for name, value in after.items():
                if name == "id" or before[name] == value:
                    continue
                column, stored = name, value
                if name == "dimension_key":
                    column, stored = "dimension_id", ids.get(value or "")
                elif name == "measurable":
                    stored = int(value)
                self.db.execute(f"UPDATE kpi SET [{column}] = ? WHERE id = ?", [stored, current.id])
                log.add("kpi", current.id, name, before[name], value)
        return kpi

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
        workshop: int | None = workshop_id
        while workshop is not None:
            cycle, previous = self.db.execute("SELECT cycle, previous_id FROM workshop WHERE id = ?",
                                              [workshop]).fetchone()
            for (same,) in self.db.execute("SELECT id FROM kpi WHERE workshop_id = ? AND name = ?", [workshop, name]):
                trend.extend((cycle, m) for m in self.measurements(same))
            workshop = previous
        return sorted(trend, key=lambda pair: (pair[1].measured_at, pair[0]))

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

    def snapshot(self, workshop_id: int) -> WorkshopSnapshot:
        """Everything a step screen shows, read in one transaction so it is consistent."""
        with self.db.atomic():
            workshop = self.workshop(workshop_id)
            previous_rows = None
            if workshop.previous_id is not None:
                previous_rows = gap_matrix(self.dimensions(workshop.previous_id), self.score_rows(workshop.previous_id))
            return WorkshopSnapshot(
                workshop=workshop,
                answers=self.answers(workshop_id),
                dimensions=self.dimensions(workshop_id),
                scale=self.scale(workshop_id),
                participants=self.participants(workshop_id),
                scores=self.score_rows(workshop_id),
                coverage=self.coverage(workshop_id),
                previous_rows=previous_rows,
                kpis=(kpis := self.kpis(workshop_id)),
                kpi_reviews=[review_kpi(k, self.measurements(k.id or 0)) for k in kpis],
                register_items=self.register_items(workshop_id),
                checkpoints=self.checkpoints(workshop_id),
            )

    def data_version(self) -> int:
        return data_version(self.db)

    def start_next_cycle(self, workshop_id: int) -> Workshop:
        """A new workshop, cycle n+1, linked to this one: the vision, dimensions and weights,
        open register items and KPIs (last measurement as the new baseline) carry over."""
        previous = self.workshop(workshop_id)
        template_dimensions = [
            TemplateDimension(key=d.key, name=d.name, group=d.group, weight=d.weight)
            for d in self.dimensions(workshop_id)
        ]
        template = AssessmentTemplate(id=previous.template_id, name=previous.template_id,
                                      default_scale=previous.scale_id, dimensions=template_dimensions)
        scale = self.scale(workshop_id)
        draft = WorkshopDraft.model_validate(previous.model_dump(include=set(WorkshopDraft.model_fields)))
        with self.db.atomic():
            nxt = self.create_workshop(draft, template, scale, cycle=previous.cycle + 1, previous_id=workshop_id)
            for step, fields in CARRIED_ANSWERS.items():
                answers = self.answers(workshop_id).get(step, {})
                for field in fields:
                    if answers.get(field):
                        self.save_answer(nxt.id, step, field, answers[field])
            kpi_ids = {}
            for kpi in self.kpis(workshop_id):
                assert kpi.id is not None
                kpi_ids[kpi.id] = self.add_kpi(nxt.id, carried_kpi(kpi, self.measurements(kpi.id))).id
            for item in open_items(self.register_items(workshop_id)):
                carried = item.model_copy(update={"kpi_ids": [kpi_ids[k] for k in item.kpi_ids if k in kpi_ids]})
                self.add_register_item(nxt.id, carried)
        return self.workshop(nxt.id)

    # --- history ------------------------------------------------------------------------------

    def change_log(self, workshop_id: int) -> list[ChangeLogEntry]:
        rows = self._rows(
            "SELECT * FROM change_log WHERE workshop_id = ? ORDER BY id", [workshop_id]
        )
        return [ChangeLogEntry.model_validate(row) for row in rows]


@dataclass(frozen=True)
class WorkshopSnapshot:
    workshop: Workshop
    answers: dict[int, dict[str, str]]
    dimensions: list[Dimension]
    scale: MaturityScale
    participants: list[Participant]
    scores: list[ScoreRow]
    coverage: dict[str, list[str]] = field(default_factory=dict)
    previous_rows: list[GapRow] | None = None  # the previous cycle's gap matrix, from cycle 2 on
    kpi_reviews: list[KpiReview] = field(default_factory=list)  # one per KPI, in the order of kpis
    register_items: list[RegisterItem] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)

    def gap_rows(self) -> list[GapRow]:
        return gap_matrix(self.dimensions, self.scores, self.coverage)


class _ChangeLog:
    """Change-log rows gathered during one transaction, written at its end."""

    def __init__(self, db: Database, workshop_id: int, at: str) -> None:
        self.db = db
        self.workshop_id = workshop_id
        self.at = at
        self.rows: list[dict[str, Any]] = []

    def add(self, entity: str, entity_id: object, field: str, old: Any, new: Any) -> None:
        self.rows.append(
            {"workshop_id": self.workshop_id, "at": self.at, "entity": entity,
             "entity_id": str(entity_id), "field": field,
             "old_value": _text(old), "new_value": _text(new)}
        )

