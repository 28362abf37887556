"""The demo workshop: a service desk's CSI programme over two cycles, built by code.

Deterministic: a fixed seed and a fixed clock, so the same builder serves `csi-tui demo`, the
snapshot tests and the benchmarks, and two builds are the same workshop (the same document and
the same merge fingerprint). Nothing here is a committed binary. Imports no Textual.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from csi_tui.domain.models import (
    Closure,
    Direction,
    Kpi,
    Measurement,
    Outcome,
    Participant,
    Perspective,
    RegisterItem,
    RegisterStatus,
    Score,
    ScoreKind,
    WorkshopDraft,
)
from csi_tui.store.workshop_store import WorkshopStore, open_store
from csi_tui.templates import load_scale, load_template

SEED = 20251103
FIRST_DAY = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)
SECOND_CYCLE_DAY = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)

PEOPLE = [
    ("Hannah Okafor", "Head of customer operations", Perspective.BUSINESS),
    ("Marcus Lindqvist", "Finance business partner", Perspective.BUSINESS),
    ("Aisha Rahman", "Retail branch manager", Perspective.BUSINESS),
    ("Tom Brennan", "Service desk manager", Perspective.IT),
    ("Yuki Tanaka", "Incident and problem manager", Perspective.IT),
    ("Carlos Mendes", "Knowledge manager", Perspective.IT),
]

# The practices the service desk's programme cares most about, weighted up; the rest stay at 3
# or below.
WEIGHTS = {"service-desk": 5, "incident-management": 5, "knowledge-management": 5, "problem-management": 4,
           "service-level-management": 4, "service-request-management": 4, "continual-improvement": 4,
           "measurement-and-reporting": 4, "relationship-management": 3, "change-enablement": 3,
           "architecture-management": 1, "portfolio-management": 1, "project-management": 1,
           "software-development-and-management": 1, "service-financial-management": 2}
FOCUS = ("service-desk", "incident-management", "knowledge-management", "problem-management",
         "service-level-management", "service-request-management")

ANSWERS_CYCLE_1 = {
    1: {"vision": "Customers get their problem solved at the first contact, in the channel they chose.",
        "problem": "Calls bounce between first and second line; customers repeat themselves and wait.",
        "objectives": "Raise customer satisfaction with IT support; cut the cost per contact.",
        "focus": "Service quality and customer satisfaction",
        "scope": "IT service desk, first and second line, all 42 branches"},
    2: {"strengths": "Friendly, committed agents; a single ticketing tool.",
        "weaknesses": "Knowledge articles outdated; no problem management; SLAs not reported.",
        "risks": "Two senior agents retire next year; ticket tool contract ends in 18 months.",
        "baseline_notes": "First-contact resolution 58 %, P3 resolution 16 h, CSAT 3.6 of 5."},
    3: {"short_term_targets": "First-contact resolution 70 % by May 2026; CSAT 4.0.",
        "long_term_targets": "First-contact resolution 80 % and CSAT 4.4 by November 2026.",
        "priorities": "Knowledge first, then incident routing, then SLA reporting."},
    4: {"approach": "Knowledge-centred service; a swarming pilot for P3 incidents.",
        "frameworks": "ITIL 4 practices, KCS v6, Lean for the ticket flow.",
        "gap_notes": "Knowledge management has the largest weighted gap and no owner yet."},
    5: {"checkpoints": "Quarterly reviews with the steering group.",
        "outcomes": "KCS live on the desk; swarming pilot ran in two teams.",
        "went_well": "Article reuse doubled within three months.",
        "went_wrong": "SLA reporting slipped: the data warehouse feed was late."},
    6: {"successes": "FCR up 9 points; branch managers noticed.",
        "lessons": "Start measurement before the change, not after.",
        "changed_objectives": "The board now also wants self-service for password resets.",
        "next_focus": "Problem management and self-service."},
}
ANSWERS_CYCLE_2 = {
    2: {"strengths": "KCS habits have stuck; swarming is the default for P3.",
        "weaknesses": "Problem records still opened by hand; self-service portal unused.",
        "risks": "Tool migration in Q3 may disturb the figures.",
        "baseline_notes": "First-contact resolution 67 %, P3 resolution 12 h, CSAT 3.9 of 5."},
    3: {"short_term_targets": "FCR 75 % and CSAT 4.1 by November 2026.",
        "long_term_targets": "FCR 80 %, self-service 25 % of requests by May 2027.",
        "priorities": "Problem management, then self-service, then reporting."},
    4: {"approach": "Weekly problem review; password self-service with the identity team.",
        "frameworks": "ITIL 4 practices, KCS v6.",
        "gap_notes": "Problem management and service request management lead the gap list."},
    5: {"checkpoints": "Quarterly; August review held.", "outcomes": "Problem review runs weekly."},
}

KPIS = [
    # name, unit, direction, baseline, short target, long target, dimension, first value, monthly step
    ("First-contact resolution", "%", Direction.HIGHER, 58.0, 70.0, 80.0, "service-desk", 58.0, 1.6),
    ("P3 incident resolution time", "hours", Direction.LOWER, 16.0, 10.0, 8.0, "incident-management", 16.0, -0.6),
    ("Customer satisfaction (CSAT)", "of 5", Direction.HIGHER, 3.6, 4.0, 4.4, "service-desk", 3.6, 0.05),
    ("Knowledge article reuse", "%", Direction.HIGHER, 12.0, 30.0, 45.0, "knowledge-management", 12.0, 2.5),
    ("Tickets older than 30 days", "tickets", Direction.LOWER, 140.0, 80.0, 40.0, "problem-management", 140.0, -4.0),
]

# The second cycle's short-term target and monthly trend per KPI: two reached, two partly, one
# missed (the tool migration pushed the old-ticket backlog back up), so step 5 has all three.
SECOND_CYCLE_KPIS = {
    "First-contact resolution": (75.0, 1.6),
    "P3 incident resolution time": (10.0, -0.6),
    "Customer satisfaction (CSAT)": (4.4, 0.05),
    "Knowledge article reuse": (45.0, 2.5),
    "Tickets older than 30 days": (80.0, 1.5),
}

ITEMS_CYCLE_1 = [
    # description, owner, priority, size, dimensions, kpi names, status path, closure, outcome
    ("Adopt knowledge-centred service (KCS) on the desk", "Carlos Mendes", 1, "L",
     ["knowledge-management"], ["Knowledge article reuse"],
     [RegisterStatus.ACCEPTED, RegisterStatus.IN_PROGRESS, RegisterStatus.MONITORING, RegisterStatus.CLOSED],
     Closure.SUCCESSFUL, Outcome.QUALITY_IMPROVEMENT),
    ("Swarming pilot for P3 incidents", "Yuki Tanaka", 2, "M", ["incident-management"],
     ["P3 incident resolution time"],
     [RegisterStatus.ACCEPTED, RegisterStatus.APPROVED, RegisterStatus.IN_PROGRESS, RegisterStatus.MONITORING],
     None, None),
    ("Monthly SLA report to branch managers", "Tom Brennan", 2, "M", ["service-level-management"], [],
     [RegisterStatus.ACCEPTED, RegisterStatus.IN_PROGRESS, RegisterStatus.ON_HOLD], None, None),
    ("Call-back promise for waiting customers", "Tom Brennan", 3, "S", ["service-desk"],
     ["Customer satisfaction (CSAT)"], [RegisterStatus.ACCEPTED, RegisterStatus.IN_PROGRESS], None, None),
    ("Replace the ticket tool", "Marcus Lindqvist", 4, "XL", ["service-desk"], [],
     [RegisterStatus.CANCELLED], Closure.WITHDRAWN, None),
    ("Start problem management for repeat incidents", "Yuki Tanaka", 1, "L", ["problem-management"],
     ["Tickets older than 30 days"], [RegisterStatus.ACCEPTED], None, None),
]
ITEMS_CYCLE_2 = [
    ("Password reset self-service", "Hannah Okafor", 1, "M", ["service-request-management"], [],
     [RegisterStatus.ACCEPTED, RegisterStatus.APPROVED], None, None),
    ("Weekly problem review board", "Yuki Tanaka", 2, "S", ["problem-management"],
     ["Tickets older than 30 days"], [], None, None),
    ("Publish CSAT on the intranet each month", "Aisha Rahman", 3, "S", ["measurement-and-reporting"],
     ["Customer satisfaction (CSAT)"], [RegisterStatus.ACCEPTED, RegisterStatus.IN_PROGRESS], None, None),
]


# What `csi-tui demo` says above the list of workshops: what this is, and three things to try.
WELCOME = (
    "Demo: a throwaway copy of a sample programme (a service desk over two cycles). "
    "Change anything: it is deleted when you quit.\n"
    "Try: 1. enter on cycle 2: it resumes at step 5, where targets meet results.\n"
    "     2. ctrl+g then 2: the room's maturity scores; f2: the live gap matrix.\n"
    "     3. f3: the improvement register.     ? or f12: the keys of any screen."
)


class DemoClock:
    """A clock the builder moves by hand, so every time in the demo file is fixed."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def _months(first: date, count: int) -> Iterator[date]:
    year, month = first.year, first.month
    for _ in range(count):
        yield date(year, month, 28)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _score_room(store: WorkshopStore, workshop_id: int, rng: random.Random, bases: dict[str, int],
                people: list[int], lift: int) -> None:
    """Every participant scores every practice, current and target; the focus practices get a
    room consensus with evidence. `lift` raises the focus practices in the second cycle; the
    others keep their level (`bases`), give or take one person's view."""
    for key, base in bases.items():
        focus = key in FOCUS
        current_room = min(base + lift if focus else base, 5)
        for index, participant in enumerate(people):
            business = PEOPLE[index][2] is Perspective.BUSINESS
            # the business sees the desk as less mature than IT does: a perception gap to talk about
            current = max(1, min(5, current_room + rng.choice([-1, 0, 0, 1]) - (1 if business and focus else 0)))
            target = max(current, min(5, current_room + rng.choice([1, 1, 2]) if focus else base + rng.choice([0, 1])))
            store.save_score(workshop_id, Score(dimension_key=key, kind=ScoreKind.CURRENT, value=current,
                                                participant_id=participant,
                                                evidence="ticket data, Q3 report" if rng.random() < 0.7 else ""))
            store.save_score(workshop_id, Score(dimension_key=key, kind=ScoreKind.TARGET, value=target,
                                                participant_id=participant))
        if focus:
            store.save_score(workshop_id, Score(dimension_key=key, kind=ScoreKind.CURRENT, value=current_room,
                                                evidence="agreed in the room from the ticket data"))
            store.save_score(workshop_id, Score(dimension_key=key, kind=ScoreKind.TARGET,
                                                value=min(current_room + 2, 5)))


