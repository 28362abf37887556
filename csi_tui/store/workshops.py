"""Workshops: creating one (with its copy of the scale and the template's dimensions), reading,
editing and deleting."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError

from csi_tui.domain.errors import InvalidInput, NotFound, explain, explain_row
from csi_tui.domain.models import (
    AssessmentTemplate,
    Checkpoint,
    MaturityScale,
    ScaleLevel,
    Workshop,
    WorkshopDraft,
    WorkshopRow,
    parse_moment,
)
from csi_tui.store import gap_rows, listing_suspects, row_rules
from csi_tui.store.base import blob_column
from csi_tui.store.change_log import ChangeLog, ChangeLogRecords
from csi_tui.store.connection import Database


def previous_problem(workshop_id: int, links: Mapping[Any, Any], sound: set[Any]) -> str | None:
    """What is wrong with a workshop's link to its previous cycle, given each workshop's
    previous_id by id: it names no workshop in the file, or the chain of earlier cycles runs round
    in a loop (a walk along it would never end). None: no link, or a chain that ends. `sound`:
    workshops whose chains are known to end; the walk stops at one, and adds those it cleared."""
    seen = {workshop_id}
    current = links.get(workshop_id)
    while current is not None and current not in sound:
        if current not in links:
            return f"its previous cycle, workshop {current!r}, is not in the file"
        if current == workshop_id:
            return "its chain of previous cycles comes back round to itself"
        if current in seen:
            return "its chain of previous cycles runs round in a loop"
        seen.add(current)
        current = links[current]
    sound.update(seen)
    return None


class _Links(Mapping[Any, Any]):
    """Each workshop's previous_id, read one hop at a time: checking one workshop walks only its
    own chain (a few rows), not every workshop of a portfolio."""

    def __init__(self, db: Database, as_of: tuple[int, int]) -> None:
        self.db = db
        self.known: dict[Any, Any] = {}
        self.as_of = as_of  # the file's state they were read in (WorkshopRecords._links)
        self.sound: set[Any] = set()  # workshops whose chain of previous cycles ends

    def __getitem__(self, workshop_id: Any) -> Any:
        if workshop_id not in self.known:
            row = self.db.execute("SELECT previous_id FROM workshop WHERE id = ?", [workshop_id]).fetchone()
            if row is None:
                raise KeyError(workshop_id)
            self.known[workshop_id] = row[0]
        return self.known[workshop_id]

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError  # never listed: that is what this class saves

    def __len__(self) -> int:
        raise NotImplementedError


# The home list in one statement: the listed fields and each workshop's next review (the soonest
# checkpoint not yet held, due today or later, leaving out those that break the rules). Only the
# ids are sorted: the newest page of 10,000 is found without carrying every title through the sort.
_LISTED = """
SELECT w.id, w.title, w.organisation, w.cycle, w.current_step, w.updated_at,
       (SELECT min(c.due_on) FROM checkpoint c WHERE c.workshop_id = w.id AND c.held_on IS NULL
        AND c.due_on >= :today AND c.id NOT IN (SELECT value FROM json_each(:refused)))
