"""A workshop's snapshot is read in a fixed number of statements, whatever the number of KPIs,
measurements and register items: a register of 2,000 items and a list of 200 KPIs must not cost
a query per row (each one a round trip through SQLite and the store's checks)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from csi_tui.domain.models import Kpi, Measurement, RegisterItem
from csi_tui.store.workshop_store import WorkshopStore, open_store
from tests.conftest import create_workshop


def seed(db_path: Path, count: int) -> int:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        for n in range(count):
            kpi = store.add_kpi(workshop_id, Kpi(name=f"KPI {n}", unit="%", baseline=50, short_target=80))
            for month in (1, 2):
                store.add_measurement(workshop_id, Measurement(
                    kpi_id=kpi.id, measured_at=datetime(2026, month, 1, tzinfo=UTC), value=50 + n + month))
            store.add_register_item(workshop_id, RegisterItem(
                raised_on=date(2026, 1, 1), description=f"Item {n}", dimension_keys=["partners-suppliers"],
                kpi_ids=[kpi.id]))
    return workshop_id


def statements_to_read(db_path: Path, workshop_id: int) -> int:
    with WorkshopStore.connect(db_path) as store:
        statements: list[str] = []
        store.db.conn.set_trace_callback(statements.append)
        snapshot = store.snapshot(workshop_id)
        store.db.conn.set_trace_callback(None)
        assert not snapshot.problems
    return len(statements)


def test_the_snapshot_reads_thirty_kpis_and_items_in_as_many_statements_as_two(tmp_path: Path) -> None:
    few = seed(tmp_path / "few.db", 2)
    many = seed(tmp_path / "many.db", 30)
    assert statements_to_read(tmp_path / "many.db", many) == statements_to_read(tmp_path / "few.db", few)


def test_each_kpi_is_reviewed_against_its_own_measurements(tmp_path: Path) -> None:
    workshop_id = seed(tmp_path / "csi.db", 3)
    with WorkshopStore.connect(tmp_path / "csi.db") as store:
        snapshot = store.snapshot(workshop_id)
    assert [(k.name, r.latest) for k, r in zip(snapshot.kpis, snapshot.kpi_reviews, strict=True)] == [
        ("KPI 0", 52), ("KPI 1", 53), ("KPI 2", 54)]