def _add_items(store: WorkshopStore, workshop_id: int, items: list[tuple], raised: date) -> None:
    kpis = {kpi.name: kpi.id for kpi in store.kpis(workshop_id)}
    for number, (description, owner, priority, size, dimensions, kpi_names, path, closure, outcome) in enumerate(
            items, start=1):
        added = store.add_register_item(workshop_id, RegisterItem(
            raised_on=raised, raised_by="Priya Raman", description=description, owner=owner, priority=priority,
            size=size, due_on=raised + timedelta(days=60 + 30 * number), dimension_keys=dimensions,
            kpi_ids=[kpis[name] for name in kpi_names if kpis.get(name)],
            justification="Closes a weighted gap agreed in step 4.", timescale="this cycle"))
        for status in path:
            finishing = status.finished
            store.change_register_status(workshop_id, added.number or 0, status,
                                         closure=closure if finishing else None,
                                         outcome=outcome if status is RegisterStatus.CLOSED else None)


def _measure(store: WorkshopStore, workshop_id: int, months: list[date], second_cycle: bool) -> None:
    for kpi in store.kpis(workshop_id):
        spec = next(spec for spec in KPIS if spec[0] == kpi.name)
        first, step = spec[7], spec[8]
        if second_cycle:
            first, step = kpi.baseline or first, SECOND_CYCLE_KPIS[kpi.name][1]
        for offset, day in enumerate(months, start=1 if second_cycle else 0):
            value = round(first + step * offset, 2)
            store.add_measurement(workshop_id, Measurement(
                kpi_id=kpi.id or 0, measured_at=datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC),
                value=value, note="monthly report"))


