"""The analysis views of a portfolio (schema version 5): each view's rows are what the app shows
(the Python gap matrix, register and KPI reviews) for every workshop, the gap rows table stays
right through every kind of write, an older file is upgraded and backfilled, and Datasette
serves each view."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csi_tui.demo import write_demo
from csi_tui.domain.cycle import is_carried
from csi_tui.domain.gap import gap_matrix
from csi_tui.domain.models import (AssessmentTemplate, Participant, Perspective, Score, ScoreKind, TemplateDimension,
                                   WorkshopDraft)
from csi_tui.domain.register import is_overdue
from csi_tui.store import schema
from csi_tui.store.workshop_store import WorkshopStore, open_store, read_store
from csi_tui.templates import load_scale, load_template
from csi_tui.transfer.files import export_json, import_file
from csi_tui.transfer.merge import merge_files
from tests.helpers.sqlite_steps import thousands_of_steps

Z_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
GAP_FIGURES = ("current", "target", "gap", "weighted_gap", "spread", "perception_gap", "rank")


def view(path_or_store: Path | WorkshopStore, name: str, workshop_id: int) -> list[dict[str, object]]:
    if isinstance(path_or_store, WorkshopStore):
        return list(path_or_store.db.query(f"SELECT * FROM {name} WHERE workshop_id = ?", [workshop_id]))
    conn = sqlite3.connect(path_or_store)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(f"SELECT * FROM {name} WHERE workshop_id = ?", [workshop_id])]
    finally:
        conn.close()


def python_gaps(store: WorkshopStore, workshop_id: int) -> dict[str, tuple[object, ...]]:
    rows = gap_matrix(store.dimensions(workshop_id), store.score_rows(workshop_id))
    return {r.key: (r.current, r.target, r.gap, r.weighted_gap, r.spread, r.perception_gap, r.rank) for r in rows}


def view_gaps(store: WorkshopStore, workshop_id: int) -> dict[str, tuple[object, ...]]:
    return {row["dimension_key"]: tuple(row[name] for name in GAP_FIGURES)
            for row in view(store, "gap_matrix", workshop_id)}


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo programme (two linked cycles) and two small session files of another site."""
    folder = tmp_path_factory.mktemp("portfolio")
    demo = folder / "demo.db"
    write_demo(demo)
    site = folder / "site.db"
    with open_store(site) as store:
        template, scale = load_template("itil4-dimensions"), load_scale("itil-v3")
        for n in range(2):
            workshop = store.create_workshop(WorkshopDraft(title=f"Lyon desk {n}", organisation="Acme",
                                                           scope="desk", template_id=template.id,
                                                           scale_id=scale.id), template, scale)
            people = [store.add_participant(workshop.id, Participant(name=f"P{p}", perspective=perspective))
                      for p, perspective in enumerate([Perspective.BUSINESS, Perspective.IT, Perspective.IT])]
            for d, dimension in enumerate(template.dimensions):
                for p, person in enumerate(people):
                    store.save_score(workshop.id, Score(dimension_key=dimension.key, kind=ScoreKind.CURRENT,
                                                        value=1 + (d + p + n) % 4, participant_id=person.id))
                store.save_score(workshop.id, Score(dimension_key=dimension.key, kind=ScoreKind.TARGET,
                                                    value=4 + d % 2))
    target = folder / "portfolio.db"
    assert merge_files([demo], target, label="Northwind HQ").merged == 2
    assert merge_files([site], target, label="Lyon").merged == 2
    return target


def test_each_view_is_what_the_app_shows_for_every_workshop(portfolio: Path) -> None:
    today = datetime.now(UTC).date()  # the register view's date('now') is UTC
    with read_store(portfolio) as store:
        workshops = store.workshops()
        assert len(workshops) == 4
        for workshop in workshops:
            snapshot = store.snapshot(workshop.id)
            assert view_gaps(store, workshop.id) == python_gaps(store, workshop.id)
            assert [row["dimension_key"] for row in sorted(view(store, "gap_matrix", workshop.id),
                                                           key=lambda row: row["rank"])] == \
                [row.key for row in sorted(snapshot.gap_rows(), key=lambda row: row.rank)]
            register = {row["number"]: (row["description"], row["status"], bool(row["overdue"]))
                        for row in view(store, "register_overview", workshop.id)}
            assert register == {item.number: (item.description, item.status.value, is_overdue(item, today))
                                for item in snapshot.register_items if not is_carried(item)}
            kpis = {row["kpi_id"]: (row["kpi"], row["target"], row["latest"], row["status"])
                    for row in view(store, "kpi_status", workshop.id)}
            assert kpis == {review.kpi_id: (review.name, review.target, review.latest,
                                            review.status.value if review.status else None)
                            for review in snapshot.kpi_reviews}
    assert any(kpis for kpis in (view(portfolio, "kpi_status", w.id) for w in workshops))


