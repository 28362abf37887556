"""The next cycle of a workshop, and copy_workshop: the one way a workshop's records are added
to a new workshop under new ids. The next cycle uses it, and so does importing a document
(transfer/document.py)."""

from __future__ import annotations

from collections.abc import Iterable

from csi_tui.domain.cycle import CARRIED_ANSWERS, carried_kpi, open_items
from csi_tui.domain.models import (
    AssessmentTemplate,
    Checkpoint,
    Kpi,
    MaturityScale,
    Measurement,
    Participant,
    RegisterItem,
    Score,
    StepAnswer,
    TemplateDimension,
    Workshop,
    WorkshopDraft,
)
from csi_tui.store.answers import AnswerRecords
from csi_tui.store.checkpoints import CheckpointRecords
from csi_tui.store.kpis import KpiRecords
from csi_tui.store.participants import ParticipantRecords
from csi_tui.store.register_items import RegisterItemRecords
from csi_tui.store.scores import ScoreRecords


class CycleRecords(AnswerRecords, ParticipantRecords, ScoreRecords, KpiRecords, RegisterItemRecords,
                   CheckpointRecords):
    def start_next_cycle(self, workshop_id: int, keep_participants: bool = False) -> Workshop:
        """A new workshop, cycle n+1, linked to this one: the vision, dimensions and weights,
        open register items and KPIs (last measurement as the new baseline) carry over.

        Open items move: the new cycle gets a copy to work on, and this cycle's copy stays as
        history, marked carried, so no count or view holds the item twice. With
        `keep_participants` the people come along (name, role, perspective), not their scores:
        the room scores afresh."""
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
            answers = self.answers(workshop_id)
            carried_answers = [
                StepAnswer(step=step, field=field, value=answers[step][field])
                for step, fields in CARRIED_ANSWERS.items() for field in fields
                if answers.get(step, {}).get(field)
            ]
            # carried_kpi drops the id; copy_workshop needs the old one to remap the items' links.
            kpis = [(carried_kpi(kpi, self.measurements(kpi.id or 0, workshop_id)).model_copy(update={"id": kpi.id}),
                     ()) for kpi in self.kpis(workshop_id)]
            carried_items = open_items(self.register_items(workshop_id))
            next_id = copy_workshop(
                self, draft, template, scale, cycle=previous.cycle + 1, previous_id=workshop_id,
                participants=self.participants(workshop_id) if keep_participants else (),
                answers=carried_answers, kpis=kpis, register_items=carried_items,
            )
            self.mark_carried(workshop_id, carried_items, previous.cycle + 1)
        return self.workshop(next_id)


def copy_workshop(
    store: CycleRecords,
    draft: WorkshopDraft,
    template: AssessmentTemplate,
    scale: MaturityScale,
    *,
    cycle: int = 1,
    previous_id: int | None = None,
    participants: Iterable[Participant] = (),
    answers: Iterable[StepAnswer] = (),
    scores: Iterable[Score] = (),
    kpis: Iterable[tuple[Kpi, Iterable[Measurement]]] = (),
    register_items: Iterable[RegisterItem] = (),
    checkpoints: Iterable[Checkpoint] = (),
) -> int:
    """Create a workshop and add these records to it, all or nothing; returns the new workshop's id.

    The records' ids are the source's: each record gets a new id, a score's participant and a
    register item's KPIs are remapped to the new ones, and a link to a record not copied is
    dropped (such a score counts as the room's). Each KPI comes with the measurements to copy."""
    with store.db.atomic():
        workshop_id = store.create_workshop(draft, template, scale, cycle=cycle, previous_id=previous_id).id
        people = {p.id: store.add_participant(workshop_id, p.model_copy(update={"id": None})).id
                  for p in participants}
        for answer in answers:
            store.save_answer(workshop_id, answer.step, answer.field, answer.value)
        for score in scores:
            # Checked first: a participant without an id must not capture the room's scores.
            participant = people.get(score.participant_id) if score.participant_id is not None else None
            store.save_score(workshop_id, score.model_copy(update={"participant_id": participant}))
        kpi_ids: dict[int | None, int | None] = {}
        for kpi, measurements in kpis:
            new_id = store.add_kpi(workshop_id, kpi.model_copy(update={"id": None})).id
            kpi_ids[kpi.id] = new_id
            for measurement in measurements:
                store.add_measurement(workshop_id, measurement.model_copy(update={"id": None, "kpi_id": new_id}))
        for item in register_items:
            links = [new for old in item.kpi_ids if (new := kpi_ids.get(old))]
            store.add_register_item(workshop_id, item.model_copy(update={"id": None, "number": None, "kpi_ids": links}))
        for checkpoint in checkpoints:
            store.add_checkpoint(workshop_id, checkpoint.model_copy(update={"id": None}))
    return workshop_id