FROM (SELECT id FROM workshop ORDER BY updated_at DESC, id DESC LIMIT :first) newest
JOIN workshop w ON w.id = newest.id
ORDER BY w.updated_at DESC, w.id DESC
"""


class WorkshopRecords(ChangeLogRecords):
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
        # Not _change: a new workshop's created and updated times are one reading of the clock.
        with self.db.atomic():
            cursor = self.db.execute(
                """INSERT INTO workshop (title, organisation, scope, facilitator, site_label, template_id,
                   scale_id, anonymous, cycle, previous_id, current_step, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)""",
                [draft.title, draft.organisation, draft.scope, draft.facilitator, draft.site_label,
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
            log = ChangeLog(self.db, workshop_id, now)
            for field, value in draft.model_dump().items():
                log.add("workshop", workshop_id, field, None, value)
            self.db["change_log"].insert_all(log.rows)
            gap_rows.refresh_workshop(self.db, workshop_id)  # its dimensions, unscored yet
        return self.workshop(workshop_id)

    def workshop(self, workshop_id: int) -> Workshop:
        """The workshop, or NotFound; InvalidInput (one line) for a workshop whose row breaks the
        domain's rules: nothing of it is shown or changed."""
        rows = self._rows("SELECT * FROM workshop WHERE id = ?", [workshop_id])
        if not rows:
            raise NotFound(f"no workshop with id {workshop_id}")
        links = self._links()
        (workshop,) = self._valid_workshops(rows, links, links.sound) or (None,)
        if workshop is None:
            raise InvalidInput(str(next(r for r in reversed(self.refused) if r.table == "workshop"
                                        and r.row == workshop_id)))
        return workshop

    def workshops(self) -> list[Workshop]:
        """Every workshop in the file that passes the domain's rules, newest change first; the
        others are left out and named in `refused` (a listing must not fail for one bad row)."""
        rows = self._rows("SELECT * FROM workshop ORDER BY updated_at DESC, id DESC")
        workshops = self._valid_workshops(rows, {row["id"]: row["previous_id"] for row in rows}, set())
        # A workshop is scored on its scale: one whose scale breaks the rules cannot be shown.
        levels: dict[int, list[dict[str, Any]]] = {}
        for row in self._rows("SELECT * FROM scale_level ORDER BY workshop_id, value"):
            levels.setdefault(row.pop("workshop_id"), []).append(row)
        return [w for w in workshops if self._checked_scale(w, levels.get(w.id, [])) is not None]

    def workshop_rows(self, today: date, first: int | None = None) -> list[WorkshopRow]:
        """The home list: what `workshops` returns, as rows, each with its next checkpoint due
        (not yet held, due `today` or later), newest change first; the same rows left out and
        named in `refused`. `first`: only the newest so many (a screen shows those while it
        reads the rest).

        Ten thousand workshops in a few statements, not a model per row: the SQL mirror of the
        domain's rules (row_rules) finds the rows that break one, and only those are judged by
        the models, which leave them out and name the rule exactly as `workshops` does."""
        row_rules.register_functions(self.db.conn)
        limit = -1 if first is None else first  # SQLite: a negative LIMIT is none
        rows = self.db.execute(_LISTED, {"today": today.isoformat(), "refused": "[]", "first": limit}).fetchall()
        # A page is checked alone; the whole list without naming every id.
        page = {"today": today.isoformat(), "ids": json.dumps([row[0] for row in rows]) if first is not None else "[]"}
        among = "IN (SELECT value FROM json_each(:ids))" if first is not None else "IS NOT NULL"  # every row
        refused_checkpoints = self._refused_checkpoints(page, among)
        if refused_checkpoints:  # the next review is then the next checkpoint that keeps the rules
            rows = self.db.execute(_LISTED, {"today": today.isoformat(), "first": limit,
                                             "refused": json.dumps(refused_checkpoints)}).fetchall()
        suspects = {row for row, _ in listing_suspects.rows_breaking(self.db.conn, "workshop", f"r.id {among}", page)}
        suspects |= {workshop for _, workshop in listing_suspects.rows_breaking(
            self.db.conn, "scale_level", f"r.workshop_id {among}", page)}
        suspects |= listing_suspects.workshops_with_broken_scales(self.db.conn, f"w.id {among}", page)
        suspects |= listing_suspects.workshops_in_loops(self.db.conn)
        refused = suspects - self._judged_workshops(suspects)
        return [WorkshopRow(id, title, organisation, cycle, step, parse_moment(updated_at),
                            date.fromisoformat(due) if due else None)
                for id, title, organisation, cycle, step, updated_at, due in rows if id not in refused]

    def _refused_checkpoints(self, page: dict[str, str], among: str) -> list[int]:
        """The ids of the checkpoints a next review could be that break the domain's rules, named."""
        due = "r.held_on IS NULL AND r.due_on >= :today"
        suspects = [row for row, _ in listing_suspects.rows_breaking(
            self.db.conn, "checkpoint", f"{due} AND r.workshop_id {among}", page)]
        refused = []
        for row in self._rows("SELECT workshop_id, id, due_on, held_on, went_well, went_wrong FROM checkpoint "
                              "WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(suspects)]):
            workshop_id = row.pop("workshop_id")
            if not self._valid(Checkpoint, "checkpoint", [row], workshop_id):
                refused.append(row["id"])
        return refused

    def _judged_workshops(self, ids: set[Any]) -> set[int]:
        """Of these workshops, those the domain's models accept, scale and all; the others named."""
        if not ids:
            return set()
        chosen = [json.dumps(sorted(ids, key=repr))]
        rows = self._rows("SELECT * FROM workshop WHERE id IN (SELECT value FROM json_each(?))", chosen)
        levels: dict[int, list[dict[str, Any]]] = {}
        for row in self._rows("SELECT * FROM scale_level WHERE workshop_id IN (SELECT value FROM json_each(?)) "
                              "ORDER BY workshop_id, value", chosen):
            levels.setdefault(row.pop("workshop_id"), []).append(row)
        links = self._links()
        return {w.id for w in self._valid_workshops(rows, links, links.sound)
                if self._checked_scale(w, levels.get(w.id, [])) is not None}

    def _checked_scale(self, workshop: Workshop, levels: list[dict[str, Any]]) -> MaturityScale | None:
        """The workshop's maturity scale from its scale_level rows, or None (refused, named)."""
        binary = next((name for level in levels if (name := blob_column(level))), None)
        try:
            if binary is not None:
                raise ValueError(f"{binary}: binary data, not text or a number")
            return MaturityScale(id=workshop.scale_id, name=workshop.scale_id,
                                 levels=[ScaleLevel.model_validate(level) for level in levels])
        except ValueError as error:  # pydantic's ValidationError is a ValueError
            reason = explain_row(error) if isinstance(error, ValidationError) else str(error)
            self._refuse("scale_level", None, reason, workshop.id)
            return None

    def _links(self) -> _Links:
        """Each workshop's link to its previous cycle, and the chains found to end, kept while the
        file is as it was: an import or an export reads a workshop several times over, and each
        read walked its whole chain again (the square of a chain's length).
        - Another connection's commit moves data_version: everything is read afresh.
        - This connection's own writes move total_changes: the links are read afresh, but the
          chains found to end still end. csi-tui never changes an existing workshop's link: a new
          cycle is a new row, and deleting a workshop sets its next cycle's link to NULL, which
          ends that chain sooner."""
        version, changes = self.db.execute("PRAGMA data_version").fetchone()[0], self.db.conn.total_changes
        links = self.__dict__.get("_links_as_of")
        if links is None or links.as_of != (version, changes):
            fresh = _Links(self.db, (version, changes))
            if links is not None and links.as_of[0] == version:
                fresh.sound = links.sound
            links = self.__dict__["_links_as_of"] = fresh
        return links

    def _valid_workshops(self, rows: list[dict[str, Any]], links: Mapping[Any, Any], sound: set[Any]
                         ) -> list[Workshop]:
        """The rows that pass the rules, links to previous cycles included (`sound`: see
        previous_problem)."""
        valid = []
        for workshop in self._valid(Workshop, "workshop", rows):
            problem = previous_problem(workshop.id, links, sound)
            if problem is not None:
                self._refuse("workshop", workshop.id, problem)
            else:
                valid.append(workshop)
        return valid

    def update_workshop(self, workshop_id: int, **changes: Any) -> Workshop:
        current = self.workshop(workshop_id)
        try:
            updated = Workshop.model_validate({**current.model_dump(), **changes})
        except ValidationError as error:
            raise InvalidInput(explain(error)) from None
        with self._change(workshop_id) as log:
            log.update_fields("workshop", workshop_id, current.model_dump(), updated.model_dump(), changes)
        return self.workshop(workshop_id)

    def set_current_step(self, workshop_id: int, step: int) -> Workshop:
        return self.update_workshop(workshop_id, current_step=step)

    def source_file(self, workshop_id: int) -> str | None:
        """The session file a merged (or imported) workshop came from; else this file's own path
        (None in memory)."""
        row = self.db.execute("SELECT source_file FROM workshop_source WHERE workshop_id = ?", [workshop_id]).fetchone()
        if row is not None:
            return str(row[0])
        origin = getattr(self, "origin", None)
        names = [name for _, schema, name in self.db.execute("PRAGMA database_list") if schema == "main" and name]
        return str(origin) if origin is not None else names[0] if names else None

    def delete_workshop(self, workshop_id: int) -> None:
        self.workshop(workshop_id)
        with self.db.atomic():
            self.db.execute("DELETE FROM workshop WHERE id = ?", [workshop_id])
            self.db.execute("DELETE FROM change_log WHERE workshop_id = ?", [workshop_id])