def test_every_view_says_which_workshop_site_cycle_and_source_each_row_is(portfolio: Path) -> None:
    with read_store(portfolio) as store:
        workshops = {w.id: w for w in store.workshops()}
    second = next(w for w in workshops.values() if w.cycle == 2)
    assert workshops[second.previous_id or 0].cycle == 1  # the demo's cycles stay linked through the merge
    for name in ("gap_matrix", "register_overview", "kpi_status"):
        rows = view(portfolio, name, second.id)
        assert rows, name
        for row in rows:
            assert (row["workshop"], row["organisation"], row["scope"], row["cycle"], row["site_label"],
                    row["previous_workshop_id"]) == (second.title, second.organisation, second.scope, 2,
                                                     "Northwind HQ", second.previous_id)
            assert row["source_file"].endswith("demo.db")
            assert Z_TIME.match(row["created_at"]) and Z_TIME.match(row["updated_at"]), row
            assert row["created_at"] == second.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    lyon = [w for w in workshops.values() if w.title.startswith("Lyon")]
    assert {row["site_label"] for w in lyon for row in view(portfolio, "gap_matrix", w.id)} == {"Lyon"}


def test_one_workshop_is_answered_from_indexes_not_a_scan(portfolio: Path) -> None:
    conn = sqlite3.connect(portfolio)
    for name in ("gap_matrix", "register_overview", "kpi_status"):
        plan = " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN SELECT * FROM {name} WHERE workshop_id = 1"))
        assert "SCAN" not in plan, (name, plan)
    conn.close()


# --- the gap rows table through every kind of write --------------------------------------------

Operation = tuple[str, int, int, int]  # (what, dimension index, voice, value)
OPERATIONS = st.lists(st.tuples(st.sampled_from(["score", "score", "score", "weight", "remove", "undo"]),
                                 st.integers(0, 3), st.integers(0, 4), st.integers(1, 5)), max_size=10)


def _fresh(path: Path) -> tuple[WorkshopStore, int, list[int]]:
    store = open_store(path)
    template, scale = load_template("itil4-dimensions"), load_scale("itil-v3")
    workshop = store.create_workshop(WorkshopDraft(title="Ops", template_id=template.id, scale_id=scale.id),
                                     template, scale)
    people = [store.add_participant(workshop.id, Participant(name=f"P{n}", perspective=perspective)).id or 0
              for n, perspective in enumerate([Perspective.BUSINESS, Perspective.IT, Perspective.BUSINESS])]
    return store, workshop.id, people


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_the_gap_rows_stay_right_through_saves_changes_removals_and_undos(
        tmp_path_factory: pytest.TempPathFactory, operations: list[Operation]) -> None:
    store, workshop_id, people = _fresh(tmp_path_factory.mktemp("ops") / "w.db")
    keys = [d.key for d in store.dimensions(workshop_id)]
    recorded: list[list[int]] = []
    try:
        for what, dimension, voice, value in operations:
            key = keys[dimension]
            present = {p.id for p in store.participants(workshop_id)}
            with store.recording() as ids:
                if what == "score" and (voice >= len(people) or people[voice] in present):
                    # voices: each participant, the business consensus, the room
                    person = people[voice] if voice < len(people) else None
                    perspective = Perspective.BUSINESS if voice == 3 else None
                    kind = ScoreKind.CURRENT if value % 2 else ScoreKind.TARGET
                    store.save_score(workshop_id, Score(dimension_key=key, kind=kind, value=value,
                                                        participant_id=person, perspective=perspective))
                elif what == "weight":
                    store.set_weight(workshop_id, key, value)
                elif what == "remove" and voice < len(people) and people[voice] in present:
                    store.remove_participant(workshop_id, people[voice])
                elif what == "undo" and recorded:
                    try:
                        store.undo_change(workshop_id, recorded.pop())
                    except Exception:  # refused: changed since; nothing was undone
                        pass
            if ids:
                recorded.append(list(ids))
            assert view_gaps(store, workshop_id) == python_gaps(store, workshop_id), what
    finally:
        store.close()


def _steps_to_save_a_score(path: Path, dimensions: int) -> int:
    """SQLite's steps (in thousands) for one score saved in a workshop of that many dimensions."""
    scale = load_scale("itil4-capability")
    template = AssessmentTemplate(id="synthetic", name="Synthetic", default_scale=scale.id, dimensions=[
        TemplateDimension(key=f"d{i:03d}", name=f"Dimension {i:03d}", weight=1 + i % 5) for i in range(dimensions)])
    with open_store(path) as store:
        workshop = store.create_workshop(WorkshopDraft(title="Wide", template_id=template.id, scale_id=scale.id),
                                         template, scale)
        person = store.add_participant(workshop.id, Participant(name="Ann", perspective=Perspective.IT)).id
        steps = thousands_of_steps(store.db.conn, lambda: store.save_score(workshop.id, Score(
            dimension_key="d001", kind=ScoreKind.CURRENT, value=2, participant_id=person)))
        assert view_gaps(store, workshop.id) == python_gaps(store, workshop.id)
        return steps


