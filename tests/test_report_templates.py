"""The reports come from Jinja2 templates: a person's text is escaped whatever the template does,
an organisation's own template is used or refused in one line, and a workshop with nothing in it
yet still reads as a report rather than empty charts."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from csi_tui.cli import main
from csi_tui.domain.models import RegisterItem
from csi_tui.store.workshop_store import open_store
from csi_tui.templates import load_scale, load_template
from csi_tui.transfer.report import build_report, render_html, render_markdown
from tests.conftest import create_workshop, fixed_clock

HOSTILE = "<b>bold</b> *em* [x](javascript:alert(1)) \x1b[31mred\x1b[0m \x07 & | #"


@pytest.fixture
def bare(tmp_path: Path) -> tuple[Path, int]:
    """A first-cycle workshop with nothing scored, no KPI and one register item; hostile text in
    its title and in the item."""
    path = tmp_path / "w.db"
    with open_store(path, clock=fixed_clock) as store:
        workshop_id = create_workshop(store, title=HOSTILE)
        key = load_template("itil4-dimensions").dimensions[0].key
        store.add_register_item(workshop_id, RegisterItem(raised_on=date(2026, 3, 1), description=HOSTILE,
                                                          due_on=date(2026, 3, 31), dimension_keys=[key]))
    return path, workshop_id


def export(path: Path, workshop_id: int, out: Path, fmt: str, *extra: str) -> int:
    return main(["--db", str(path), "export", str(workshop_id), "--format", fmt, "-o", str(out), *extra])


def test_a_workshop_with_nothing_scored_has_no_empty_charts_and_says_so(bare: tuple[Path, int]) -> None:
    path, workshop_id = bare
    with open_store(path) as store:
        report = build_report(store.snapshot(workshop_id), today=date(2026, 5, 1))
    html, markdown = render_html(report), render_markdown(report)
    assert "<svg" not in html  # no radar, no bars, no then/now, no sparklines: nothing to draw
    assert "No dimension has a score yet." in html and "This is the first cycle." in html
    assert "No KPIs defined yet." in html
    assert "```" not in markdown and "(none scored yet)" in markdown and "this is the first cycle" in markdown
    # The item is overdue on 1 May: the summary names it, on the first page.
    summary = html[html.index('id="summary"'):html.index('id="answers"')]
    assert "register items overdue" in summary and "#1" in summary and "2026-03-31" in summary


def test_user_text_is_escaped_and_shown_without_control_bytes(bare: tuple[Path, int]) -> None:
    path, workshop_id = bare
    with open_store(path) as store:
        report = build_report(store.snapshot(workshop_id), today=date(2026, 5, 1))
    html, markdown = render_html(report), render_markdown(report)
    for text in (html, markdown):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)
    assert "<b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html and "red" in html
    assert "\\<b\\>bold\\</b\\>" in markdown and "\\*em\\*" in markdown and "\\[x\\]\\(javascript" in markdown
    assert "\n# \\<b\\>" in "\n" + markdown  # the title heading, escaped, on one line


def test_the_markdown_report_names_dimensions_and_the_scale_not_their_ids(bare: tuple[Path, int],
                                                                          tmp_path: Path) -> None:
    path, workshop_id = bare
    out = tmp_path / "r.md"
    assert export(path, workshop_id, out, "md") == 0
    markdown = out.read_text(encoding="utf-8")
    dimension = load_template("itil4-dimensions").dimensions[0]
    register = markdown[markdown.index("## Register"):markdown.index("## KPIs")]
    assert dimension.name in register and dimension.key not in register
    facts = markdown.split("## Summary")[0]
    assert f"**Maturity scale:** {load_scale('cmmi').name}" in facts and "cmmi" not in facts


def test_an_organisation_template_is_used_sandboxed_and_autoescaped(bare: tuple[Path, int], tmp_path: Path) -> None:
    path, workshop_id = bare
    template = tmp_path / "ours.html.j2"
    template.write_text("<h1>{{ report.title }}</h1><p>{{ summary.at_target }} of {{ summary.dimensions }}</p>"
                        "{% for row in report.register.rows %}<li>{{ row[1] }}</li>{% endfor %}", encoding="utf-8")
    out = tmp_path / "r.html"
    assert export(path, workshop_id, out, "html", "--template", str(template)) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<h1>&lt;b&gt;bold&lt;/b&gt;") and "<b>" not in html and "\x1b" not in html
    assert "<p>0 of 4</p>" in html


@pytest.mark.parametrize(("content", "reason"), [
    (None, "no such template"),
    ("{% for x in %}", "broken template, line 1"),
    ("{{ nothing_here.at_all }}", "the template failed"),
    ("{{ report.__class__.__mro__ }}", "the template failed"),  # the sandbox: no reaching into Python
    ("{{ report.facts.append(1) }}", "the template failed"),  # nor changing what it is given
])
def test_a_missing_broken_or_escaping_template_is_one_line_and_exit_2(
        bare: tuple[Path, int], tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None,
        reason: str) -> None:
    path, workshop_id = bare
    template = tmp_path / "ours.html.j2"
    if content is not None:
        template.write_text(content, encoding="utf-8")
    out = tmp_path / "r.html"
    assert export(path, workshop_id, out, "html", "--template", str(template)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(template) in err and reason in err
    assert not out.exists()  # refused before anything was written


def test_a_template_for_a_format_that_has_none_is_refused(bare: tuple[Path, int], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path, workshop_id = bare
    template = tmp_path / "ours.j2"
    template.write_text("{{ report.title }}", encoding="utf-8")
    assert export(path, workshop_id, tmp_path / "w.json", "json", "--template", str(template)) == 2
    assert "--template is for the html and md reports, not json" in capsys.readouterr().err
