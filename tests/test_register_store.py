"""The register, KPI and checkpoint records a facilitator edits: changes are logged, links are
checked, the workflow cannot be stepped round by an edit, and a KPI's trend spans cycles."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from csi_tui.domain.cycle import Achievement, review_kpi
from csi_tui.domain.errors import InvalidInput
from csi_tui.domain.gap import GapRow
from csi_tui.domain.models import Kpi, Measurement, RegisterItem, Score, ScoreKind
from csi_tui.domain.register import corrective_item, item_for_gap
from csi_tui.store import listing_suspects, row_rules
from csi_tui.store.workshop_store import WorkshopStore, open_store
from tests.conftest import create_workshop
from tests.helpers.sqlite_steps import thousands_of_steps


def measure(store: WorkshopStore, workshop_id: int, kpi_id: int, day: str, value: float) -> None:
    store.add_measurement(workshop_id, Measurement(kpi_id=kpi_id, measured_at=datetime.fromisoformat(day).replace(tzinfo=UTC),
                                                    value=value))


def test_editing_an_item_saves_and_logs_each_changed_field(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store)
    kpi = store.add_kpi(workshop_id, Kpi(name="FCR"))
    item = store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 1), description="KB"))
    store.update_register_item(workshop_id, item.number, owner="Ivo", due_on=date(2026, 6, 30),
                               dimension_keys=["partners-suppliers"], kpi_ids=[kpi.id])
    (saved,) = store.register_items(workshop_id)
    assert (saved.owner, saved.due_on, saved.dimension_keys, saved.kpi_ids) == (
        "Ivo", date(2026, 6, 30), ["partners-suppliers"], [kpi.id])
    logged = {(e.field, e.old_value, e.new_value) for e in store.change_log(workshop_id) if e.entity == "register_item"}
    assert {("owner", "", "Ivo"), ("due_on", None, "2026-06-30"), ("dimensions", "", "partners-suppliers")} <= logged


@pytest.mark.parametrize(("changes", "reason"), [
    ({"status": "closed"}, "through the workflow"),
    ({"due_on": date(2026, 1, 1)}, "before the raised date"),
    ({"description": "  "}, "description"),
    ({"dimension_keys": ["no-such"]}, "unknown dimension"),
    ({"kpi_ids": [999]}, "no KPI"),
])
def test_a_bad_edit_is_refused_and_nothing_changes(store: WorkshopStore, changes: dict, reason: str) -> None:
    workshop_id = create_workshop(store)
    item = store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 1), description="KB"))
    before = store.change_log(workshop_id)
    with pytest.raises(InvalidInput, match=reason):
        store.update_register_item(workshop_id, item.number, **changes)
    assert store.register_items(workshop_id) == [item]
    assert store.change_log(workshop_id) == before


def test_kpis_and_items_both_cover_a_dimension_in_the_gap_matrix(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store)
    store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 1), description="KB",
                                                      dimension_keys=["partners-suppliers"]))
    store.add_kpi(workshop_id, Kpi(name="Supplier SLA met", dimension_key="partners-suppliers"))
    store.add_kpi(workshop_id, Kpi(name="Unlinked"))
    store.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT, value=1))
    store.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind=ScoreKind.TARGET, value=3))
    (row,) = [r for r in store.snapshot(workshop_id).gap_rows() if r.key == "partners-suppliers"]
    assert row.covered_by == ("#1", "KPI Supplier SLA met")
    assert not row.uncovered


def test_a_kpi_edit_is_saved_and_logged(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store)
    kpi = store.add_kpi(workshop_id, Kpi(name="FCR", baseline=60))
    store.update_kpi(workshop_id, kpi.model_copy(update={"short_target": 75, "dimension_key": "partners-suppliers",
                                                         "measurable": False}))
    (saved,) = store.kpis(workshop_id)
    assert (saved.short_target, saved.dimension_key, saved.measurable) == (75, "partners-suppliers", False)
    assert {e.field for e in store.change_log(workshop_id) if e.entity == "kpi"} >= {
        "short_target", "dimension_key", "measurable"}


def test_the_import_keeps_good_rows_in_one_go_and_returns_bad_ones(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store)
    kpi = store.add_kpi(workshop_id, Kpi(name="FCR"))
    kept, bad = store.import_measurements(workshop_id, kpi.id, "time,value\n2026-01-31,70\n2026-02-28,x\n2026-03-31,72\n")
    assert kept == 2 and [row.line for row in bad] == [3]
    assert [m.value for m in store.measurements(kpi.id)] == [70, 72]


def test_a_kpi_trend_follows_it_back_through_earlier_cycles(store: WorkshopStore) -> None:
    first = create_workshop(store)
    kpi = store.add_kpi(first, Kpi(name="FCR", baseline=60))
    measure(store, first, kpi.id, "2026-01-31", 62)
    measure(store, first, kpi.id, "2026-02-28", 65)
    second = store.start_next_cycle(first)
    (carried,) = store.kpis(second.id)
    assert carried.baseline == 65
    measure(store, second.id, carried.id, "2026-05-31", 70)
    trend = store.kpi_trend(second.id, carried.id)
    assert [(cycle, m.value) for cycle, m in trend] == [(1, 62), (1, 65), (2, 70)]
    assert [(c, m.value) for c, m in store.kpi_trend(first, kpi.id)] == [(1, 62), (1, 65)]


def test_a_workshop_that_is_its_own_previous_is_refused_and_its_kpi_trend_ends(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store)
    kpi = store.add_kpi(workshop_id, Kpi(name="FCR"))
    measure(store, workshop_id, kpi.id, "2026-01-31", 62)
    store.db.execute("UPDATE workshop SET previous_id = id WHERE id = ?", [workshop_id])
    # A row that breaks the rules is refused, named, never walked round for ever.
    with pytest.raises(InvalidInput, match="cannot be its own previous cycle"):
        store.kpi_trend(workshop_id, kpi.id)
    assert store.workshops() == []


def test_cycles_that_link_round_in_a_loop_are_refused_and_a_kpi_trend_ends(store: WorkshopStore, db_path: Path) -> None:
    first = create_workshop(store)
    kpi = store.add_kpi(first, Kpi(name="FCR"))
    measure(store, first, kpi.id, "2026-01-31", 62)
    second = store.start_next_cycle(first)
    (carried,) = store.kpis(second.id)
    measure(store, second.id, carried.id, "2026-05-31", 70)
    third = store.start_next_cycle(second.id)
    (later,) = store.kpis(third.id)
    # Another program rewrites the link (csi-tui never changes an existing workshop's link, and
    # the store keeps the chains it found to end through its own writes: store/workshops.py).
    with sqlite3.connect(db_path) as other:
        other.execute("PRAGMA foreign_keys = OFF")
        other.execute("UPDATE workshop SET previous_id = ? WHERE id = ?", [second.id, first])
    other.close()
    with pytest.raises(InvalidInput, match="previous cycles comes back round"):
        store.kpi_trend(second.id, carried.id)
    # A later cycle whose chain runs into the loop is refused too: its history never ends.
    with pytest.raises(InvalidInput, match="runs round in a loop"):
        store.kpi_trend(third.id, later.id)
    assert store.workshops() == []


def chain_of_cycles(path: Path, length: int, loop_at_the_end: bool = False) -> sqlite3.Connection:
    """A file whose workshops 1..length are each the next cycle of the one before (a crafted
    file: nobody runs thousands of cycles), the first optionally pointing back at the last."""
    with open_store(path) as store:
        first = create_workshop(store)
        with store.transaction():
            store.db.execute("""WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < :length)
                INSERT INTO workshop (id, title, template_id, scale_id, cycle, previous_id, current_step,
                                      created_at, updated_at)
                SELECT i, 'Cycle ' || i, template_id, scale_id, 1 + i % 1000, i - 1, 1, created_at, updated_at
                FROM workshop, n WHERE workshop.id = :first""", {"length": length, "first": first})
            store.db.execute("INSERT INTO scale_level (workshop_id, value, name, description) SELECT w.id, "
                             "value, name, description FROM workshop w, scale_level l WHERE l.workshop_id = ? "
                             "AND w.id != ?", [first, first])
            store.db.execute("INSERT INTO dimension (workshop_id, key, name, group_name, weight, position) "
                             "SELECT w.id, key, name, group_name, weight, position FROM workshop w, dimension d "
                             "WHERE d.workshop_id = ? AND w.id != ?", [first, first])
    conn = sqlite3.connect(path, isolation_level=None)
    if loop_at_the_end:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("UPDATE workshop SET previous_id = ? WHERE id = ?", [length, first])
    row_rules.register_functions(conn)
    return conn


@pytest.mark.parametrize("check", [listing_suspects.workshops_in_loops, row_rules.first_broken_row],
                         ids=["the list's check", "a merge's check"])
def test_a_long_chain_of_cycles_is_checked_in_step_with_its_length_not_its_square(tmp_path: Path, check) -> None:
    """Every list of the workshops, every import and every merge checks that no chain of
    previous cycles runs round in a loop. Walking the chain from each workshop in turn cost the
    square of its length: a crafted file of 3,000 chained cycles took 13 s at each opening of the
    list."""
    short, long = (chain_of_cycles(tmp_path / "short.db", 200), chain_of_cycles(tmp_path / "long.db", 2000))
    short_steps = thousands_of_steps(short, lambda: check(short))
    long_steps = thousands_of_steps(long, lambda: check(long))
    assert long_steps < 25 * max(short_steps, 1), (short_steps, long_steps)


def test_reading_each_workshop_of_a_long_chain_costs_its_length_not_its_square(tmp_path: Path) -> None:
    """An import or an export reads the workshops one at a time, and each read checked the whole
    chain of its earlier cycles again: a crafted file of 1,000 chained cycles took 15 s to import,
    and one of 5,000 had not finished after 160 s."""
    def every_workshop(length: int) -> int:
        path = tmp_path / f"chain-{length}.db"
        chain_of_cycles(path, length).close()
        with open_store(path) as store:
            return thousands_of_steps(store.db.conn, lambda: [store.workshop(n) for n in range(1, length + 1)])

    short, long = every_workshop(100), every_workshop(1000)
    assert long < 25 * max(short, 1), (short, long)


def test_importing_a_long_chain_costs_its_length_not_its_square(tmp_path: Path) -> None:
    """Each cycle imported is a write, and the next read of the chain began again from nothing."""
    from csi_tui.transfer.files import import_source, read_source

    def import_chain(length: int) -> int:
        source = tmp_path / f"chain-{length}.db"
        chain_of_cycles(source, length).close()
        documents = read_source(source)
        with open_store(tmp_path / f"into-{length}.db") as store:
            return thousands_of_steps(store.db.conn, lambda: import_source(store, documents, source=source))

    short, long = import_chain(100), import_chain(1000)
    assert long < 25 * max(short, 1), (short, long)


def test_a_loop_at_the_end_of_a_long_chain_is_found_for_every_cycle_on_the_way(tmp_path: Path) -> None:
    conn = chain_of_cycles(tmp_path / "loop.db", 500, loop_at_the_end=True)
    assert listing_suspects.workshops_in_loops(conn) == set(range(1, 501))
    refused = row_rules.first_broken_row(conn)
    assert refused is not None and refused.reason == "its chain of previous cycles runs round in a loop"


def test_quarterly_checkpoints_are_scheduled_and_recorded(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store)
    scheduled = store.schedule_quarterly(workshop_id, date(2026, 3, 14))
    assert [c.due_on for c in scheduled] == [date(2026, 6, 14), date(2026, 9, 14), date(2026, 12, 14), date(2027, 3, 14)]
    held = scheduled[0].model_copy(update={"held_on": date(2026, 6, 15), "went_well": "FCR up"})
    store.update_checkpoint(workshop_id, held)
    assert store.checkpoints(workshop_id)[0] == held
    assert store.next_checkpoints(date(2026, 6, 20))[workshop_id].due_on == date(2026, 9, 14)


def gap_row(key: str, current: float | None, target: float | None, weight: int = 3) -> GapRow:
    gap = None if current is None or target is None else target - current
    return GapRow(key=key, name=key.title(), group="", current=current, target=target, gap=gap, weight=weight,
                  weighted_gap=None if gap is None else gap * weight, spread=None, perception_gap=None,
                  unevidenced=False, covered_by=(), rank=1)


def test_an_item_for_a_gap_is_linked_to_it_and_bigger_gaps_come_first() -> None:
    big = item_for_gap(gap_row("partners-suppliers", 1, 4, weight=5), date(2026, 3, 14), "Ann")
    small = item_for_gap(gap_row("people", 3, 4, weight=1), date(2026, 3, 14))
    assert big.dimension_keys == ["partners-suppliers"] and big.raised_by == "Ann"
    assert "from 1 to 4" in big.description
    assert big.priority < small.priority


def test_a_corrective_action_needs_a_missed_target() -> None:
    missed = review_kpi(Kpi(id=4, name="FCR", unit="%", baseline=60, short_target=75),
                        [Measurement(kpi_id=4, measured_at=datetime(2026, 3, 1, tzinfo=UTC), value=55)])
    assert missed.status is Achievement.MISSED
    item = corrective_item(missed, date(2026, 3, 14))
    assert item.kpi_ids == [4] and "55 %" in item.description and "75 %" in item.description
    achieved = review_kpi(Kpi(id=4, name="FCR", baseline=60, short_target=75),
                          [Measurement(kpi_id=4, measured_at=datetime(2026, 3, 1, tzinfo=UTC), value=80)])
    with pytest.raises(InvalidInput, match="was achieved"):
        corrective_item(achieved, date(2026, 3, 14))
