"""The store saves what it is given, logs every change, and protects the file it writes."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from csi_tui import cli
from csi_tui.app import CsiApp
from csi_tui.domain.errors import InvalidInput, NotFound
from csi_tui.domain.history import replay
from csi_tui.domain.models import Kpi, Measurement, Participant, RegisterItem, Score, ScoreKind
from csi_tui.store import schema
from csi_tui.store.opening import open_file
from csi_tui.store.workshop_store import WorkshopStore, open_store
from csi_tui.store.workshops import _LISTED
from tests.conftest import FIXED_NOW, create_workshop


def test_every_connection_has_the_promised_pragmas(store: WorkshopStore, db_path: Path) -> None:
    for connection in (store, WorkshopStore.connect(db_path)):
        pragma = lambda name: connection.db.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL
        assert pragma("trusted_schema") == 0
    assert pragma("application_id") == schema.APPLICATION_ID
    assert pragma("user_version") == schema.SCHEMA_VERSION


def test_a_workshop_is_created_with_its_templates_dimensions_and_scale(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store, template="itil4-practices", scale="itil-v3")
    workshop = store.workshop(workshop_id)
    assert (workshop.title, workshop.cycle, workshop.current_step, workshop.created_at) == (
        "Service desk CSI", 1, 1, FIXED_NOW)
    assert len(store.dimensions(workshop_id)) == 34
    assert [level.value for level in store.scale(workshop_id).levels] == [0, 1, 2, 3, 4, 5]


def test_answers_and_scores_read_back_exactly_as_saved(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store)
    text = "Halve the backlog\n[bold]literally[/] \x1b[31mred\x1b[0m ünïcode"
    store.save_answer(workshop_id, 1, "vision", text)
    business = store.add_participant(workshop_id, Participant(name="Bea", role="Sales lead", perspective="business"))
    it = store.add_participant(workshop_id, Participant(name="Ivo", perspective="it"))
    saved = [
        Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT, value=2, evidence="contract review"),
        Score(dimension_key="partners-suppliers", kind=ScoreKind.TARGET, value=4),
        Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT, value=1, participant_id=business.id),
        Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT, value=3, participant_id=it.id),
    ]
    for score in saved:
        store.save_score(workshop_id, score)
    assert store.answers(workshop_id) == {1: {"vision": text}}
    # A participant's score carries that participant's perspective.
    expected = [saved[0], saved[2].model_copy(update={"perspective": "business"}),
                saved[3].model_copy(update={"perspective": "it"}), saved[1]]
    assert sorted(store.scores(workshop_id), key=repr) == sorted(expected, key=repr)


def test_saving_a_voices_score_again_replaces_it(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store)
    for value in (1, 2, 3):
        store.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind="current", value=value))
    assert [s.value for s in store.scores(workshop_id)] == [3]


def test_a_score_off_the_workshops_scale_is_refused_and_not_saved(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store, scale="cmmi")
    with pytest.raises(InvalidInput, match="outside"):
        store.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind="current", value=0))
    with pytest.raises(InvalidInput, match="unknown dimension"):
        store.save_score(workshop_id, Score(dimension_key="service-desk", kind="current", value=2))
    assert store.scores(workshop_id) == []


def test_the_change_log_replays_to_the_saved_state(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store)
    store.save_answer(workshop_id, 2, "risks", "key person leaves")
    store.save_answer(workshop_id, 2, "risks", "key person leaves; budget cut")
    store.save_answer(workshop_id, 2, "risks", "key person leaves; budget cut")  # unchanged: no entry
    store.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind="target", value=4))
    store.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind="target", value=5, evidence="SLA"))
    store.set_current_step(workshop_id, 3)

    log = store.change_log(workshop_id)
    risks = [(e.old_value, e.new_value) for e in log if e.entity == "answer"]
    assert risks == [(None, "key person leaves"), ("key person leaves", "key person leaves; budget cut")]
    state = replay(log)
    assert state[("answer", "2.risks", "value")] == store.answers(workshop_id)[2]["risks"]
    assert state[("score", "partners-suppliers/target/-/-", "value")] == "5"
    assert state[("score", "partners-suppliers/target/-/-", "evidence")] == "SLA"
    assert state[("workshop", str(workshop_id), "current_step")] == "3"
    assert state[("workshop", str(workshop_id), "title")] == "Service desk CSI"


def test_the_change_log_is_append_only_while_its_workshop_exists(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE change_log SET new_value = 'forged'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM change_log")
    store.delete_workshop(workshop_id)
    assert store.change_log(workshop_id) == []
    with pytest.raises(NotFound):
        store.workshop(workshop_id)


def test_deleting_a_workshop_deletes_everything_it_owns(store: WorkshopStore) -> None:
    keep, drop = create_workshop(store, title="Keep"), create_workshop(store, title="Drop")
    for workshop_id in (keep, drop):
        store.save_answer(workshop_id, 1, "vision", "v")
        store.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind="current", value=2))
    store.delete_workshop(drop)
    for table in ("answer", "score", "dimension", "scale_level", "change_log"):
        owners = {row[0] for row in store.db.execute(f"SELECT DISTINCT workshop_id FROM {table}")}
        assert owners == {keep}, table


def test_register_items_kpis_and_measurements_round_trip(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store)
    kpi = store.add_kpi(workshop_id, Kpi(name="First-contact resolution", unit="%", baseline=61,
                                         short_target=70, dimension_key="value-streams-processes"))
    item = store.add_register_item(workshop_id, RegisterItem(
        raised_on=date(2026, 3, 14), description="Knowledge articles for top 20 calls", priority=2,
        size="L", due_on=date(2026, 6, 30), dimension_keys=["value-streams-processes"], kpi_ids=[kpi.id]))
    store.add_measurement(workshop_id, Measurement(kpi_id=kpi.id, measured_at=datetime(2026, 4, 1, tzinfo=UTC), value=64))
    assert item.number == 1
    assert store.register_items(workshop_id) == [item]
    assert store.kpis(workshop_id) == [kpi]
    assert [m.value for m in store.measurements(kpi.id)] == [64]
    assert store.coverage(workshop_id) == {"value-streams-processes": ["#1", "KPI First-contact resolution"]}


def test_the_database_refuses_what_the_models_refuse(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store)
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute(
            "INSERT INTO register_item (workshop_id, number, raised_on, description, due_on) "
            "VALUES (?, 9, '2026-05-02', 'x', '2026-05-01')", [workshop_id])
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("INSERT INTO answer VALUES (999, 1, 'vision', 'x', 'now')")  # no such workshop


def test_a_version_1_file_is_backed_up_then_upgraded(db_path: Path) -> None:
    # A file as csi-tui's first schema version wrote it, with a workshop in it.
    old = Database(db_path, execute_plugins=False)
    schema.migrations().apply(old, stop_before="m0002_checkpoints")
    old.execute("PRAGMA user_version = 1")
    old.execute("INSERT INTO workshop (title, template_id, scale_id, created_at, updated_at) "
                "VALUES ('Before the upgrade', 'itil4-dimensions', 'cmmi', '2026-01-01', '2026-01-01')")
    # with its scale, as every version creates a workshop (one without is refused, by the rules)
    old.execute("INSERT INTO scale_level VALUES (1, 1, 'Initial', 'Ad hoc'), (1, 2, 'Managed', 'Planned')")
    old.conn.commit()
    old.close()

    with open_store(db_path) as upgraded:
        assert upgraded.schema_version() == schema.SCHEMA_VERSION >= 5
        assert {"checkpoint", "workshop_source", "register_item_carried"} <= set(upgraded.db.table_names())
        assert {"gap_matrix", "register_overview", "kpi_status"} <= set(upgraded.db.view_names())
        assert [w.title for w in upgraded.workshops()] == ["Before the upgrade"]
    (backup,) = db_path.parent.glob(f"{db_path.name}.v1-*.bak")
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT title FROM workshop").fetchone() == ("Before the upgrade",)
        assert "checkpoint" not in [row[0] for row in copy.execute("SELECT name FROM sqlite_master")]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy.close()


def a_version_6_file(path: Path) -> Path:
    """A file as csi-tui wrote it before schema version 7, with one workshop."""
    old = Database(path, execute_plugins=False)
    schema.migrations().apply(old, stop_before="m0007_newest_first")
    old.execute("PRAGMA user_version = 6")
    old.conn.commit()
    old.close()
    with WorkshopStore.connect(path) as store:
        create_workshop(store)
    return path


def newest_page_plan(conn: sqlite3.Connection) -> list[str]:
    return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {_LISTED}",
                                           {"today": "2026-12-07", "refused": "[]", "first": 100})]


def test_the_lists_newest_page_comes_from_an_index_in_new_and_upgraded_files(tmp_path: Path) -> None:
    """The home list shows the newest 100 workshops first. Without an index on when each was
    changed, finding them sorted every workshop in the file: on a portfolio of 10,000 the list
    took 1.3-1.5x as long to show as on 10 (issue 15's goal: 1.2x)."""
    new = tmp_path / "new.db"
    with open_store(new) as store:
        create_workshop(store)
        assert "SCAN workshop USING COVERING INDEX workshop_updated" in newest_page_plan(store.db.conn)
    older = a_version_6_file(tmp_path / "older.db")
    with open_store(older) as upgraded:
        assert upgraded.schema_version() == schema.SCHEMA_VERSION >= 7
        assert "SCAN workshop USING COVERING INDEX workshop_updated" in newest_page_plan(upgraded.db.conn)


def test_opening_an_older_file_says_it_was_upgraded_and_names_the_copy_kept(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = a_version_6_file(tmp_path / "older.db")
    told: list[str] = []
    open_file(path, told=told.append).close()
    (backup,) = tmp_path.glob("older.db.v6-*.bak")
    assert told == [f"older.db was upgraded from schema version 6 to {schema.SCHEMA_VERSION} for this csi-tui; "
                    f"the file as it was is kept as {backup}"]
    assert told[0] in caplog.messages  # in the support log too, whoever opened the file
    open_file(path, told=told.append).close()  # up to date now: nothing to tell
    assert len(told) == 1


def test_the_app_tells_of_the_upgrade_on_start_and_again_once_the_screen_is_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = a_version_6_file(tmp_path / "older.db")
    shown: list[str] = []
    run = CsiApp.run

    async def look(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        shown.extend(str(notice.message) for notice in pilot.app._notifications)
        pilot.app.exit()

    monkeypatch.setattr(CsiApp, "run", lambda app: run(app, headless=True, size=(80, 24), auto_pilot=look))
    assert cli.main(["--db", str(path), "open", "1"]) == 0
    (backup,) = tmp_path.glob("older.db.v6-*.bak")
    assert any(f"the file as it was is kept as {backup}" in line for line in shown)
    assert f"the file as it was is kept as {backup}" in capsys.readouterr().err


def test_no_backup_when_nothing_needs_migrating(db_path: Path) -> None:
    open_store(db_path).close()
    open_store(db_path).close()
    assert list(db_path.parent.glob("*.bak")) == []


def test_register_status_moves_are_logged_and_invalid_ones_refused(store: WorkshopStore) -> None:
    workshop_id = create_workshop(store)
    item = store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 1), description="KB"))
    store.change_register_status(workshop_id, item.number, "accepted")
    with pytest.raises(InvalidInput, match="cannot go from accepted to closed"):
        store.change_register_status(workshop_id, item.number, "closed", "successful")
    (saved,) = store.register_items(workshop_id)
    assert saved.status == "accepted"
    assert [(e.old_value, e.new_value) for e in store.change_log(workshop_id) if e.field == "status"] == [
        ("new", "accepted")]


def test_checkpoints_are_kept_in_date_order_and_the_next_one_is_found(store: WorkshopStore) -> None:
    from csi_tui.domain.models import Checkpoint
    from csi_tui.domain.register import quarterly

    workshop_id = create_workshop(store)
    dates = quarterly(date(2025, 11, 30))
    assert dates == [date(2026, 2, 28), date(2026, 5, 30), date(2026, 8, 30), date(2026, 11, 30)]
    for due in reversed(dates):
        store.add_checkpoint(workshop_id, Checkpoint(due_on=due))
    assert [c.due_on for c in store.checkpoints(workshop_id)] == dates
    assert store.next_checkpoints(date(2026, 3, 1))[workshop_id].due_on == date(2026, 5, 30)
