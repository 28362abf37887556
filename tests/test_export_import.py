"""Workshops leave a file and arrive in another intact: JSON and database exports round-trip,
ids are remapped so nothing collides, and no export replaces a file unless told to."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csi_tui.cli import main
from csi_tui.domain.errors import InvalidInput
from csi_tui.transfer.document import import_document, workshop_document
from csi_tui.transfer.files import export_database, export_json, import_file
from csi_tui.domain.models import Checkpoint, Kpi, Measurement, Participant, RegisterItem, Score, ScoreKind
from csi_tui.store.workshop_store import WorkshopStore, open_store
from tests.conftest import create_workshop, fixed_clock


def rich_workshop(store: WorkshopStore) -> int:
    """A workshop with something in every table an export carries."""
    workshop_id = create_workshop(store, title="Service desk [CSI] \x1b[31m2026")
    bea = store.add_participant(workshop_id, Participant(name="Bea", role="Sales", perspective="business"))
    ivo = store.add_participant(workshop_id, Participant(name="Ivo", perspective="it"))
    store.save_answer(workshop_id, 1, "vision", "Fewer repeat calls, = happier users")
    store.save_answer(workshop_id, 4, "approach", "Knowledge first")
    for voice in (None, bea.id, ivo.id):
        store.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT,
                                            value=2 if voice else 1, participant_id=voice, evidence="survey"))
    store.save_score(workshop_id, Score(dimension_key="partners-suppliers", kind=ScoreKind.TARGET, value=4))
    kpi = store.add_kpi(workshop_id, Kpi(name="FCR", unit="%", baseline=60, short_target=75,
                                         dimension_key="partners-suppliers"))
    store.add_measurement(workshop_id, Measurement(kpi_id=kpi.id, measured_at=datetime(2026, 2, 1, tzinfo=UTC),
                                                   value=64, note="after training"))
    item = store.add_register_item(workshop_id, RegisterItem(
        raised_on=date(2026, 3, 1), description="Supplier review", priority=2, owner="Ivo",
        due_on=date(2026, 6, 30), dimension_keys=["partners-suppliers"], kpi_ids=[kpi.id]))
    store.change_register_status(workshop_id, item.number, "accepted")
    store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 2), description="Portal"))
    store.add_checkpoint(workshop_id, Checkpoint(due_on=date(2026, 6, 14), went_well="FCR up"))
    return workshop_id


def test_json_export_import_export_gives_the_same_document(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db", clock=fixed_clock) as source:
        create_workshop(source, title="Another one first, so ids differ")
        workshop_id = rich_workshop(source)
        export_json(source, workshop_id, tmp_path / "first.json")
    with open_store(tmp_path / "b.db", clock=fixed_clock) as target:
        for _ in range(3):  # the target already holds workshops, people and KPIs with low ids
            existing = create_workshop(target)
            target.add_participant(existing, Participant(name="Zed", perspective="it"))
            target.add_kpi(existing, Kpi(name="Other"))
        (imported,) = import_file(target, tmp_path / "first.json")
        assert imported == 4
        export_json(target, imported, tmp_path / "second.json")
        assert [p.name for p in target.participants(1)] == ["Zed"]  # nothing collided
    first = (tmp_path / "first.json").read_text(encoding="utf-8")
    assert (tmp_path / "second.json").read_text(encoding="utf-8") == first
    document = json.loads(first)
    assert document["workshop"]["title"] == "Service desk [CSI] \x1b[31m2026"
    assert len(document["scores"]) == 4 and len(document["register_items"]) == 2
    assert document["register_items"][0]["kpi_ids"] == [1] and document["register_items"][0]["status"] == "accepted"


def test_a_database_export_with_history_round_trips_and_keeps_cycles_linked(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db", clock=fixed_clock) as source:
        create_workshop(source, title="Unrelated")
        first = rich_workshop(source)
        second = source.start_next_cycle(first).id
        originals = [workshop_document(source, first), workshop_document(source, second)]
        alone = export_database(source, second, tmp_path / "alone.db")
        both = export_database(source, second, tmp_path / "both.db", with_history=True)
    assert len(alone) == 1 and len(both) == 2
    assert not (tmp_path / "both.db-wal").exists()  # one self-contained file
    with open_store(tmp_path / "both.db") as exported:
        older, newer = sorted(exported.workshops(), key=lambda w: w.cycle)
        assert newer.previous_id == older.id and (older.cycle, newer.cycle) == (1, 2)
        assert [workshop_document(exported, older.id), workshop_document(exported, newer.id)] == originals
    with open_store(tmp_path / "c.db") as target:  # and importing the .db brings both, still linked
        create_workshop(target)
        ids = import_file(target, tmp_path / "both.db")
        assert target.workshop(ids[1]).previous_id == ids[0]
        assert workshop_document(target, ids[1]) == originals[1]


def test_the_next_cycle_and_an_import_link_carried_items_to_the_same_kpis(store: WorkshopStore) -> None:
    create_workshop(store, title="Unrelated, so the copies' KPI ids differ from the source's")
    first = create_workshop(store)
    fcr, backlog, csat = (store.add_kpi(first, Kpi(name=name)).id for name in ("FCR", "Backlog", "CSAT"))
    for description, kpi_ids in [("Knowledge", [fcr]), ("Both", [backlog, fcr]), ("None", []), ("Survey", [csat])]:
        store.add_register_item(first, RegisterItem(raised_on=date(2026, 3, 1), description=description,
                                                    kpi_ids=kpi_ids))
    store.add_register_item(first, RegisterItem(raised_on=date(2026, 3, 1), description="Done", status="closed",
                                                closure="successful", kpi_ids=[csat]))

    def links(workshop_id: int) -> dict[str, list[str]]:
        names = {kpi.id: kpi.name for kpi in store.kpis(workshop_id)}
        return {item.description: [names[k] for k in item.kpi_ids] for item in store.register_items(workshop_id)
                if item.status != "closed"}

    next_cycle = store.start_next_cycle(first).id
    imported = import_document(store, workshop_document(store, first))
    assert links(next_cycle) == links(imported) == links(first) == {
        "Knowledge": ["FCR"], "Both": ["FCR", "Backlog"], "None": [], "Survey": ["CSAT"]}
    assert not {kpi.id for kpi in store.kpis(first)} & {kpi.id for kpi in store.kpis(next_cycle)}


def test_an_exported_database_opens_in_the_app(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db", clock=fixed_clock) as source:
        export_database(source, rich_workshop(source), tmp_path / "out.db")
    probe = ("import asyncio, sys\nfrom pathlib import Path\nfrom csi_tui.app import make_app\n"
             "from textual.widgets import DataTable\n"
             "async def main():\n"
             "    app = make_app(Path(sys.argv[1]), keymap={})\n"
             "    async with app.run_test() as pilot:\n"
             "        for _ in range(100):\n"
             "            await pilot.pause(0.05)\n"
             "            table = app.screen.query(DataTable)\n"
             "            if table and table.first().row_count:\n"
             "                print(table.first().get_row_at(0)[0].plain); return\n"
             "asyncio.run(main())\n")
    result = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "out.db")], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).parent.parent)
    assert result.stdout.strip() == "Service desk [CSI] \x1b[31m2026"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_no_export_replaces_a_file_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.db"
    with open_store(db) as store:
        workshop_id = create_workshop(store)
    for fmt in ("json", "db", "md", "html"):  # csv: test_tables_and_reports.py
        output = tmp_path / f"mine.{fmt}"
        output.write_bytes(b"a facilitator's own file")
        code, _, err = run(capsys, "export", str(workshop_id), "--db", str(db), "--format", fmt, "-o", str(output))
        assert code == 2 and err.strip() == f"csi-tui: {output} already exists; add --force to replace it"
        assert output.read_bytes() == b"a facilitator's own file"
        code, out, _ = run(capsys, "export", str(workshop_id), "--db", str(db), "--format", fmt, "-o", str(output),
                           "--force")
        assert code == 0 and "written to" in out
        assert output.read_bytes() != b"a facilitator's own file"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no partial files left


@pytest.mark.parametrize(("args", "message"), [
    (["export", "99", "--format", "json", "-o", "{tmp}/x.json"], "no workshop with id 99"),
    (["export", "1", "--format", "json", "-o", "{tmp}/missing/x.json"], "does not exist"),
    (["export", "1", "--format", "json", "-o", "{tmp}"], "is a directory"),
    (["export", "99", "--format", "html", "-o", "{tmp}/x.html"], "no workshop with id 99"),
    (["export", "1", "--format", "md", "-o", "{tmp}/missing/x.md"], "does not exist"),
    (["export", "1", "--format", "csv", "-o", "{tmp}/missing/tables"], "does not exist"),
    (["import", "{tmp}/nothing.json"], "no such file"),
])
def test_a_bad_id_or_path_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               args: list[str], message: str) -> None:
    db = tmp_path / "w.db"
    with open_store(db) as store:
        create_workshop(store)
    code, _, err = run(capsys, "--db", str(db), *[a.format(tmp=tmp_path) for a in args])
    assert code == 2 and message in err and err.count("\n") == 1


def test_an_unknown_format_exits_2_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "csi_tui", "export", "1", "--format", "xlsx", "-o", "x"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2 and "invalid choice: 'xlsx'" in result.stderr and result.stderr.count("\n") == 1


@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                 st.dictionaries(st.text(max_size=8), st.integers()).map(lambda d: json.dumps(d).encode())))
def test_any_json_file_is_imported_or_refused_in_one_line_never_half(payload: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.json"
        source.write_bytes(payload)
        with open_store(Path(folder) / "w.db") as store:
            with pytest.raises(InvalidInput, match="not a csi-tui workshop document"):
                import_file(store, source)
            assert store.workshops() == []