def test_a_save_costs_in_step_with_the_workshops_size_not_its_square(tmp_path: Path) -> None:
    """One score saved ranks the workshop's gap rows again. Ten times the dimensions may cost ten
    or so times the work; the square of it (a rank worked out again for every row) made a save in
    a workshop of 340 dimensions take 150 ms, and building one took twenty minutes."""
    small = _steps_to_save_a_score(tmp_path / "small.db", 34)
    large = _steps_to_save_a_score(tmp_path / "large.db", 340)
    assert large < 25 * max(small, 1), (small, large)


def test_the_gap_rows_stay_right_through_an_import_and_a_merge(portfolio: Path, tmp_path: Path) -> None:
    with read_store(portfolio) as source:
        document = tmp_path / "lyon.json"
        lyon = next(w for w in source.workshops() if w.title == "Lyon desk 1")
        export_json(source, lyon.id, document)
    target = tmp_path / "target.db"
    with open_store(target) as store:
        (imported,) = import_file(store, document)
        assert view_gaps(store, imported) == python_gaps(store, imported)
        assert store.workshop(imported).site_label == "Lyon"  # the label travels in the document
    again = tmp_path / "again.db"
    merge_files([target, portfolio], again)
    with read_store(again) as store:
        for workshop in store.workshops():
            assert view_gaps(store, workshop.id) == python_gaps(store, workshop.id)


def test_a_file_made_before_version_5_is_upgraded_and_its_gap_rows_filled(tmp_path: Path) -> None:
    from sqlite_utils import Database

    path = tmp_path / "old.db"
    old = Database(path, execute_plugins=False)
    schema.migrations().apply(old, stop_before="m0005_portfolio")
    old.execute("PRAGMA user_version = 4")
    # As version 4 wrote times: with an offset and microseconds.
    old.execute("INSERT INTO workshop (title, template_id, scale_id, created_at, updated_at) VALUES "
                "('Old', 'mine', 'cmmi', '2026-01-05T09:00:00.123456+00:00', '2026-01-05T10:30:00.5+01:00')")
    old.execute("INSERT INTO scale_level VALUES (1, 1, 'Initial', 'Ad hoc'), (1, 2, 'Managed', 'Planned'), "
                "(1, 3, 'Defined', 'Standard')")
    old.execute("INSERT INTO dimension (id, workshop_id, key, name, weight, position) VALUES "
                "(1, 1, 'people', 'People', 4, 0), (2, 1, 'tools', 'Tools', 2, 1), (3, 1, 'value', 'Value', 3, 2)")
    old.execute("INSERT INTO participant (id, workshop_id, name, perspective) VALUES (1, 1, 'A', 'business'), "
                "(2, 1, 'B', 'it')")
    old.execute("INSERT INTO score (workshop_id, dimension_id, kind, value, perspective, participant_id, updated_at) "
                "VALUES (1, 1, 'current', 1, 'business', 1, ''), (1, 1, 'current', 3, 'it', 2, ''), "
                "(1, 1, 'target', 3, NULL, NULL, ''), (1, 2, 'current', 2, NULL, NULL, ''), "
                "(1, 2, 'target', 3, 'it', 2, '')")
    old.conn.commit()
    old.close()
    with open_store(path) as store:
        assert store.schema_version() == schema.SCHEMA_VERSION >= 5
        assert view_gaps(store, 1) == python_gaps(store, 1)
        assert view_gaps(store, 1)["people"] == (2.0, 3.0, 1.0, 4.0, 2, -2.0, 1)
        (row,) = {(r["created_at"], r["updated_at"]) for r in view(store, "gap_matrix", 1)}
        assert row == ("2026-01-05T09:00:00Z", "2026-01-05T09:30:00Z")  # UTC, to the second


# --- Datasette ----------------------------------------------------------------------------------

async def test_datasette_serves_each_view_filtered_and_whole(portfolio: Path) -> None:
    from datasette.app import Datasette

    datasette = Datasette([str(portfolio)], immutables=[])
    with read_store(portfolio) as store:
        workshop = next(w for w in store.workshops() if w.cycle == 2)
        expected = view_gaps(store, workshop.id)
    for name in ("gap_matrix", "register_overview", "kpi_status"):
        response = await datasette.client.get(f"/portfolio/{name}.json?_shape=array&workshop_id={workshop.id}")
        assert response.status_code == 200, response.text
        rows = response.json()
        assert rows and {row["workshop_id"] for row in rows} == {workshop.id}
        if name == "gap_matrix":
            assert {row["dimension_key"]: tuple(row[f] for f in GAP_FIGURES) for row in rows} == expected
        page = await datasette.client.get(f"/portfolio/{name}")  # the HTML page, unfiltered
        assert page.status_code == 200
