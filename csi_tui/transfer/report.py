"""`export --format md|html`: a report for stakeholders who will never open the app.

The six answers, the gap matrix with a bar chart, the register, KPIs against their targets and
the comparison with the previous cycle. The HTML report is one self-contained file (styles and an
inline SVG chart, nothing fetched) that prints cleanly; the Markdown report reads well as plain
text and renders on any Git host. Everything a person typed is escaped: it is data, never markup.
And it goes through the display rule first (domain/text.py): neither file carries an escape
sequence or a control byte, which would reach whoever prints the file in a terminal.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from csi_tui import __version__
from csi_tui.domain.cycle import DimensionReview, KpiReview, review_dimensions
from csi_tui.domain.figures import figure
from csi_tui.domain.gap import GapRow
from csi_tui.domain.models import RegisterItem
from csi_tui.domain.register import status_label
from csi_tui.domain.steps import STEPS
from csi_tui.domain.text import for_display
from csi_tui.store.read_model import WorkshopSnapshot



@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    empty: str  # said instead of an empty table


@dataclass(frozen=True)
class Report:
    """What both formats show, as plain text; each format only lays it out and escapes it."""

    title: str
    facts: list[tuple[str, str]]
    answers: list[tuple[str, list[tuple[str, str]]]]  # question, [(label, answer)]
    gap_rows: list[GapRow]
    scale_low: int
    scale_high: int
    gaps: Table
    register: Table
    kpis: Table
    comparison: Table


def _register_rows(items: Sequence[RegisterItem], kpi_names: dict[int | None, str]) -> list[tuple[str, ...]]:
    return [(f"#{i.number}", i.description, status_label(i), str(i.priority), i.owner,
             i.due_on.isoformat() if i.due_on else "",
             ", ".join([*i.dimension_keys, *(kpi_names.get(k, "") for k in i.kpi_ids)])) for i in items]


def _kpi_rows(reviews: Sequence[KpiReview]) -> list[tuple[str, ...]]:
    return [(r.name, r.unit, figure(r.baseline), figure(r.latest), figure(r.target),
             r.status.value if r.status else "not measured yet") for r in reviews]


def _comparison_rows(reviews: Sequence[DimensionReview]) -> list[tuple[str, ...]]:
    return [(r.name, figure(r.previous_current), figure(r.previous_target), figure(r.now),
             r.status.value if r.status else "–") for r in reviews]


def build_report(snapshot: WorkshopSnapshot) -> Report:
    workshop = snapshot.workshop
    rows = sorted(snapshot.gap_rows(), key=lambda row: row.rank)
    kpi_names = {kpi.id: f"KPI {kpi.name}" for kpi in snapshot.kpis}
    answers = [
        (f"{step.number}. {step.question}",
         [(field.label, text) for field in step.fields
          if (text := snapshot.answers.get(step.number, {}).get(field.key, "").strip())])
        for step in STEPS
    ]
    previous = snapshot.previous_rows
    return Report(
        title=workshop.title,
        facts=[("Organisation", workshop.organisation), ("Scope", workshop.scope),
               ("Facilitator", workshop.facilitator), ("Cycle", str(workshop.cycle)),
               ("Maturity scale", snapshot.scale.name),
               ("Participants", str(len(snapshot.participants))),
               ("As of", workshop.updated_at.strftime("%Y-%m-%d %H:%M UTC"))],
        answers=answers,
        gap_rows=rows,
        scale_low=snapshot.scale.lowest,
        scale_high=snapshot.scale.highest,
        gaps=Table(("Rank", "Dimension", "Weight", "Current", "Target", "Gap", "Weighted gap", "Covered by"),
                   [(str(r.rank), r.name, str(r.weight), figure(r.current), figure(r.target), figure(r.gap),
                     figure(r.weighted_gap), ", ".join(r.covered_by) or ("none" if r.uncovered else ""))
                    for r in rows],
                   "No dimensions."),
        register=Table(("#", "Description", "Status", "Priority", "Owner", "Due", "Addresses"),
                       _register_rows(snapshot.register_items, kpi_names), "No register items yet."),
        kpis=Table(("KPI", "Unit", "Baseline", "Latest", "Target", "Status"), _kpi_rows(snapshot.kpi_reviews),
                   "No KPIs defined yet."),
        comparison=Table(("Dimension", "Last cycle's level", "Last cycle's target", "Now", "Verdict"),
                         _comparison_rows(review_dimensions(previous, rows)) if previous is not None else [],
                         "This is the first cycle: there is no earlier one to compare with."),
    )


# --- Markdown ------------------------------------------------------------------------------------

# Parentheses too: "\\]" alone already keeps "[x](javascript:...)" from being a link in CommonMark,
# and escaped parentheses keep it from being one in a renderer that reads links more loosely.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]()<>|~&])")
# What starts a block only at the beginning of a line: a heading, list, quote, rule or setext line.
_MARKDOWN_LINE_START = re.compile(r"^(\s*\d*)((?<=\d)[.)]|(?<!\d)[#+\-=])")


def markdown_text(text: str) -> str:
    """One line of text shown literally by any CommonMark renderer: no control bytes (the display
    rule, line breaks becoming spaces), the marks that make inline markup (raw HTML, autolinks,
    links, code, emphasis, table pipes) backslash-escaped everywhere, and the ones that start a
    block escaped where the line starts. One line: a line break in a heading, a list item or a
    cell would end it, and the next line could then start a block of its own (a fence, a heading)."""
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", for_display(text, keep_newlines=False))
    return _MARKDOWN_LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", escaped)


def _markdown_cell(text: str) -> str:
    return markdown_text(" ".join(text.split()))  # a table row is one line


def _markdown_lines(text: str) -> str:
    """Text of several lines (an answer): each line escaped on its own, joined by hard breaks."""
    return "  \n".join(markdown_text(line) for line in for_display(text).split("\n"))


def _fence(lines: Sequence[str]) -> str:
    """A code fence no line inside can close: longer than any run of backticks in them."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _markdown_table(table: Table) -> list[str]:
    if not table.rows:
        return [f"_{table.empty}_", ""]
    lines = ["| " + " | ".join(table.header) + " |", "|" + "---|" * len(table.header)]
    lines += ["| " + " | ".join(_markdown_cell(cell) for cell in row) + " |" for row in table.rows]
    return [*lines, ""]


