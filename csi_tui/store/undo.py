"""Undoing one change read back from the change log: a score, an answer, a weight, a participant's
removal (with their scores), a register item's move or a new register item. The undo is one
transaction and is itself logged, like any change. A value that has changed since (another
window, another process) is not overwritten: the undo is refused with a reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from csi_tui.domain.errors import CsiError
from csi_tui.domain.history import CONFLICT
from csi_tui.domain.steps import step
from csi_tui.store.change_log import ChangeLog, as_text
from csi_tui.store.dimensions import DimensionRecords

Changes = dict[str, tuple[str | None, str | None]]  # field -> (old, new) over the whole change


class ChangedSince(CsiError):
    """What the undo would put back has been changed since, elsewhere: nothing was undone."""


@dataclass
class Undone:
    """What one undo put back: a line for the facilitator and the answers whose text changed."""

    what: list[str] = field(default_factory=list)
    answers: dict[tuple[int, str], str] = field(default_factory=dict)  # (step, field) -> text now

    def __str__(self) -> str:
        return " and ".join(self.what)


class UndoRecords(DimensionRecords):
    def undo_change(self, workshop_id: int, log_ids: list[int]) -> Undone:
        entries = [e for e in self.change_log_rows(workshop_id, log_ids) if e.field != CONFLICT]
        if not entries:
            raise CsiError("that change is no longer in the change log")
        grouped: dict[tuple[str, str], Changes] = {}
        for entry in entries:  # the first old value and the last new value of each field
            changes = grouped.setdefault((entry.entity, entry.entity_id), {})
            first = changes.get(entry.field, (entry.old_value, None))[0]
            changes[entry.field] = (first, entry.new_value)
        undone = Undone()
        renamed: dict[str, str] = {}  # a participant brought back under another id: old -> new
        with self._change(workshop_id) as log:
            # People first: their scores need them back.
            for (entity, entity_id), changes in sorted(grouped.items(), key=lambda pair: pair[0][0] != "participant"):
                handler = getattr(self, f"_undo_{entity}", None)
                if handler is None:
                    raise CsiError(f"a change to {entity} cannot be undone")
                handler(workshop_id, entity_id, changes, log, undone, renamed)
        if renamed:  # a removal undone: the person is told with how many scores came back with them
            scores = sum(entity == "score" and "value" in changes for (entity, _), changes in grouped.items())
            undone.what[0] += f" and {scores} score{'s' if scores != 1 else ''}" if scores else ""
        return undone

    # --- one kind of record each ------------------------------------------------------------------

    def _undo_score(self, workshop_id: int, entity: str, changes: Changes, log: ChangeLog, undone: Undone,
                    renamed: dict[str, str]) -> None:
        key, kind, person, perspective = entity.split("/")
        person = renamed.get(person, person)
        voice = [self._dimension_ids(workshop_id).get(key), kind,
                 None if person == "-" else int(person), None if perspective == "-" else perspective]
        row = self.db.execute(
            """SELECT id, value, evidence FROM score WHERE dimension_id = ? AND kind = ?
               AND ifnull(participant_id, 0) = ifnull(?, 0) AND ifnull(perspective, '') = ifnull(?, '')""",
            voice,
        ).fetchone()
        now = {"value": as_text(row[1]) if row else None, "evidence": row[2] if row else None}
        self._check(now, changes, f"{self._voice(person, perspective)} {kind} score for {self._name(workshop_id, key)}")
        back = {**now, **{name: old for name, (old, _) in changes.items()}}
        if back["value"] is None:
            if row is not None:
                self.db.execute("DELETE FROM score WHERE id = ?", [row[0]])
        elif row is None:
            self.db.execute(
                """INSERT INTO score (workshop_id, dimension_id, kind, participant_id, perspective, value,
                   evidence, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [workshop_id, *voice, int(back["value"]), back["evidence"] or "", log.at])
        else:
            self.db.execute("UPDATE score SET value = ?, evidence = ?, updated_at = ? WHERE id = ?",
                            [int(back["value"]), back["evidence"] or "", log.at, row[0]])
        self._log_back(log, "score", "/".join([key, kind, person, perspective]), changes)
        if not renamed:  # a removal's scores are told with the person (undo_change)
            whose = self._voice(person, perspective)
            undone.what.append(f"{whose} {'target' if kind == 'target' else 'score'} for "
                               f"{self._name(workshop_id, key)}")

    def _undo_answer(self, workshop_id: int, entity: str, changes: Changes, log: ChangeLog, undone: Undone,
                     renamed: dict[str, str]) -> None:
        number, name = entity.split(".", 1)
        row = self.db.execute("SELECT value FROM answer WHERE workshop_id = ? AND step = ? AND field = ?",
                              [workshop_id, int(number), name]).fetchone()
        label = next((f.label for f in step(int(number)).fields if f.key == name), name)
        self._check({"value": row[0] if row else None}, changes, f"the answer to {label}")
        old = changes["value"][0]
        if old is None:
            self.db.execute("DELETE FROM answer WHERE workshop_id = ? AND step = ? AND field = ?",
                            [workshop_id, int(number), name])
        else:
            self.db.execute(
                """INSERT INTO answer (workshop_id, step, field, value, updated_at) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (workshop_id, step, field) DO UPDATE SET value = excluded.value,
                   updated_at = excluded.updated_at""", [workshop_id, int(number), name, old, log.at])
        self._log_back(log, "answer", entity, changes)
        undone.answers[(int(number), name)] = old or ""
        undone.what.append(f"the answer to {label} (step {number})")

    def _undo_dimension(self, workshop_id: int, key: str, changes: Changes, log: ChangeLog, undone: Undone,
                        renamed: dict[str, str]) -> None:
        dimension_id = self._dimension_ids(workshop_id).get(key)
        row = self.db.execute("SELECT weight FROM dimension WHERE id = ?", [dimension_id]).fetchone()
        name = self._name(workshop_id, key)
        self._check({"weight": as_text(row[0]) if row else None}, changes, f"the weight of {name}")
        self.db.execute("UPDATE dimension SET weight = ? WHERE id = ?", [int(changes["weight"][0] or 3), dimension_id])
        self._log_back(log, "dimension", key, changes)
        undone.what.append(f"the weight of {name}")

    def _undo_participant(self, workshop_id: int, person: str, changes: Changes, log: ChangeLog, undone: Undone,
                          renamed: dict[str, str]) -> None:
        old = {name: before for name, (before, _) in changes.items()}
        if any(after is not None for _, after in changes.values()) or old.get("name") is None:
            raise CsiError("only a participant's removal can be undone")
        taken = self.db.execute("SELECT 1 FROM participant WHERE id = ?", [int(person)]).fetchone()
        # The id may have been given to someone added since: then they come back under a new one.
        cursor = self.db.execute(
            "INSERT INTO participant (id, workshop_id, name, role, perspective) VALUES (?, ?, ?, ?, ?)",
            [None if taken else int(person), workshop_id, old["name"], old.get("role") or "", old["perspective"]])
        renamed[person] = str(cursor.lastrowid)
        for name, value in old.items():
            log.add("participant", cursor.lastrowid, name, None, value)
        undone.what.append(f"removing participant {old['name']}")

    def _undo_register_item(self, workshop_id: int, item_id: str, changes: Changes, log: ChangeLog,
                            undone: Undone, renamed: dict[str, str]) -> None:
        row = self.db.execute("SELECT number, description, status, closure, achieved_outcome FROM register_item "
                              "WHERE id = ? AND workshop_id = ?", [int(item_id), workshop_id]).fetchone()
        if row is None:
            raise ChangedSince("that register item has been removed since: nothing was undone")
        number, description, *workflow = row
        title = f"#{number} {description}"
        if "description" in changes and changes["description"][0] is None:  # a new item: it goes
            self.db.execute("DELETE FROM register_item WHERE id = ?", [int(item_id)])
            log.add("register_item", item_id, "description", description, None)
            undone.what.append(f"new register item {title}")
            return
        now = dict(zip(("status", "closure", "achieved_outcome"), workflow, strict=True))
        self._check(now, changes, f"register item {title}")
        back = {**now, **{name: old for name, (old, _) in changes.items()}}
        self.db.execute("UPDATE register_item SET status = ?, closure = ?, achieved_outcome = ? WHERE id = ?",
                        [back["status"], back["closure"], back["achieved_outcome"], int(item_id)])
        self._log_back(log, "register_item", item_id, changes)
        undone.what.append(f"moving register item {title} to {changes.get('status', (None, now['status']))[1]}")

    # --- shared ---------------------------------------------------------------------------------

    @staticmethod
    def _check(now: dict[str, Any], changes: Changes, what: str) -> None:
        for name, (_, new) in changes.items():
            if now.get(name) != new:
                raise ChangedSince(f"{what} has changed since, elsewhere: nothing was undone")

    @staticmethod
    def _log_back(log: ChangeLog, entity: str, entity_id: str, changes: Changes) -> None:
        for name, (old, new) in changes.items():
            log.add(entity, entity_id, name, new, old)

    def _name(self, workshop_id: int, key: str) -> str:
        row = self.db.execute("SELECT name FROM dimension WHERE workshop_id = ? AND key = ?",
                              [workshop_id, key]).fetchone()
        return row[0] if row else key

    def _voice(self, person: str, perspective: str) -> str:
        if person != "-":
            row = self.db.execute("SELECT name FROM participant WHERE id = ?", [int(person)]).fetchone()
            return f"{row[0] if row else 'participant ' + person}'s"
        if perspective != "-":
            return f"the {'business' if perspective == 'business' else 'IT'} consensus"
        return "the room's"
