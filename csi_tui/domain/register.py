"""The CSI register's workflow: pure rules, no storage, no UI (a file of measurements is read in
measurement_file.py).

Workflow: new → accepted → approved → in progress ⇄ on hold → monitoring → closed; any open state
may be cancelled. Closing or cancelling needs a closure code; closing may record the outcome.
"""

from __future__ import annotations

import calendar
from datetime import date

from csi_tui.domain.cycle import Achievement, DimensionReview, KpiReview, is_open
from csi_tui.domain.errors import InvalidInput
from csi_tui.domain.figures import figure
from csi_tui.domain.gap import GapRow
from csi_tui.domain.models import Closure, Outcome, RegisterItem, RegisterStatus

UNKNOWN = "?"  # a figure not known yet, in an item's text
S = RegisterStatus
TRANSITIONS: dict[RegisterStatus, set[RegisterStatus]] = {
    S.NEW: {S.ACCEPTED, S.CANCELLED},
    S.ACCEPTED: {S.APPROVED, S.IN_PROGRESS, S.CANCELLED},
    S.APPROVED: {S.IN_PROGRESS, S.CANCELLED},
    S.IN_PROGRESS: {S.ON_HOLD, S.MONITORING, S.CANCELLED},
    S.ON_HOLD: {S.IN_PROGRESS, S.CANCELLED},
    S.MONITORING: {S.IN_PROGRESS, S.CLOSED, S.CANCELLED},
    S.CLOSED: set(),
    S.CANCELLED: set(),
}


def refuse_if_carried(item: RegisterItem) -> None:
    """A carried item is history: it moves and changes in the cycle it was carried to."""
    if item.carried_to_cycle is not None:
        raise InvalidInput(f"item #{item.number} was carried to cycle {item.carried_to_cycle}: "
                           "change it in that cycle's register")


def status_label(item: RegisterItem) -> str:
    """The status as the register shows it; a carried item says where it went."""
    if item.carried_to_cycle is not None:
        return f"carried to cycle {item.carried_to_cycle}"
    return item.status.value


def transition(
    item: RegisterItem, to: RegisterStatus, closure: Closure | None = None, outcome: Outcome | None = None
) -> RegisterItem:
    """The item in its new state, or InvalidInput saying why the move is not allowed."""
    refuse_if_carried(item)
    allowed = TRANSITIONS[item.status]
    if to not in allowed:
        if not allowed:
            raise InvalidInput(f"item #{item.number} is {item.status.value}: it cannot change any more")
        options = ", ".join(sorted(s.value for s in allowed))
        raise InvalidInput(f"item #{item.number} cannot go from {item.status.value} to {to.value} (it can go to {options})")
    if to.finished and closure is None:
        raise InvalidInput(f"closing or cancelling item #{item.number} needs a closure code "
                           f"({', '.join(c.value for c in Closure)})")
    if outcome is not None and to is not S.CLOSED:
        raise InvalidInput("an achieved outcome is recorded only when the item is closed")
    return item.model_copy(update={"status": to, "closure": closure, "achieved_outcome": outcome})


def decimal_text(text: str) -> str:
    """A number as typed or exported by a spreadsheet in a decimal-comma locale ("72,5") made
    readable by float(); "1,234.5" and plain numbers pass through."""
    return text.replace(",", ".") if text.count(",") == 1 and "." not in text else text



def item_for_gap(row: GapRow, raised_on: date, raised_by: str = "") -> RegisterItem:
    """A draft register item that addresses one gap of the matrix, linked to its dimension, for
    the facilitator to read and save. The bigger the weighted gap, the higher the priority (1 is
    highest), so triage starts sensibly. A gap already closed is not described as one to close
    ("from 3 to 3"): the draft raises the bar instead."""
    weighted = row.weighted_gap or 0
    priority = 1 if weighted >= 8 else 2 if weighted >= 4 else 3 if weighted > 0 else 4
    now, target = figure(row.current, UNKNOWN), figure(row.target, UNKNOWN)
    if row.gap is not None and row.gap <= 0:
        description = f"Raise the bar in {row.name}: it is at {now}, its target {target} is met"
    else:
        description = f"Close the gap in {row.name}: from {now} to {target}"
    return RegisterItem(
        raised_on=raised_on, raised_by=raised_by, priority=priority, dimension_keys=[row.key],
        description=description,
        baseline_value=now if row.current is not None else "",
        target_value=target if row.target is not None else "",
    )


def gap_note(row: GapRow) -> str:
    """What a facilitator should know before raising an item for this gap: that items already
    address it (a second would count twice), or that there is no gap to close. Empty when
    neither: an uncovered gap to close."""
    notes = []
    if row.covered_by:
        notes.append(f"This gap is already covered by {', '.join(row.covered_by)}.")
    if row.gap is None:
        missing = "a current score" if row.current is None else "a target"
        notes.append(f"{row.name} has no gap yet: it needs {missing} first.")
    elif row.gap <= 0:
        notes.append(f"{row.name} has no gap to close: it is at {figure(row.current)}, "
                     f"its target is {figure(row.target)}.")
    return "\n".join(notes)


def corrective_item(review: DimensionReview | KpiReview, raised_on: date, raised_by: str = "") -> RegisterItem:
    """A corrective action for a target the last cycle missed (or only partly reached), linked to
    the dimension or the KPI. Refused for a target that was achieved or has no figure yet."""
    if review.status not in (Achievement.MISSED, Achievement.PARTLY):
        verdict = "has no figure yet" if review.status is None else "was achieved"
        raise InvalidInput(f"{review.name} {verdict}: a corrective action is for a missed target")
    if isinstance(review, DimensionReview):
        return RegisterItem(
            raised_on=raised_on, raised_by=raised_by, priority=2, dimension_keys=[review.key],
            description=f"Corrective action: {review.name} is at {figure(review.now, UNKNOWN)}, "
                        f"the target was {figure(review.previous_target, UNKNOWN)}",
            baseline_value=figure(review.now, UNKNOWN), target_value=figure(review.previous_target, UNKNOWN),
        )
    unit = f" {review.unit}" if review.unit else ""
    return RegisterItem(
        raised_on=raised_on, raised_by=raised_by, priority=2,
        kpi_ids=[review.kpi_id] if review.kpi_id is not None else [],
        description=f"Corrective action: KPI {review.name} is at {figure(review.latest, UNKNOWN)}{unit}, "
                    f"the target is {figure(review.target, UNKNOWN)}{unit}",
        baseline_value=figure(review.latest, UNKNOWN), target_value=figure(review.target, UNKNOWN),
    )


def is_overdue(item: RegisterItem, today: date) -> bool:
    """Past its due date and still open here (a carried item is overdue, if at all, in its new cycle)."""
    return item.due_on is not None and item.due_on < today and is_open(item)


def quarterly(start: date, count: int = 4) -> list[date]:
    """Review dates every three months from `start` (the last day of a short month when needed)."""
    dates = []
    for quarter in range(1, count + 1):
        month_index = start.month - 1 + 3 * quarter
        year, month = start.year + month_index // 12, month_index % 12 + 1
        dates.append(date(year, month, min(start.day, calendar.monthrange(year, month)[1])))
    return dates