def _text_bar(row: GapRow, low: int, high: int, width: int = 20) -> str:
    def cells(value: float | None) -> int:
        return 0 if value is None else round((value - low) / max(high - low, 1) * width)

    current, target = cells(row.current), cells(row.target)
    bar = "█" * current + "░" * max(target - current, 0)
    return f"{bar:<{width}}  {figure(row.current)} → {figure(row.target)}"


def render_markdown(report: Report) -> str:
    lines = [f"# {markdown_text(report.title)}", ""]
    lines += [f"- **{label}:** {markdown_text(value)}" for label, value in report.facts if value]
    lines += ["", "## The six questions", ""]
    for question, fields in report.answers:
        lines += [f"### {question}", ""]
        if not fields:
            lines += ["_No answer recorded._", ""]
        for label, text in fields:
            lines += [f"**{label}**  ", _markdown_lines(text), ""]
    lines += ["## Gap matrix", "", f"Largest weighted gap first. Scale {report.scale_low}–{report.scale_high}; "
              "█ where we are, ░ the way to the target.", ""]
    if report.gap_rows:
        # Inside a code block nothing is escaped (a backslash would show), so a name is made one
        # line without control bytes, and the fence is longer than any backticks in it.
        names = [for_display(row.name, keep_newlines=False) for row in report.gap_rows]
        width = max(len(name) for name in names)
        chart = [f"{name:<{width}}  {_text_bar(row, report.scale_low, report.scale_high)}"
                 for name, row in zip(names, report.gap_rows, strict=True)]
        fence = _fence(chart)
        lines += [fence, *chart, fence, ""]
    lines += _markdown_table(report.gaps)
    lines += ["## Register", ""] + _markdown_table(report.register)
    lines += ["## KPIs against their targets", ""] + _markdown_table(report.kpis)
    lines += ["## Compared with the previous cycle", ""] + _markdown_table(report.comparison)
    lines += [f"_Written by csi-tui {__version__}._", ""]
    return "\n".join(lines)


