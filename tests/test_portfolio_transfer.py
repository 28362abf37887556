"""What a portfolio needs from every export and import: cycles keep their link to the previous
cycle, each CSV row says which workshop, site and cycle it is, and every time is written in one
format (UTC, ISO 8601 to the second, with Z)."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from csi_tui.cli import main
from csi_tui.demo import write_demo
from csi_tui.store.workshop_store import open_store, read_store
from csi_tui.transfer.files import export_json, import_file
from csi_tui.transfer.merge import merge_files
from csi_tui.transfer.tables import export_csv

Z_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
ANY_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d[^\"',]*")


@pytest.fixture(scope="module")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return path, write_demo(path)


@pytest.fixture
def _demo_copy(built_demo: tuple[Path, int], tmp_path: Path) -> tuple[Path, int, int]:
    built, second = built_demo
    path = tmp_path / "demo.db"
    shutil.copyfile(built, path)  # closed: one file, its WAL checkpointed
    with read_store(path) as store:
        first = store.workshop(second).previous_id
    assert first is not None
    return path, first, second


def test_cycles_exported_as_json_and_imported_one_by_one_stay_linked(tmp_path: Path, _demo_copy: tuple[Path, int, int]) -> None:
    demo, first, second = _demo_copy
    with read_store(demo) as store:
        export_json(store, first, tmp_path / "cycle-1.json")
        export_json(store, second, tmp_path / "cycle-2.json")
    target = tmp_path / "elsewhere.db"
    with open_store(target) as store:
        (one,) = import_file(store, tmp_path / "cycle-1.json")
        (two,) = import_file(store, tmp_path / "cycle-2.json")
        assert store.workshop(two).previous_id == one
        assert store.workshop(two).cycle == 2
        assert store.source_file(two) == str(tmp_path / "cycle-2.json")  # the views and CSV name it
    # and through a merge of that file into a portfolio
    portfolio = tmp_path / "portfolio.db"
    merge_files([target], portfolio)
    with read_store(portfolio) as store:
        (later,) = [w for w in store.workshops() if w.cycle == 2]
        assert store.workshop(later.previous_id or 0).cycle == 1


def test_a_cycle_imported_without_its_previous_cycle_is_not_linked_to_a_stranger(tmp_path: Path, _demo_copy: tuple[Path, int, int]) -> None:
    demo, _, second = _demo_copy
    with read_store(demo) as store:
        export_json(store, second, tmp_path / "cycle-2.json")
    with open_store(tmp_path / "other.db") as store:
        (two,) = import_file(store, tmp_path / "cycle-2.json")
        assert store.workshop(two).previous_id is None


def test_every_csv_row_says_which_workshop_and_times_are_utc_with_z(tmp_path: Path, _demo_copy: tuple[Path, int, int]) -> None:
    demo, _, second = _demo_copy
    with open_store(demo) as store:
        store.update_workshop(second, site_label="Leeds")
        written = export_csv(store, second, tmp_path / "tables")
        workshop = store.workshop(second)
    for path in written:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            assert (row["workshop_id"], row["workshop"], row["organisation"], row["cycle"], row["site_label"],
                    row["previous_workshop_id"]) == (str(second), workshop.title, workshop.organisation, "2",
                                                     "Leeds", str(workshop.previous_id)), path.name
            assert row["source_file"] == str(demo)
            assert Z_TIME.match(row["created_at"]) and Z_TIME.match(row["updated_at"])
        times = [value for row in rows for value in row.values() if ANY_TIME.fullmatch(value or "")]
        assert all(Z_TIME.match(value) for value in times), (path.name, times[:3])
    assert rows  # the last table (measurements) has rows with times


def test_a_json_document_writes_every_time_in_one_format(tmp_path: Path, _demo_copy: tuple[Path, int, int]) -> None:
    demo, _, second = _demo_copy
    with read_store(demo) as store:
        export_json(store, second, tmp_path / "w.json")
    text = (tmp_path / "w.json").read_text()
    times = ANY_TIME.findall(text)
    assert times and all(Z_TIME.match(value) for value in times), times[:5]
    document = json.loads(text)
    assert document["previous"]["cycle"] == 1 and document["version"] == 2
    # A version 1 document (before site labels and previous cycles) still imports.
    old = {key: value for key, value in document.items() if key != "previous"} | {"version": 1}
    old["workshop"] = {key: value for key, value in old["workshop"].items() if key != "site_label"}
    (tmp_path / "v1.json").write_text(json.dumps(old))
    with open_store(tmp_path / "other.db") as store:
        (imported,) = import_file(store, tmp_path / "v1.json")
        assert store.workshop(imported).previous_id is None


def test_times_of_older_files_are_still_read(tmp_path: Path, _demo_copy: tuple[Path, int, int]) -> None:
    demo, _, second = _demo_copy
    conn = sqlite3.connect(demo)
    conn.execute("UPDATE workshop SET created_at = '2025-11-03T09:00:00.250000+00:00' WHERE id = ?", [second])
    conn.commit()
    conn.close()
    with read_store(demo) as store:
        assert store.workshop(second).created_at.microsecond == 250000


def test_merge_label_on_the_command_line_names_the_site_in_every_view(tmp_path: Path, _demo_copy: tuple[Path, int, int]) -> None:
    demo, _, _ = _demo_copy
    portfolio = tmp_path / "portfolio.db"
    assert main(["merge", str(demo), "-o", str(portfolio), "--label", "  Leeds  "]) == 0
    conn = sqlite3.connect(portfolio)
    for name in ("gap_matrix", "register_overview", "kpi_status"):
        assert {label for (label,) in conn.execute(f"SELECT DISTINCT site_label FROM {name}")} == {"Leeds"}
    conn.close()
