"""The register workflow refuses what a CSI register would not allow, with a reason; the CSV
import keeps good rows and names bad ones by line."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csi_tui.domain.errors import InvalidInput
from csi_tui.domain.models import Closure, Outcome, RegisterItem, RegisterStatus
from csi_tui.domain.measurement_file import parse_measurements
from csi_tui.domain.register import TRANSITIONS, is_overdue, transition

S = RegisterStatus


def item(status: RegisterStatus = S.NEW, due: date | None = None) -> RegisterItem:
    closure = Closure.WITHDRAWN if status in (S.CLOSED, S.CANCELLED) else None
    return RegisterItem(number=7, raised_on=date(2026, 1, 1), description="KB for top calls", status=status,
                        due_on=due, closure=closure)


def test_an_item_walks_the_whole_workflow_to_closed() -> None:
    current = item()
    for step in (S.ACCEPTED, S.APPROVED, S.IN_PROGRESS, S.ON_HOLD, S.IN_PROGRESS, S.MONITORING):
        current = transition(current, step)
    closed = transition(current, S.CLOSED, Closure.SUCCESSFUL, Outcome.TIME_SAVINGS)
    assert (closed.status, closed.closure, closed.achieved_outcome) == (S.CLOSED, Closure.SUCCESSFUL, Outcome.TIME_SAVINGS)


def test_an_invalid_move_is_refused_with_the_moves_that_are_allowed() -> None:
    with pytest.raises(InvalidInput, match=r"cannot go from new to monitoring \(it can go to accepted, cancelled\)"):
        transition(item(), S.MONITORING)
    with pytest.raises(InvalidInput, match="is closed: it cannot change any more"):
        transition(item(S.CLOSED), S.IN_PROGRESS)
    with pytest.raises(InvalidInput, match="needs a closure code"):
        transition(item(S.MONITORING), S.CLOSED)
    with pytest.raises(InvalidInput, match="only when the item is closed"):
        transition(item(S.IN_PROGRESS), S.CANCELLED, Closure.WITHDRAWN, Outcome.REVENUE)


@given(st.sampled_from(list(S)), st.sampled_from(list(S)))
def test_every_move_is_either_allowed_or_refused_never_half_done(start: RegisterStatus, to: RegisterStatus) -> None:
    before = item(start)
    try:
        after = transition(before, to, Closure.SUCCESSFUL if to in (S.CLOSED, S.CANCELLED) else None)
    except InvalidInput:
        assert to not in TRANSITIONS[start]
    else:
        assert to in TRANSITIONS[start] and after.status is to and before.status is start


def test_overdue_means_past_due_and_still_open() -> None:
    today = date(2026, 6, 1)
    assert is_overdue(item(S.IN_PROGRESS, due=date(2026, 5, 31)), today)
    assert not is_overdue(item(S.IN_PROGRESS, due=date(2026, 6, 1)), today)
    assert not is_overdue(item(S.CLOSED, due=date(2026, 5, 1)), today)
    assert not is_overdue(item(S.NEW), today)


def test_a_csv_with_three_good_and_two_bad_rows() -> None:
    text = ("time,value,note\n"
            "2026-01-31,61.5,January\n"
            "yesterday,62,\n"
            "2026-02-28T09:00,64,after the KB, finally\n"
            "2026-03-31,sixty-six\n"
            "2026-04-30,\"67,5\"\n")
    good, bad = parse_measurements(text, kpi_id=3)
    assert [(m.measured_at.date().isoformat(), m.value, m.note) for m in good] == [
        ("2026-01-31", 61.5, "January"), ("2026-02-28", 64.0, "after the KB, finally"), ("2026-04-30", 67.5, "")]
    assert [(r.line, r.reason) for r in bad] == [
        (3, "'yesterday' is not a date or time (use 2026-03-31, 31/03/2026 or 2026-03-31T09:00)"),
        (5, "'sixty-six' is not a number"),
    ]


@given(st.text())
def test_any_text_at_all_is_parsed_without_crashing(text: str) -> None:
    good, bad = parse_measurements(text, kpi_id=1)
    lines = text.splitlines() or [""]
    assert all(1 <= r.line <= len(lines) + 1 for r in bad)
    assert all(m.kpi_id == 1 for m in good)


def test_a_csv_row_of_year_1_or_of_an_infinite_value_is_a_bad_row_not_a_crash() -> None:
    # Times a workshop holds are between the years 1900 and 9998 (domain/models.parse_moment);
    # a row outside them is named like any other bad row.
    text = "0001-01-01,5\n2026-01-31,1e999\n2026-02-28,nan\n2026-03-31,7\n"
    good, bad = parse_measurements(text, kpi_id=1)
    assert [(m.measured_at.date().isoformat(), m.value) for m in good] == [("2026-03-31", 7.0)]
    assert [r.line for r in bad] == [1, 2, 3]
    assert "1900" in bad[0].reason and "finite" in bad[1].reason and "finite" in bad[2].reason
