"""CSV tables for spreadsheets and reports for stakeholders: what an analyst opens and what a
sponsor reads. Checked by reading the files back as those tools would."""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from csi_tui.cli import main
from csi_tui.demo import write_demo
from csi_tui.transfer.report import build_report, markdown_text, render_html, render_markdown
from csi_tui.transfer.tables import TABLES, export_csv
from csi_tui.domain.models import Participant, RegisterItem
from csi_tui.store.workshop_store import open_store
from tests.conftest import fixed_clock
from tests.test_export_import import rich_workshop, run_limited

INJECTIONS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def read_table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return path, write_demo(path)


def test_one_csv_per_table_in_utf8_with_bom_matching_the_database(demo: tuple[Path, int], tmp_path: Path) -> None:
    path, workshop_id = demo
    with open_store(path) as store:
        written = export_csv(store, workshop_id, tmp_path / "tables")
        snapshot = store.snapshot(workshop_id)
        measurements = sum(len(store.measurements(k.id)) for k in snapshot.kpis)
    assert sorted(p.name for p in written) == sorted(f"{name}.csv" for name in TABLES)
    for file in written:
        raw = file.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f"{file.name} has no BOM: Excel would guess the code page"
        assert b"\r\n" in raw
    assert len(read_table(tmp_path / "tables" / "scores.csv")) == len(snapshot.scores)
    assert len(read_table(tmp_path / "tables" / "measurements.csv")) == measurements == 5 * 6  # this cycle: five KPIs, six months
    register = read_table(tmp_path / "tables" / "register.csv")
    assert [row["status"] for row in register] == [i.status.value for i in snapshot.register_items]
    gaps = read_table(tmp_path / "tables" / "gap_matrix.csv")
    by_key = {row.key: row for row in snapshot.gap_rows()}
    for row in gaps:
        expected = by_key[row["dimension_key"]]
        assert float(row["current"]) == expected.current and float(row["weighted_gap"]) == expected.weighted_gap
    # the answers follow the step screen's order, not the alphabet
    assert [row["field"] for row in read_table(tmp_path / "tables" / "answers.csv")][:5] == [
        "vision", "problem", "objectives", "focus", "scope"]


def test_formula_cells_are_defused_but_computed_numbers_are_not(tmp_path: Path) -> None:
    with open_store(tmp_path / "w.db", clock=fixed_clock) as store:
        workshop_id = rich_workshop(store)
        for n, text in enumerate(INJECTIONS):
            store.add_participant(workshop_id, Participant(name=f"P{n}", role=text, perspective="it"))
            store.add_register_item(workshop_id, RegisterItem(raised_on="2026-03-01", description=text, owner=text))
        store.save_answer(workshop_id, 2, "risks", "=cmd|' /C calc'!A0")
        export_csv(store, workshop_id, tmp_path / "out")
        stored = store.register_items(workshop_id)[-len(INJECTIONS):]
    roles = [row["role"] for row in read_table(tmp_path / "out" / "participants.csv")][-len(INJECTIONS):]
    assert roles == ["'" + text for text in INJECTIONS]
    register = read_table(tmp_path / "out" / "register.csv")
    # (a description is stored stripped of surrounding blanks; what is stored is what is defused)
    assert [row["description"] for row in register][-len(INJECTIONS):] == ["'" + i.description for i in stored]
    assert [row["owner"] for row in register][-len(INJECTIONS):] == ["'" + i.owner for i in stored]
    assert [r["answer"] for r in read_table(tmp_path / "out" / "answers.csv") if r["field"] == "risks"] == [
        "'=cmd|' /C calc'!A0"]
    # a negative perception gap is a number the app computed: left as a number
    gaps = read_table(tmp_path / "out" / "gap_matrix.csv")
    assert all(not cell.startswith("'") for row in gaps for key, cell in row.items() if key != "dimension")


