"""One workshop as one self-contained document: what `export --format json` writes and `import`
reads. Ids inside a document are the document's own (participants and KPIs numbered from 1), so a
document says the same thing whichever file it came from, and importing it never collides with
what a file already holds."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from csi_tui.domain.models import (
    AssessmentTemplate,
    Checkpoint,
    Kpi,
    MaturityScale,
    Measurement,
    Model,
    Participant,
    RegisterItem,
    Score,
    StepAnswer,
    TemplateDimension,
    WorkshopDraft,
)
from csi_tui.store.cycles import copy_workshop
from csi_tui.store.workshop_store import WorkshopStore

FORMAT = "csi-tui workshop"


class WorkshopFacts(WorkshopDraft):
    cycle: int = 1
    current_step: int = 1
    created_at: datetime
    updated_at: datetime


class KpiRecord(Kpi):
    measurements: list[Measurement] = []


class WorkshopDocument(Model):
    format: Literal["csi-tui workshop"] = FORMAT
    version: Literal[1] = 1
    workshop: WorkshopFacts
    scale: MaturityScale
    dimensions: list[TemplateDimension]
    participants: list[Participant] = []
    answers: list[StepAnswer] = []
    scores: list[Score] = []
    kpis: list[KpiRecord] = []
    register_items: list[RegisterItem] = []
    checkpoints: list[Checkpoint] = []


def workshop_document(store: WorkshopStore, workshop_id: int) -> WorkshopDocument:
    """The workshop as a document, read in one transaction."""
    with store.db.reading():
        workshop = store.workshop(workshop_id)
        people = {p.id: n for n, p in enumerate(store.participants(workshop_id), start=1)}
        kpi_ids = {k.id: n for n, k in enumerate(store.kpis(workshop_id), start=1)}
        return WorkshopDocument(
            workshop=WorkshopFacts.model_validate(workshop.model_dump(exclude={"id", "previous_id"})),
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
                                          for m in store.measurements(k.id or 0)])
                  for k in store.kpis(workshop_id)],
            register_items=[i.model_copy(update={"id": None, "kpi_ids": [kpi_ids[k] for k in i.kpi_ids]})
                            for i in store.register_items(workshop_id)],
            checkpoints=[c.model_copy(update={"id": None}) for c in store.checkpoints(workshop_id)],
        )


def import_document(store: WorkshopStore, document: WorkshopDocument, previous_id: int | None = None) -> int:
    """Add the document's workshop to the store under new ids, all or nothing; returns its id."""
    facts = document.workshop
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
        store.db.execute("UPDATE workshop SET current_step = ?, created_at = ?, updated_at = ? WHERE id = ?",
                         [facts.current_step, facts.created_at.isoformat(), facts.updated_at.isoformat(),
                          workshop_id])
    return workshop_id