def build_demo(store: WorkshopStore) -> int:
    """Add the demo programme to an open store (whose clock should be a DemoClock); returns the
    second cycle's workshop id, the one a facilitator would open."""
    rng = random.Random(SEED)
    template, scale = load_template("itil4-practices"), load_scale("itil4-capability")
    draft = WorkshopDraft(title="Service desk CSI programme", organisation="Northwind Utilities",
                          scope="IT service desk, first and second line", facilitator="Priya Raman",
                          template_id=template.id, scale_id=scale.id)
    with store.db.atomic():
        first = store.create_workshop(draft, template, scale).id
        for key, weight in WEIGHTS.items():
            store.set_weight(first, key, weight)
        people = [store.add_participant(first, Participant(name=n, role=r, perspective=p)).id or 0
                  for n, r, p in PEOPLE]
        for step, fields in ANSWERS_CYCLE_1.items():
            for field, value in fields.items():
                store.save_answer(first, step, field, value)
        bases = {d.key: 2 if d.key in FOCUS else rng.choice([1, 2, 2, 3, 3]) for d in store.dimensions(first)}
        _score_room(store, first, rng, bases, people, lift=0)
        for name, unit, direction, baseline, short, long, dimension, _, _ in KPIS:
            store.add_kpi(first, Kpi(name=name, unit=unit, direction=direction, baseline=baseline,
                                     short_target=short, short_target_on=date(2026, 4, 30), long_target=long,
                                     long_target_on=date(2026, 10, 31), source="ticket tool monthly report",
                                     dimension_key=dimension))
        _measure(store, first, list(_months(date(2025, 11, 1), 6)), second_cycle=False)
        _add_items(store, first, ITEMS_CYCLE_1, FIRST_DAY.date())
        for checkpoint in store.schedule_quarterly(first, date(2026, 2, 2), count=2):
            store.update_checkpoint(first, checkpoint.model_copy(update={
                "held_on": checkpoint.due_on, "went_well": "KCS adoption on plan",
                "went_wrong": "SLA data feed late"}))
        store.set_current_step(first, 6)

    if isinstance(store.clock, DemoClock):
        store.clock.now = SECOND_CYCLE_DAY
    with store.db.atomic():
        second = store.start_next_cycle(first).id
        for step, fields in ANSWERS_CYCLE_2.items():
            for field, value in fields.items():
                store.save_answer(second, step, field, value)
        _score_room(store, second, rng, bases, rejoin(store, second), lift=1)
        for kpi in store.kpis(second):  # this cycle aims at last cycle's long-term targets
            store.update_kpi(second, kpi.model_copy(update={
                "short_target": SECOND_CYCLE_KPIS[kpi.name][0], "short_target_on": kpi.long_target_on,
                "long_target_on": date(2027, 5, 31)}))
        _measure(store, second, list(_months(date(2026, 5, 1), 6)), second_cycle=True)
        _add_items(store, second, ITEMS_CYCLE_2, SECOND_CYCLE_DAY.date())
        carried = {item.description: item for item in store.register_items(second)}
        swarming = carried["Swarming pilot for P3 incidents"]
        store.change_register_status(second, swarming.number or 0, RegisterStatus.CLOSED,
                                     closure=Closure.SUCCESSFUL, outcome=Outcome.TIME_SAVINGS)
        checkpoints = store.schedule_quarterly(second, date(2026, 8, 3), count=4)
        store.update_checkpoint(second, checkpoints[0].model_copy(update={
            "held_on": date(2026, 8, 4), "went_well": "Problem board meets weekly",
            "went_wrong": "Self-service still waits for the identity team"}))
        store.set_current_step(second, 5)
    return second


def rejoin(store: WorkshopStore, workshop_id: int) -> list[int]:
    """The same six people join the second cycle (a new cycle starts with no participants)."""
    return [store.add_participant(workshop_id, Participant(name=n, role=r, perspective=p)).id or 0
            for n, r, p in PEOPLE]


def write_demo(path: Path) -> int:
    """A fresh demo file at ``path``; returns the workshop id to open."""
    with open_store(path, clock=DemoClock(FIRST_DAY)) as store:
        return build_demo(store)
