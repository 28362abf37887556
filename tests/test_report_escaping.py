"""The Markdown and HTML reports carry user text as text: a dimension name cannot close the chart's
code fence, an answer cannot inject raw HTML or a `javascript:` link, and neither file carries a
control byte (an ESC in a report reaches whoever runs `cat` on it)."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt

from csi_tui.domain.models import Score, ScoreKind
from csi_tui.store.workshop_store import open_store
from csi_tui.templates import load_template
from csi_tui.transfer.report import build_report, markdown_text, render_html, render_markdown
from tests.test_terminal_escapes import hostile_workshop

INJECTION = ("```\n<script>alert(1)</script>\n[x](javascript:alert(1))\n<javascript:alert(1)>\n"
             "# heading\n| a | b |\n~~~\n![i](javascript:alert(2))\n"
             "\x1b]52;c;SGVsbG8=\x07\x1b]2;pwned\x07\x1b[2J\x9b31m\x00\x7f\r\x08end")
CONTROL_BYTES = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def reports(tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "w.db"
    workshop_id = hostile_workshop(path, INJECTION)
    with open_store(path) as store:
        # One score, so the Markdown report draws its chart (a fence the hostile name sits inside)
        # and the HTML one its radar and bars (labels the name is in).
        first = store.snapshot(workshop_id).dimensions[0].key
        store.save_score(workshop_id, Score(dimension_key=first, kind=ScoreKind.CURRENT, value=2))
        report = build_report(store.snapshot(workshop_id))
    return render_markdown(report), render_html(report)


def test_the_markdown_report_escapes_fences_html_links_and_line_breaks(tmp_path: Path) -> None:
    markdown, _ = reports(tmp_path)
    assert not CONTROL_BYTES.search(markdown)
    # Our own chart's fence opens and closes once; no line of user text is a fence.
    fences = [line for line in markdown.splitlines() if re.match(r" {0,3}(`{3,}|~{3,})", line)]
    assert len(fences) == 2 and fences[0] == fences[1]
    outside = re.sub(f"\n{fences[0]}\n.*\n{fences[0]}\n", "\n", markdown, flags=re.S)  # code shows as is
    assert not re.search(r"(?<!\\)<", outside)  # no raw HTML, no autolink: every < is escaped
    assert not re.search(r"(?<!\\)\]\(javascript:", outside)
    # Every heading is one of ours: a title or a name with a line break starts none.
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    # The title, the summary, the six questions and the four tables' sections.
    assert [h.split(" ", 1)[0] for h in headings] == ["#", "##", "##", *["###"] * 6, "##", "##", "##", "##"]

    # Rendered as a CommonMark renderer with raw HTML allowed would: no element or link of theirs.
    page = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    assert "<script" not in page and "javascript:" not in re.sub(r"<pre>.*?</pre>", "", page, flags=re.S).replace(
        "[x](javascript:alert(1))", "").replace("&lt;javascript:alert(1)&gt;", "").replace(
        "![i](javascript:alert(2))", "")
    assert "href=" not in page and "<img" not in page
    assert page.count("<pre>") == 1  # the chart, whole: the dimension name did not close it
    chart = page[page.index("<pre>"):page.index("</pre>")]
    assert chart.count("→") == len(load_template("itil4-dimensions").dimensions) and "Dim ```" in chart
    # The text survives, as text: the name and the answer read as typed, less the control bytes.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "[x](javascript:alert(1))" in page
    assert page.count("<table>") == 3  # gaps, register, KPIs: a pipe or line break split none


def test_the_html_report_has_no_control_bytes_and_no_script(tmp_path: Path) -> None:
    _, html = reports(tmp_path)
    assert not CONTROL_BYTES.search(html)
    assert "<script" not in html and "href=" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markdown_text_escapes_parentheses_of_links_and_drops_controls() -> None:
    assert markdown_text("[x](javascript:alert(1))") == r"\[x\]\(javascript:alert\(1\)\)"
    assert markdown_text("a\x1b[2Jb\x00") == "ab"
