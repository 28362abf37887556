"""What docs/analysis.md promises an analyst: the shipped Datasette metadata serves a portfolio
(titles, every canned query answering), and the Python examples run as written."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from pathlib import Path

import pytest

from csi_tui.demo import write_demo
from csi_tui.transfer.datasette_metadata import main as write_metadata
from csi_tui.transfer.datasette_metadata import metadata, shipped_path
from csi_tui.transfer.merge import merge_files

DOC = Path(__file__).resolve().parent.parent / "docs" / "analysis.md"
QUERIES = ("top_uncovered_gaps", "overdue_items", "kpi_status_by_site", "cycle_progress")


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("analysis")
    write_demo(folder / "demo.db")
    target = folder / "portfolio.db"
    assert merge_files([folder / "demo.db"], target, label="Northwind HQ").merged == 2
    return target


def _examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_shipped_metadata_names_each_canned_query_and_view() -> None:
    shipped = json.loads(shipped_path().read_text(encoding="utf-8"))
    database = shipped["databases"]["portfolio"]
    assert set(database["queries"]) == set(QUERIES)
    assert {"gap_matrix", "register_overview", "kpi_status"} <= set(database["tables"])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert write_metadata(["sites/acme.db"]) == 0
    assert set(json.loads(out.getvalue())["databases"]) == {"acme"}


async def test_datasette_with_the_metadata_runs_every_canned_query(portfolio: Path) -> None:
    from datasette.app import Datasette

    datasette = Datasette([str(portfolio)], immutables=[], metadata=metadata(portfolio.stem))
    for name in QUERIES:
        response = await datasette.client.get(f"/portfolio/{name}.json?_shape=array")
        assert response.status_code == 200, (name, response.text[:300])
        rows = response.json()
        if name != "overdue_items":  # the demo's overdue items depend on today's date
            assert rows, name
        assert all(row["site_label"] == "Northwind HQ" for row in rows), name
    progress = (await datasette.client.get("/portfolio/cycle_progress.json?_shape=array")).json()
    assert {row["cycle"] for row in progress} == {2}
    assert {row["status"] for row in progress} <= {"achieved", "partly", "missed", None}
    page = await datasette.client.get("/portfolio/gap_matrix")
    assert page.status_code == 200 and "Gap matrix" in page.text


def test_the_sqlite3_example_in_the_analysis_guide_runs(portfolio: Path) -> None:
    plain = next(code for code in _examples() if "pandas" not in code)
    out = io.StringIO()
    here = Path.cwd()
    os.chdir(portfolio.parent)
    try:
        with contextlib.redirect_stdout(out):
            exec(plain, {})  # noqa: S102 - the documentation's own example
    finally:
        os.chdir(here)
    assert out.getvalue().startswith("Northwind HQ: ")


def test_the_pandas_example_in_the_analysis_guide_runs(portfolio: Path) -> None:
    pytest.importorskip("pandas")
    example = next(code for code in _examples() if "pandas" in code)
    out = io.StringIO()
    here = Path.cwd()
    os.chdir(portfolio.parent)
    try:
        with contextlib.redirect_stdout(out):
            exec(example, {})  # noqa: S102 - the documentation's own example
    finally:
        os.chdir(here)
    assert "Northwind HQ" in out.getvalue()
