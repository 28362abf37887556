"""Benchmark: the analysis views of a 10,000-workshop portfolio (issue 17).

Built the way an analyst builds one: by merging session files. The demo programme (two linked
cycles, 34 practices scored by six people and the room, register items, KPIs with six months of
measurements) is copied into a site file of `--per-file` workshops, and that file is merged again
and again, each copy's workshops made distinct (their titles name the copy), until the portfolio
holds `--workshops` workshops: demo-sized workshops, all different to the merge.

Then, on that file, in this run, with the standard library's sqlite3 and time.perf_counter:
- each view (gap matrix, register overview, KPI status) filtered to one workshop (a different
  one each repeat), against the raw read of that workshop's rows from the view's base table;
- each view's first page (LIMIT 100), against the base table's first page;
- the version 4 gap matrix view (window functions over every score) for one workshop, once, as
  the figure this schema version removes;
- Datasette's pages for the gap matrix: JSON filtered to one workshop, the unfiltered first page
  (JSON and HTML), and each shipped canned query (data/datasette/metadata.json), against the same
  query in raw sqlite3. Datasette interrupts a query at 1 s. Served as docs/analysis.md says
  (`--setting suggest_facets off`), and once with Datasette's defaults for comparison.

    python benchmarks/portfolio.py [--workshops 10000] [--per-file 50] [--repeats 20]
                                   [--keep FOLDER | --portfolio FILE] [--append docs/performance.md]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.report import Result, append_report, machine_line, print_table  # noqa: E402
from csi_tui.demo import write_demo  # noqa: E402
from csi_tui.store.views import GAP_MATRIX_VIEW  # noqa: E402
from csi_tui.transfer.datasette_metadata import metadata  # noqa: E402
from csi_tui.transfer.merge import merge_files  # noqa: E402

ONE_GOAL_MS = 50.0
PAGE_GOAL_MS = 1000.0  # Datasette's default sql_time_limit_ms
VIEWS = {"gap_matrix": "dimension", "register_overview": "register_item", "kpi_status": "kpi"}
HOW = ("A portfolio merged from session files (the demo programme's workshops, made distinct per copy); "
       "each view read with sqlite3 on the portfolio file, against the raw read of the same rows from its "
       "base table; one workshop = `WHERE workshop_id = ?` (a different workshop each repeat); first page = "
       "`LIMIT 100`. Datasette through its test client with the shipped metadata and "
       "`suggest_facets off` (as docs/analysis.md serves it), against the same query in sqlite3.")


def distinct_copy(source: Path, target: Path, tag: str) -> None:
    """A byte copy of a session file whose workshops are new to a merge (their titles say `tag`)."""
    shutil.copyfile(source, target)
    conn = sqlite3.connect(target)
    conn.execute("UPDATE workshop SET title = title || ?", [f" · {tag}"])
    conn.commit()
    conn.close()


def build_portfolio(folder: Path, workshops: int, per_file: int) -> tuple[Path, float, int]:
    """The portfolio, the seconds the merges took, and how many session files were merged."""
    demo = folder / "demo.db"
    write_demo(demo)  # two workshops
    site = folder / "site.db"
    copies = []
    for n in range(max(1, per_file // 2)):
        copies.append(folder / f"demo-{n}.db")
        distinct_copy(demo, copies[-1], f"team {n}")
    merge_files(copies, site)
    for copy in copies:
        copy.unlink()
    (in_site,) = sqlite3.connect(site).execute("SELECT count(*) FROM workshop").fetchone()
    sources = []
    for n in range(-(-workshops // in_site)):
        sources.append(folder / f"session-{n:04d}.db")
        distinct_copy(site, sources[-1], f"site {n}")
    extra = len(sources) * in_site - workshops
    if extra:  # the last file: only as many workshops as are still wanted (whole cycles first)
        conn = sqlite3.connect(sources[-1])
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM workshop WHERE id IN (SELECT id FROM workshop ORDER BY previous_id IS NULL, id DESC "
                     "LIMIT ?)", [extra])
        conn.commit()
        conn.close()
    portfolio = folder / "portfolio.db"
    started = time.perf_counter()
    report = merge_files(sources, portfolio)  # as an analyst does: one merge of every file
    merging = time.perf_counter() - started
    assert not report.refused, report.refused[0].reason
    for source in sources:
        source.unlink()
    return portfolio, merging, len(sources)


def timed(run: Callable[[int], object], ids: list[int]) -> list[float]:
    times = []
    for workshop_id in ids:
        started = time.perf_counter()
        run(workshop_id)
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(len(times) * 0.95) - 1)]


def result(name: str, mine: list[float], baseline: list[float], goal_ms: float | None) -> Result:
    median = statistics.median(mine)
    return Result(name, median, p95(mine), statistics.median(baseline),
                  f"< {goal_ms:.0f} ms" if goal_ms else "", median < goal_ms if goal_ms else None)


def sqlite_results(portfolio: Path, ids: list[int], count: int) -> list[Result]:
    conn = sqlite3.connect(portfolio)
    conn.execute("PRAGMA trusted_schema = OFF")
    results = []
    for view, table in VIEWS.items():
        one = timed(lambda w: conn.execute(f"SELECT * FROM {view} WHERE workshop_id = ?", [w]).fetchall(), ids)
        raw = timed(lambda w: conn.execute(f"SELECT * FROM {table} WHERE workshop_id = ?", [w]).fetchall(), ids)
        results.append(result(f"{view}, one workshop of {count:,} (sqlite3) vs its {table} rows", one, raw,
                              ONE_GOAL_MS))
        page = timed(lambda w: conn.execute(f"SELECT * FROM {view} LIMIT 100").fetchall(), ids)
        raw_page = timed(lambda w: conn.execute(f"SELECT * FROM {table} LIMIT 100").fetchall(), ids)
        results.append(result(f"{view}, first page of 100 (sqlite3) vs {table}'s", page, raw_page, PAGE_GOAL_MS))
    old = GAP_MATRIX_VIEW.split("AS", 1)[1]  # the version 4 view's query, on this file
    before = timed(lambda w: conn.execute(f"SELECT * FROM ({old}) WHERE workshop_id = ?", [w]).fetchall(), ids[:1])
    after = timed(lambda w: conn.execute("SELECT * FROM gap_matrix WHERE workshop_id = ?", [w]).fetchall(), ids[:1])
    results.append(result("version 4 gap_matrix view, one workshop (before) vs version 5's", before, after, None))
    conn.close()
    return results


def datasette_results(portfolio: Path, ids: list[int]) -> list[Result]:
    from datasette.app import Datasette

    name = portfolio.stem
    shipped = metadata(name)
    # As docs/analysis.md serves it; and with Datasette's defaults, whose facet suggestions (a
    # query per column, each stopped at 50 ms) cost seconds on a 340,000-row view.
    datasette = Datasette([str(portfolio)], immutables=[], metadata=shipped, settings={"suggest_facets": False})
    defaults = Datasette([str(portfolio)], immutables=[], metadata=shipped)
    queries = shipped["databases"][name]["queries"]
    conn = sqlite3.connect(portfolio)
    raw_one = timed(lambda w: conn.execute("SELECT * FROM gap_matrix WHERE workshop_id = ?", [w]).fetchall(), ids)
    raw_page = timed(lambda w: conn.execute("SELECT * FROM gap_matrix LIMIT 101").fetchall(), ids)
    few = ids[:5]
    raw_queries = {query: timed(lambda w: conn.execute(sql["sql"]).fetchmany(1001), few)
                   for query, sql in queries.items()}
    conn.close()

    async def pages() -> dict[str, list[float]]:
        await datasette.client.get(f"/{name}/gap_matrix.json?workshop_id={ids[0]}")  # warm: startup, schema
        found: dict[str, list[float]] = {}
        for key, path in (("one", "/{name}/gap_matrix.json?workshop_id={w}"),
                          ("page", "/{name}/gap_matrix.json"), ("html", "/{name}/gap_matrix")):
            times = []
            for workshop_id in ids:
                started = time.perf_counter()
                response = await datasette.client.get(path.format(name=name, w=workshop_id))
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code, response.text[:200])
            found[key] = times
        for query in queries:
            times = []
            for _ in few:
                started = time.perf_counter()
                response = await datasette.client.get(f"/{name}/{query}.json")
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (query, response.status_code, response.text[:200])
            found[query] = times
        await defaults.client.get(f"/{name}/gap_matrix.json?workshop_id={ids[0]}")
        found["defaults"] = []
        for _ in few:
            started = time.perf_counter()
            response = await defaults.client.get(f"/{name}/gap_matrix")
            found["defaults"].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        return found

    found = asyncio.run(pages())
    return [result("Datasette gap_matrix.json, one workshop vs sqlite3", found["one"], raw_one, ONE_GOAL_MS),
            result("Datasette gap_matrix.json, first page (unfiltered) vs sqlite3", found["page"], raw_page,
                   PAGE_GOAL_MS),
            result("Datasette gap_matrix HTML page, first page (unfiltered) vs sqlite3", found["html"], raw_page,
                   PAGE_GOAL_MS)] + [
        result(f"Datasette canned query {query} vs sqlite3", found[query], raw_queries[query], PAGE_GOAL_MS)
        for query in queries] + [
        result("Datasette's defaults (facet suggestions on): gap_matrix HTML page, first page", found["defaults"],
               raw_page, None)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workshops", type=int, default=10_000)
    parser.add_argument("--per-file", type=int, default=50, help="workshops per merged session file")
    parser.add_argument("--repeats", type=int, default=20, help="workshops (and pages) timed per figure")
    parser.add_argument("--keep", type=Path, help="build the portfolio in this folder and keep it")
    parser.add_argument("--portfolio", type=Path, help="time this portfolio (kept by --keep) instead of building one")
    parser.add_argument("--append", type=Path, help="append the table to this Markdown file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csi-portfolio-") as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        if args.portfolio:
            portfolio, merging, files = args.portfolio, float("nan"), 0
        else:
            portfolio, merging, files = build_portfolio(folder, args.workshops, args.per_file)
        conn = sqlite3.connect(portfolio)
        (count,), (scores,) = (conn.execute(f"SELECT count(*) FROM {t}").fetchone() for t in ("workshop", "score"))
        conn.close()
        size = portfolio.stat().st_size / 1e6
        built = (f"{count:,} workshops ({scores:,} scores, {size:,.0f} MB) merged from {files} session files "
                 f"in {merging:.0f} s" if files else f"{count:,} workshops ({scores:,} scores, {size:,.0f} MB), "
                 f"built by an earlier run")
        print(built)
        ids = random.Random(17).sample(range(1, count + 1), min(args.repeats, count))
        results = sqlite_results(portfolio, ids, count) + datasette_results(portfolio, ids)
    print(machine_line())
    print_table(results)
    if args.append:
        append_report(args.append, f"Analysis views, {count:,}-workshop portfolio", results, f"{built}. {HOW}")
    if not all(r.met for r in results if r.met is not None):
        sys.exit(1)


if __name__ == "__main__":
    main()