def test_csv_export_refuses_to_replace_without_force(demo: tuple[Path, int], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path, workshop_id = demo
    out = tmp_path / "tables"
    args = ["--db", str(path), "export", str(workshop_id), "--format", "csv", "-o", str(out)]
    assert main(args) == 0
    before = (out / "scores.csv").read_bytes()
    assert main(args) == 2
    assert capsys.readouterr().err.strip().endswith("add --force to replace them")
    assert main([*args, "--force"]) == 0 and (out / "scores.csv").read_bytes() == before
    assert not list(out.glob(".*partial"))
    file_not_dir = tmp_path / "a-file"
    file_not_dir.write_text("x")
    assert main(["--db", str(path), "export", str(workshop_id), "--format", "csv", "-o", str(file_not_dir)]) == 2


class Page(HTMLParser):
    """The parts of the report a test needs: elements, section ids, text, anything fetched."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.sections: list[str] = []
        self.text: list[str] = []
        self.fetches: list[str] = []
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "section" and values.get("id"):
            self.sections.append(values["id"])
        for name in ("src", "href"):
            if values.get(name):
                self.fetches.append(values[name])
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def test_the_html_report_is_one_self_contained_printable_page(demo: tuple[Path, int], tmp_path: Path) -> None:
    path, workshop_id = demo
    out = tmp_path / "report.html"
    assert main(["--db", str(path), "export", str(workshop_id), "--format", "html", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    page.close()
    assert page.sections == ["summary", "radar", "answers", "gap-matrix", "register", "kpis", "comparison"]
    assert page.fetches == [] and "<script" not in html and "@import" not in html
    assert "@media print" in html
    with open_store(path) as store:
        snapshot = store.snapshot(workshop_id)
    text = " ".join(page.text)
    for fields in snapshot.answers.values():
        for answer in fields.values():
            assert answer in text
    # one bar per scored dimension in the inline SVG chart, one row per dimension in the table
    gap_section = html[html.index('<section id="gap-matrix">'):]
    svg = gap_section[gap_section.index("<svg"):gap_section.index("</svg>")]
    assert svg.count('fill="#2f6db5"><title>current') == sum(row.current is not None for row in snapshot.gap_rows())
    gaps, register, kpis, comparison = page.tables
    assert len(gaps) - 1 == len(snapshot.dimensions) and gaps[1][1] == min(snapshot.gap_rows(), key=lambda r: r.rank).name
    assert [row[2] for row in register[1:]] == [i.status.value for i in snapshot.register_items]
    assert sorted(row[5] for row in kpis[1:]) == ["achieved", "achieved", "missed", "partly", "partly"]
    assert len(comparison) - 1 == 34  # the previous cycle is compared, practice by practice


def test_reports_show_what_people_typed_literally(tmp_path: Path) -> None:
    with open_store(tmp_path / "w.db", clock=fixed_clock) as store:
        workshop_id = rich_workshop(store)
        typed = "<script>alert(1)</script> [b]bold[/b] *not em* # not a heading | pipe"
        store.save_answer(workshop_id, 2, "risks", typed)
        store.add_register_item(workshop_id, RegisterItem(raised_on="2026-03-01", description="<img src=x>"))
        report = build_report(store.snapshot(workshop_id))
    html = render_html(report)
    page = Page()
    page.feed(html)
    assert "script" not in page.tags and "img" not in page.tags and page.fetches == []
    assert typed in "".join(page.text) and "<img src=x>" in "".join(page.text)
    assert "first cycle" in "".join(page.text)  # nothing to compare with, said so
    markdown = render_markdown(report)
    assert "\\<script\\>" in markdown and "\\*not em\\*" in markdown and "\\| pipe" in markdown
    assert "\n#" not in markdown.replace("\n# ", "").replace("\n## ", "").replace("\n### ", "")


@pytest.mark.parametrize("text", ["# heading", "- item", "+ item", "12. item", "> quote", "a *b* _c_ `d`",
                                  "[x](http://y)", "<b>", "a | b", "***", "=====", "2026-05-04"])
def test_markdown_escaping_leaves_no_markup(text: str) -> None:
    escaped = markdown_text(text)
    # every markup mark is preceded by a backslash; removing the escapes gives the text back
    assert re.sub(r"\\(.)", r"\1", escaped) == text
    assert not re.search(r"(?<!\\)[*_`<>|\[\]]", escaped)
    assert not re.match(r"\s*([#+\-=>]|\d+[.)])", escaped)


def test_the_markdown_report_has_every_section_and_a_bar_per_dimension(demo: tuple[Path, int], tmp_path: Path) -> None:
    path, workshop_id = demo
    out = tmp_path / "report.md"
    assert main(["--db", str(path), "export", str(workshop_id), "--format", "md", "-o", str(out)]) == 0
    markdown = out.read_text(encoding="utf-8")
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == ["## Summary", "## The six questions", "## Gap matrix", "## Register", "## KPIs against their targets",
                        "## Compared with the previous cycle"]
    chart = markdown.split("```")[1].strip().splitlines()
    assert len(chart) == 34 and all("→" in line for line in chart)


@pytest.mark.parametrize("ending", ["out of space", "killed"])
def test_a_forced_csv_export_that_fails_midway_leaves_the_old_files_whole(tmp_path: Path, ending: str) -> None:
    db = tmp_path / "w.db"
    with open_store(db, clock=fixed_clock) as store:
        workshop_id = rich_workshop(store)
        export_csv(store, workshop_id, tmp_path / "tables")  # the export the facilitator already has
        # The register comes fifth: the first four tables fit under the limit, the register does not.
        store.add_register_item(workshop_id, RegisterItem(raised_on="2026-03-01", description="x" * 100_000))
    before = {p.name: p.read_bytes() for p in (tmp_path / "tables").iterdir()}
    result = run_limited(["export", str(workshop_id), "--format", "csv", "-o", str(tmp_path / "tables"), "--force",
                          "--db", str(db)], limit=50_000, killed=ending == "killed")
    if ending == "killed":
        assert result.returncode == -signal.SIGXFSZ, result.stderr
    else:
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "could not be written" in result.stderr
    assert {p.name: p.read_bytes() for p in (tmp_path / "tables").iterdir()} == before  # no mix of old and new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables", "w.db"]  # and no partial anywhere


def test_a_csv_export_on_a_full_disk_leaves_nothing(tmp_path: Path) -> None:
    """A real full disk: a 200 KB tmpfs (needs root to mount)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        db = tmp_path / "w.db"
        with open_store(db, clock=fixed_clock) as store:
            workshop_id = rich_workshop(store)
            store.add_register_item(workshop_id, RegisterItem(raised_on="2026-03-01", description="x" * 300_000))
        result = subprocess.run([sys.executable, "-m", "csi_tui", "export", str(workshop_id), "--format", "csv",
                                 "-o", str(disk / "tables"), "--db", str(db)], capture_output=True, text=True,
                                stdin=subprocess.DEVNULL, timeout=60)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "No space left on device" in result.stderr
        assert list(disk.iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)
