"""One workshop as one self-contained document: what `export --format json` writes and `import`
reads. Ids inside a document are the document's own (participants and KPIs numbered from 1), so a
document says the same thing whichever file it came from, and importing it never collides with
what a file already holds."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from typing import Literal, Self

from pydantic import ValidationError, model_validator

from csi_tui.domain.clock import stamp
from csi_tui.domain.errors import CsiError, InvalidInput, explain
from csi_tui.domain.models import (
    AssessmentTemplate,
    Checkpoint,
    CycleNumber,
    Kpi,
    MaturityScale,
    Measurement,
    Model,
    Moment,
    NonBlank,
    Participant,
    RegisterItem,
    Score,
    StepAnswer,
    StepNumber,
    TemplateDimension,
    WorkshopDraft,
    check_score,
    is_moment,
    parse_moment,
)
from csi_tui.store.cycles import copy_workshop
from csi_tui.store.workshop_store import WorkshopStore

FORMAT = "csi-tui workshop"


class WorkshopFacts(WorkshopDraft):
    cycle: CycleNumber = 1
    current_step: StepNumber = 1
    created_at: Moment
    updated_at: Moment
    site_label: str = ""  # the site or team label (since csi-tui's schema version 5)


class PreviousCycle(Model):
    """The workshop this one is the next cycle of, named by what never changes about it: an import
    links to the workshop of the target file that has the same creation time, cycle and title
    (a document holds one workshop, so its previous cycle is named, not carried)."""

    title: NonBlank
    cycle: CycleNumber
    created_at: Moment


class KpiRecord(Kpi):
    measurements: list[Measurement] = []


class WorkshopDocument(Model):
    format: Literal["csi-tui workshop"] = FORMAT
    # 2 (csi-tui's schema version 5): the workshop's site_label and the previous cycle it follows.
    # Version 1 documents import as before; an older csi-tui refuses a version 2 by its number.
    version: Literal[1, 2] = 2
    workshop: WorkshopFacts
    previous: PreviousCycle | None = None
    scale: MaturityScale
    dimensions: list[TemplateDimension]
    participants: list[Participant] = []
    answers: list[StepAnswer] = []
    scores: list[Score] = []
    kpis: list[KpiRecord] = []
    register_items: list[RegisterItem] = []
    checkpoints: list[Checkpoint] = []

    @model_validator(mode="after")
    def _says_one_consistent_thing(self) -> Self:
        """Each reference inside the document names something the document holds, and nothing
        is said twice. Without this the import guessed: a score for a participant not in the
        document became the room's consensus, a register item's unknown KPI was dropped, and of
        two scores for one voice the last silently won."""
        keys = [d.key for d in self.dimensions]
        _once(keys, "dimensions", "key")
        people = [p.id for p in self.participants if p.id is not None]
        _once(people, "participants", "id")
        kpi_ids = [k.id for k in self.kpis if k.id is not None]
        _once(kpi_ids, "kpis", "id")
        if not keys:
            raise ValueError("dimensions: a workshop needs at least one dimension")
        known = set(keys)
        for n, score in enumerate(self.scores):
            try:
                check_score(score, self.scale, known)
            except CsiError as error:
                raise ValueError(f"scores.{n}: {error}") from None
            if score.participant_id is not None and score.participant_id not in people:
                raise ValueError(f"scores.{n}: participant {score.participant_id} is not one of the document's "
                                 "participants")
        # A participant speaks from their own perspective (the store sets it), so a voice is the
        # participant, or for a consensus the perspective.
        _once([(s.dimension_key, s.kind.value, s.participant_id, s.perspective if s.participant_id is None else None)
               for s in self.scores], "scores", "voice (dimension, kind, participant, perspective)")
        _once([(a.step, a.field) for a in self.answers], "answers", "step and field")
        for n, kpi in enumerate(self.kpis):
            if kpi.dimension_key is not None and kpi.dimension_key not in known:
                raise ValueError(f"kpis.{n}: unknown dimension {kpi.dimension_key!r}")
        for n, item in enumerate(self.register_items):
            unknown = [key for key in item.dimension_keys if key not in known]
            if unknown:
                raise ValueError(f"register_items.{n}: unknown dimension {unknown[0]!r}")
            strangers = [kpi_id for kpi_id in item.kpi_ids if kpi_id not in kpi_ids]
            if strangers:
                raise ValueError(f"register_items.{n}: KPI {strangers[0]} is not one of the document's KPIs")
        return self


def _once(values: Iterable[object], where: str, what: str) -> None:
    twice = [value for value, count in Counter(values).items() if count > 1]
    if twice:
        raise ValueError(f"{where}: the {what} {twice[0]!r} appears more than once")


def workshop_document(store: WorkshopStore, workshop_id: int, purpose: str = "exported") -> WorkshopDocument:
    """The workshop as a document, read in one transaction. Rows of the file that break the
    domain's rules are left out (store.refused names them), so the document is one the import
    accepts: what csi-tui exports, csi-tui reads back. `purpose` words a refusal."""
    try:
        return _workshop_document(store, workshop_id)
    except ValidationError as error:  # a read that let something through: one line, not a traceback
        raise InvalidInput(f"workshop {workshop_id} cannot be {purpose}: {explain(error)}") from None


def _workshop_document(store: WorkshopStore, workshop_id: int) -> WorkshopDocument:
    with store.db.reading():
        workshop = store.workshop(workshop_id)
        people = {p.id: n for n, p in enumerate(store.participants(workshop_id), start=1)}
        kpi_ids = {k.id: n for n, k in enumerate(store.kpis(workshop_id), start=1)}
        previous = store.workshop(workshop.previous_id) if workshop.previous_id is not None else None
        return WorkshopDocument(
            workshop=WorkshopFacts.model_validate(workshop.model_dump(exclude={"id", "previous_id"})),
            previous=PreviousCycle(title=previous.title, cycle=previous.cycle, created_at=previous.created_at)
            if previous is not None else None,
            scale=store.scale(workshop_id),
            dimensions=[TemplateDimension(key=d.key, name=d.name, group=d.group, weight=d.weight)
                        for d in store.dimensions(workshop_id)],
            participants=[p.model_copy(update={"id": people[p.id]}) for p in store.participants(workshop_id)],
            answers=[StepAnswer(step=step, field=field, value=value)
                     for step, fields in sorted(store.answers(workshop_id).items())
                     for field, value in fields.items()],
            scores=[s.model_copy(update={"participant_id": people.get(s.participant_id)})
                    for s in store.scores(workshop_id)],
            kpis=[KpiRecord(**k.model_dump(exclude={"id"}), id=kpi_ids[k.id],
                            measurements=[m.model_copy(update={"id": None, "kpi_id": kpi_ids[k.id]})
                                          for m in store.measurements(k.id or 0, workshop_id)])
                  for k in store.kpis(workshop_id)],
            register_items=[i.model_copy(update={"id": None, "kpi_ids": [kpi_ids[k] for k in i.kpi_ids]})
                            for i in store.register_items(workshop_id)],
            checkpoints=[c.model_copy(update={"id": None}) for c in store.checkpoints(workshop_id)],
        )


def import_document(store: WorkshopStore, document: WorkshopDocument, previous_id: int | None = None) -> int:
    """Add the document's workshop to the store under new ids, all or nothing; returns its id.
    Linked to `previous_id` when given, else to the previous cycle the document names when the
    store holds exactly one such workshop (`previous_cycle`).
    What the store refuses on the way (or SQLite, or text that is not valid Unicode) refuses the
    whole document in one line."""
    try:
        return _import_document(store, document, previous_id)
    except ValidationError as error:
        raise InvalidInput(f"not imported: {explain(error)}") from None
    except (sqlite3.IntegrityError, sqlite3.DataError, UnicodeError, OverflowError) as error:
        raise InvalidInput(f"not imported: {error}") from None


def _import_document(store: WorkshopStore, document: WorkshopDocument, previous_id: int | None = None) -> int:
    facts = document.workshop
    if previous_id is None and document.previous is not None:
        previous_id = previous_cycle(store, document.previous)
    template = AssessmentTemplate(id=facts.template_id, name=facts.template_id, default_scale=document.scale.id,
                                  dimensions=document.dimensions)
    with store.db.atomic():
        draft = WorkshopDraft.model_validate(facts.model_dump(include=set(WorkshopDraft.model_fields)))
        # Each KPI as a plain Kpi: the store writes every field of the KPI it is given to a column.
        workshop_id = copy_workshop(
            store, draft, template, document.scale, cycle=facts.cycle, previous_id=previous_id,
            participants=document.participants, answers=document.answers, scores=document.scores,
            kpis=[(Kpi.model_validate(record.model_dump(exclude={"measurements"})), record.measurements)
                  for record in document.kpis],
            register_items=sorted(document.register_items, key=lambda i: i.number or 0),
            checkpoints=document.checkpoints,
        )
        # The workshop's own times and place, as the document recorded them (not the import's).
        store.db.execute("UPDATE workshop SET current_step = ?, site_label = ?, created_at = ?, updated_at = ? "
                         "WHERE id = ?", [facts.current_step, facts.site_label, stamp(facts.created_at),
                                          stamp(facts.updated_at), workshop_id])
    return workshop_id


def previous_cycle(store: WorkshopStore, named: PreviousCycle) -> int | None:
    """The one workshop of the store that `named` describes (same cycle, title and creation time,
    whatever form the time was stored in); None when there is none, or more than one."""
    rows = store.db.execute("SELECT id, created_at FROM workshop WHERE cycle = ? AND title = ?",
                            [named.cycle, named.title]).fetchall()
    found = [workshop_id for workshop_id, created_at in rows if is_moment(created_at)
             and stamp(parse_moment(created_at)) == stamp(named.created_at)]
    return found[0] if len(found) == 1 else None
