"""The knowledge spiral: judging a cycle against the previous targets, and what carries over."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from csi_tui.domain.cycle import Achievement, achievement, chains_in_loops, next_cycle_focus, summarise
from csi_tui.domain.gap import gap_matrix
from csi_tui.domain.models import Direction, Kpi, Measurement, RegisterItem, RegisterStatus, Score, ScoreKind
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop

levels = st.integers(min_value=0, max_value=5)


@given(levels, levels, levels)
def test_achieved_exactly_when_the_target_is_reached(baseline: int, target: int, now: int) -> None:
    verdict = achievement(baseline, target, now)
    assert (verdict is Achievement.ACHIEVED) == (now >= target)
    if verdict is Achievement.PARTLY:
        assert baseline < now < target
    if now < target and now > baseline:
        assert verdict is Achievement.PARTLY


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_lower_is_better_mirrors_higher_is_better(baseline: float, target: float, now: float) -> None:
    assert achievement(baseline, target, now, Direction.LOWER) == achievement(-baseline, -target, -now)


def test_nothing_to_judge_without_a_target_or_a_figure() -> None:
    assert achievement(1, None, 3) is None
    assert achievement(1, 3, None) is None


statuses = st.sampled_from(list(RegisterStatus))


@settings(max_examples=25)
@given(
    item_statuses=st.lists(statuses, max_size=6),
    measurements=st.lists(st.tuples(st.integers(0, 400), st.floats(0, 100, allow_nan=False)), max_size=5),
    weights=st.lists(st.integers(1, 5), min_size=4, max_size=4),
)
def test_the_next_cycle_carries_vision_weights_open_items_and_kpis(
    tmp_path_factory, item_statuses: list[RegisterStatus], measurements: list[tuple[int, float]], weights: list[int]
) -> None:
    db_path = tmp_path_factory.mktemp("cycle") / "w.db"
    with open_store(db_path) as store:
        first = create_workshop(store)
        store.update_workshop(first, site_label="Leeds")
        store.save_answer(first, 1, "vision", "Answers at first contact")
        store.save_answer(first, 2, "risks", "stays behind")
        for dimension, weight in zip(store.dimensions(first), weights, strict=True):
            store.set_weight(first, dimension.key, weight)
        kpi = store.add_kpi(first, Kpi(name="First-contact resolution", baseline=50, short_target=70))
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for day, value in measurements:
            store.add_measurement(first, Measurement(kpi_id=kpi.id, measured_at=start + timedelta(days=day), value=value))
        for status in item_statuses:
            finished = status in (RegisterStatus.CLOSED, RegisterStatus.CANCELLED)
            store.add_register_item(first, RegisterItem(
                raised_on=date(2026, 1, 1), description=f"item {status}", status=status,
                closure="withdrawn" if finished else None, kpi_ids=[kpi.id], dimension_keys=["partners-suppliers"]))

        second = store.start_next_cycle(first)

        assert (second.cycle, second.previous_id, second.title) == (2, first, "Service desk CSI")
        assert second.site_label == "Leeds"  # the same site, cycle after cycle
        assert store.answers(second.id) == {1: {"vision": "Answers at first contact"}}
        assert [(d.key, d.weight) for d in store.dimensions(second.id)] == [
            (d.key, d.weight) for d in store.dimensions(first)]
        carried = store.register_items(second.id)
        open_statuses = [s for s in item_statuses if s not in (RegisterStatus.CLOSED, RegisterStatus.CANCELLED)]
        assert sorted(i.status for i in carried) == sorted(open_statuses)
        (new_kpi,) = store.kpis(second.id)
        latest = max(measurements, key=lambda m: m[0], default=None)
        latest_values = {v for d, v in measurements if latest and d == latest[0]}
        assert new_kpi.baseline in (latest_values or {50.0})
        assert all(i.kpi_ids == [new_kpi.id] and i.dimension_keys == ["partners-suppliers"] for i in carried)
        assert store.scores(second.id) == []  # the room scores afresh; the old targets are judged in step 5


def test_the_summary_and_the_next_cycle_prompt_read_the_matrix() -> None:
    from csi_tui.domain.models import Dimension

    dimensions = [Dimension(key=k, name=k.title(), weight=w, position=i)
                  for i, (k, w) in enumerate([("people", 5), ("tools", 1), ("suppliers", 3)])]
    scores = [Score(dimension_key=k, kind=kind, value=v) for k, kind, v in [
        ("people", ScoreKind.CURRENT, 1), ("people", ScoreKind.TARGET, 3),
        ("tools", ScoreKind.CURRENT, 4), ("tools", ScoreKind.TARGET, 4),
        ("suppliers", ScoreKind.CURRENT, 2), ("suppliers", ScoreKind.TARGET, 3)]]
    rows = gap_matrix(dimensions, scores, {"suppliers": ["#1"]})
    item = RegisterItem(number=1, raised_on=date(2026, 1, 1), description="Supplier reviews",
                        dimension_keys=["suppliers"], status=RegisterStatus.IN_PROGRESS)
    summary = summarise(rows, [item], [])
    assert (summary.dimensions, summary.at_target, summary.items_opened) == (3, 1, 1)
    assert [r.key for r in summary.biggest_gaps] == ["people", "suppliers"]
    assert [r.key for r in summary.uncovered] == ["people"]
    focus = next_cycle_focus(rows, [item])
    assert focus[0] == "Close the gap on People: 1 → 3, weighted 10 (no register item yet)"
    assert focus[1] == "Close the gap on Suppliers: 2 → 3, weighted 3"
    assert focus[-1] == "Keep #1 going: Supplier reviews (in progress)"


def never_ends(previous: dict[int, int | None], start: int) -> bool:
    """The plain definition: a walk from `start` longer than there are workshops never ended."""
    at: int | None = start
    for _ in range(len(previous) + 1):
        if at is None or at not in previous:
            return False
        at = previous[at]
    return True


@settings(max_examples=300)
@given(st.dictionaries(st.integers(1, 12), st.none() | st.integers(1, 14), max_size=12))
def test_the_workshops_in_loops_are_those_whose_walk_never_ends(previous: dict[int, int | None]) -> None:
    """Walked once each, as the list and a merge check a file; against walking every chain
    from its start: on a loop, into one, past the end of the file (a link to no workshop)."""
    assert chains_in_loops(previous) == {start for start in previous if never_ends(previous, start)}