# --- HTML ----------------------------------------------------------------------------------------

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f0f3; } td.number { text-align: right; font-variant-numeric: tabular-nums; }
.empty { font-style: italic; color: #555; }
.answer { white-space: pre-wrap; margin: 0 0 .6rem; }
svg { max-width: 100%; height: auto; }
@media print {
  body { font-size: 10.5pt; margin: 0; max-width: none; color: #000; }
  section, table, svg { break-inside: avoid; }
  h2 { break-after: avoid; }
  th { background: none; }
}
@page { margin: 18mm 15mm; }
"""

_NUMERIC_HEADERS = {"Rank", "Weight", "Current", "Target", "Gap", "Weighted gap", "Priority", "Baseline",
                    "Latest", "Last cycle's level", "Last cycle's target", "Now"}


def _html(text: str) -> str:
    """User text in HTML: the display rule (no control bytes: HTML forbids most of them, and they
    would reach a terminal printing the file), then escaped."""
    return html.escape(for_display(text))


def _html_table(table: Table) -> str:
    if not table.rows:
        return f'<p class="empty">{html.escape(table.empty)}</p>'
    opening = ['<td class="number">' if header in _NUMERIC_HEADERS else "<td>" for header in table.header]
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.header)
    body = "".join(
        "<tr>" + "".join(f"{td}{_html(cell)}</td>" for cell, td in zip(row, opening, strict=True)) + "</tr>"
        for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def gap_chart_svg(rows: Sequence[GapRow], low: int, high: int) -> str:
    """Horizontal bars: where each dimension is now, a marker where it wants to be."""
    label_width, bar_width, row_height, top = 240, 360, 22, 24
    height = top + row_height * len(rows) + 8
    width = label_width + bar_width + 90
    span = max(high - low, 1)

    def x(value: float) -> float:
        return label_width + (value - low) / span * bar_width

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" font-family="system-ui, sans-serif" font-size="12">',
             "<title>Gap matrix: current level (bar) and target (marker) per dimension</title>"]
    for level in range(low, high + 1):
        parts.append(f'<line x1="{x(level):.1f}" y1="{top - 6}" x2="{x(level):.1f}" y2="{height - 8}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{x(level):.1f}" y="{top - 10}" text-anchor="middle" fill="#555">{level}</text>')
    for index, row in enumerate(rows):
        y = top + index * row_height
        name = for_display(row.name, keep_newlines=False)
        name = name if len(name) <= 34 else name[:33] + "…"
        parts.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{html.escape(name)}</text>')
        if row.current is not None:
            parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{x(row.current) - label_width:.1f}" '
                         'height="14" fill="#4a78b5"><title>current '
                         f'{figure(row.current)}</title></rect>')
        if row.target is not None:
            parts.append(f'<rect x="{x(row.target) - 1.5:.1f}" y="{y + 1}" width="3" height="20" fill="#c0392b">'
                         f'<title>target {figure(row.target)}</title></rect>')
        parts.append(f'<text x="{label_width + bar_width + 10}" y="{y + 15}">gap {figure(row.gap)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: Report) -> str:
    title = _html(report.title)
    facts = "".join(f"<dt>{html.escape(label)}</dt><dd>{_html(value)}</dd>"
                    for label, value in report.facts if value)
    answers = []
    for question, fields in report.answers:
        body = "".join(f"<h4>{html.escape(label)}</h4><p class=\"answer\">{_html(text)}</p>"
                       for label, text in fields) or '<p class="empty">No answer recorded.</p>'
        answers.append(f"<section><h3>{html.escape(question)}</h3>{body}</section>")
    answer_sections = "".join(answers)
    chart = gap_chart_svg(report.gap_rows, report.scale_low, report.scale_high) if report.gap_rows else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="csi-tui {__version__}">
<title>{title}</title>
<style>{_STYLE}</style>
</head>
<body>
<header><h1>{title}</h1><dl class="facts">{facts}</dl></header>
<section id="answers"><h2>The six questions</h2>{answer_sections}</section>
<section id="gap-matrix"><h2>Gap matrix</h2>
<p>Largest weighted gap first; scale {report.scale_low}–{report.scale_high}.</p>
{chart}
{_html_table(report.gaps)}</section>
<section id="register"><h2>Register</h2>{_html_table(report.register)}</section>
<section id="kpis"><h2>KPIs against their targets</h2>{_html_table(report.kpis)}</section>
<section id="comparison"><h2>Compared with the previous cycle</h2>{_html_table(report.comparison)}</section>
<footer><p class="empty">Written by csi-tui {__version__}.</p></footer>
</body>
</html>
"""
