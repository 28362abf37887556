"""The HTML report as a stakeholder prints it: the demo workshop printed to PDF by headless
Chromium on A4 and on Letter, read back with poppler. Page one holds the summary, every date is
whole on one line, the long gap table repeats its header on each page, and the report is a
handful of pages, not one per chart."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from csi_tui.cli import main
from csi_tui.demo import write_demo

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(name)), None)
MISSING = [tool for tool, found in (("chromium", CHROMIUM), ("pdfinfo", shutil.which("pdfinfo")),
                                    ("pdftotext", shutil.which("pdftotext"))) if not found]
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"needs {', '.join(MISSING)} to print the report "
                                                      "(apt-get install chromium poppler-utils)")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    db = folder / "demo.db"
    workshop_id = write_demo(db)
    out = folder / "report.html"
    assert main(["--db", str(db), "export", str(workshop_id), "--format", "html", "-o", str(out)]) == 0
    return out


def pages(pdf: Path) -> list[str]:
    count = int(re.search(r"^Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout, re.M).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


@pytest.fixture(scope="module", params=["A4", "Letter"])
def printed(request: pytest.FixtureRequest, report: Path) -> tuple[str, list[str]]:
    """One Chromium launch per paper size; the size injected as a person's print dialog would set it."""
    size = request.param
    page = report.with_name(f"report-{size}.html")
    page.write_text(report.read_text(encoding="utf-8").replace("</style>", f"@page {{ size: {size}; }}</style>"),
                    encoding="utf-8")
    pdf = page.with_suffix(".pdf")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}",
                    "--no-pdf-header-footer", page.as_uri()], capture_output=True, timeout=120, check=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert ("(A4)" if size == "A4" else "(letter)") in info
    return size, pages(pdf)


def test_page_one_is_the_summary(printed: tuple[str, list[str]]) -> None:
    _, text = printed
    first = text[0]
    assert "Service desk CSI programme" in first
    for line in ("Summary", "dimensions at target", "register items overdue", "KPIs met", "Largest uncovered gaps",
                 "Since the previous cycle", "Last cycle's targets"):
        assert line in first, line
    assert "The six questions" not in first  # the summary is the whole first page's business


def test_the_report_is_a_handful_of_full_pages(printed: tuple[str, list[str]]) -> None:
    size, text = printed
    # The demo (34 dimensions, 7 items, 5 KPIs, a previous cycle) fits in 8 to 11 pages; a block
    # that will not break across pages pushes everything on and leaves near-empty pages behind.
    assert 8 <= len(text) <= 11, (size, len(text))
    sections = ["Summary", "Radar", "The six questions", "Gap matrix", "Register", "KPIs against their targets",
                "Compared with the previous cycle"]
    starts = [next(i for i, page in enumerate(text) if re.search(rf"^\s*{re.escape(s)}\s*$", page, re.M))
              for s in sections]
    assert starts == sorted(starts)  # in order, each on a page of its own text


def test_dates_stay_on_one_line_and_table_headers_repeat(printed: tuple[str, list[str]]) -> None:
    _, text = printed
    whole = "\n".join(text)
    for due in ("2026-03-03", "2026-04-02", "2026-05-02", "2026-07-01", "2026-08-02", "2026-09-01", "2026-10-01"):
        assert due in whole, due  # a wrapped date would be split over two lines
    assert "2026-05-04 09:08 UTC" in text[0]
    # The 34-row gap table runs over more than one page: its header is on each.
    with_header = [i for i, page in enumerate(text) if re.search(r"Rank\s+Dimension\s+Weight", page)]
    assert len(with_header) >= 2 and with_header == list(range(with_header[0], with_header[-1] + 1))
