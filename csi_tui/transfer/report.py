"""`export --format md|html`: a report for stakeholders who will never open the app.

Page one is the summary the closing screen gives (dimensions at target, the largest uncovered
gaps, register items overdue, KPIs met, partly met or missed, what changed since the previous
cycle), then the radar, the six answers, the gap matrix, the register, the KPIs with their
sparklines and the comparison with the previous cycle.

Both formats are Jinja2 templates in data/reports (an organisation can pass its own with
`export --template`), rendered in an immutable sandbox: a template is a file from outside, so it
reaches no Python internals and changes nothing it is given.
Everything a person typed is data, never markup: it goes through the display rule first
(domain/text.py: no escape sequence, no control byte reaches whoever prints the file in a
terminal), then HTML is autoescaped and Markdown has its significant characters backslash-escaped,
both by the environment for every `{{ }}`, so a template cannot forget to. Only what this module
builds itself (the SVG charts, the Markdown chart and multi-line answers) is passed as finished
markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csi_tui import __version__
from csi_tui.domain.cycle import DimensionReview, KpiReview, is_open, review_dimensions, summarise
from csi_tui.domain.errors import InvalidInput
from csi_tui.domain.figures import figure
from csi_tui.domain.gap import GapRow
from csi_tui.domain.models import MaturityScale, Measurement, RegisterItem
from csi_tui.domain.register import status_label
from csi_tui.domain.steps import STEPS
from csi_tui.domain.text import for_display
from csi_tui.domain.vocabulary import Achievement
from csi_tui.templates import data_dir, shipped_scales
from csi_tui.transfer import charts
from csi_tui.user_files import read_user_text

if TYPE_CHECKING:
    from jinja2 import Template

    from csi_tui.store.read_model import WorkshopSnapshot

VERDICTS = (("achieved", "target met"), ("partly", "moved the right way, target not met"),
            ("missed", "did not move the right way"))


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    empty: str  # said instead of an empty table
    verdict: int | None = None  # the column holding a verdict (achieved, partly, missed): coloured
    charts: list[str] = field(default_factory=list)  # an inline SVG per row, after the last column


@dataclass(frozen=True)
class Summary:
    """Page one: what the closing screen says, as plain values."""

    dimensions: int
    at_target: int
    scored: int
    uncovered: list[tuple[str, str]]  # (dimension, its gap), largest weighted gap first
    overdue: list[tuple[str, str, str]]  # (#number, description, due date)
    kpis: dict[str, int]  # achieved, partly, missed, "not measured"
    previous: dict[str, int] | None  # the previous cycle's targets: achieved, partly, missed; None in cycle 1
    improved: list[str]  # dimensions whose level rose since the previous cycle
    declined: list[str]


@dataclass(frozen=True)
class Report:
    """What both formats show, as plain text; each template only lays it out."""

    title: str
    facts: list[tuple[str, str]]
    summary: Summary
    answers: list[tuple[str, list[tuple[str, str]]]]  # question, [(label, answer)]
    gap_rows: list[GapRow]
    scale_name: str
    scale_low: int
    scale_high: int
    gaps: Table
    register: Table
    kpis: Table
    comparison: Table
    radar: str = ""  # SVG, or "" when nothing is scored
    gap_chart: str = ""
    then_now: str = ""  # SVG, or "" in a first cycle
    radar_names: list[str] = field(default_factory=list)  # the spokes' names, when they carry numbers


def _register_rows(items: Sequence[RegisterItem], names: dict[str, str],
                   kpi_names: dict[int | None, str]) -> list[tuple[str, ...]]:
    return [(f"#{i.number}", i.description, status_label(i), str(i.priority), i.owner,
             i.due_on.isoformat() if i.due_on else "",
             ", ".join([*(names.get(k, k) for k in i.dimension_keys), *(kpi_names.get(k, "") for k in i.kpi_ids)]))
            for i in items]


def _verdict(status: Achievement | None, none: str) -> str:
    return status.value if status else none


def _kpi_rows(reviews: Sequence[KpiReview]) -> list[tuple[str, ...]]:
    return [(r.name, r.unit, figure(r.baseline), figure(r.latest), figure(r.target),
             _verdict(r.status, "not measured yet")) for r in reviews]


def _comparison_rows(reviews: Sequence[DimensionReview]) -> list[tuple[str, ...]]:
    return [(r.name, figure(r.previous_current), figure(r.previous_target), figure(r.now), _verdict(r.status, "–"))
            for r in reviews]


def _count(statuses: Sequence[Achievement | None], none: str | None = None) -> dict[str, int]:
    counts = {a.value: sum(s is a for s in statuses) for a in Achievement}
    if none is not None:
        counts[none] = sum(s is None for s in statuses)
    return counts


def _summary(snapshot: WorkshopSnapshot, rows: list[GapRow], reviews: list[DimensionReview] | None,
             today: date) -> Summary:
    closing = summarise(rows, snapshot.register_items, snapshot.kpi_reviews)
    overdue = [(f"#{i.number}", i.description, i.due_on.isoformat()) for i in snapshot.register_items
               if is_open(i) and i.due_on is not None and i.due_on < today]
    before = {row.key: row.current for row in snapshot.previous_rows or []}
    moved = [(row.name, row.current - before[row.key]) for row in rows
             if row.current is not None and before.get(row.key) is not None]
    return Summary(
        dimensions=closing.dimensions, at_target=closing.at_target,
        scored=sum(row.current is not None for row in rows),
        uncovered=[(row.name, figure(row.gap)) for row in closing.uncovered][:5],
        overdue=overdue,
        kpis=_count([r.status for r in snapshot.kpi_reviews], "not measured"),
        previous=_count([r.status for r in reviews if r.previous_target is not None]) if reviews is not None else None,
        improved=[name for name, change in moved if change > 0],
        declined=[name for name, change in moved if change < 0],
    )


def scale_name(scale: MaturityScale) -> str:
    """The scale's name, not its id: the database keeps a workshop's levels and the scale's id
    (as its name), so a shipped scale's name is looked up; a scale of one's own keeps what it has."""
    shipped = shipped_scales().get(scale.id)
    return shipped.name if shipped is not None and scale.name == scale.id else scale.name


def build_report(snapshot: WorkshopSnapshot, measurements: dict[int, list[Measurement]] | None = None,
                 today: date | None = None) -> Report:
    """`measurements` (each KPI's, oldest first) draw the sparklines; `today` decides what is
    overdue (the UTC date by default)."""
    today = today or datetime.now(UTC).date()
    workshop = snapshot.workshop
    rows = sorted(snapshot.gap_rows(), key=lambda row: row.rank)
    names = {d.key: d.name for d in snapshot.dimensions}
    kpi_names = {kpi.id: f"KPI {kpi.name}" for kpi in snapshot.kpis}
    answers = [
        (f"{step.number}. {step.question}",
         [(field.label, text) for field in step.fields
          if (text := snapshot.answers.get(step.number, {}).get(field.key, "").strip())])
        for step in STEPS
    ]
    previous = snapshot.previous_rows
    reviews = review_dimensions(previous, rows) if previous is not None else None
    scale = snapshot.scale
    before = {row.key: row.current for row in previous or []}
    by_name = sorted(rows, key=lambda r: r.name)
    spokes = [charts.Spoke(row.name, row.current, row.target, before.get(row.key)) for row in by_name]
    scored = any(row.current is not None or row.target is not None for row in rows)
    measured = measurements or {}
    sparklines = [charts.sparkline_svg([m.value for m in measured.get(r.kpi_id or 0, [])], r.target)
                  for r in snapshot.kpi_reviews]
    return Report(
        title=workshop.title,
        facts=[("Organisation", workshop.organisation), ("Site or team", workshop.site_label),
               ("Scope", workshop.scope),
               ("Facilitator", workshop.facilitator), ("Cycle", str(workshop.cycle)),
               ("Maturity scale", scale_name(scale)),
               ("Participants", str(len(snapshot.participants))),
               ("As of", workshop.updated_at.strftime("%Y-%m-%d %H:%M UTC"))],
        summary=_summary(snapshot, rows, reviews, today),
        answers=answers,
        gap_rows=rows,
        scale_name=scale_name(scale),
        scale_low=scale.lowest,
        scale_high=scale.highest,
        gaps=Table(("Rank", "Dimension", "Weight", "Current", "Target", "Gap", "Weighted gap", "Spread",
                    "Perception gap", "Covered by"),
                   [(str(r.rank), r.name, str(r.weight), figure(r.current), figure(r.target), figure(r.gap),
                     figure(r.weighted_gap), figure(r.spread), figure(r.perception_gap),
                     ", ".join(r.covered_by) or ("none" if r.uncovered else ""))
                    for r in rows],
                   "No dimensions."),
        register=Table(("#", "Description", "Status", "Priority", "Owner", "Due", "Addresses"),
                       _register_rows(snapshot.register_items, names, kpi_names), "No register items yet."),
        kpis=Table(("KPI", "Unit", "Baseline", "Latest", "Target", "Status"), _kpi_rows(snapshot.kpi_reviews),
                   "No KPIs defined yet.", verdict=5,
                   charts=sparklines if any(sparklines) else []),
        comparison=Table(("Dimension", "Last cycle's level", "Last cycle's target", "Now", "Verdict"),
                         _comparison_rows(reviews) if reviews is not None else [],
                         "This is the first cycle: there is no earlier one to compare with.", verdict=4),
        radar=charts.radar_svg(spokes, scale.lowest, scale.highest) if scored and len(spokes) >= 3 else "",
        radar_names=[row.name for row in by_name] if len(by_name) > 12 else [],
        gap_chart=charts.bars_svg([(r.name, None, r.current, r.target) for r in rows], scale.lowest, scale.highest,
                                  "", "current", "Gap matrix: current level (bar) and target (marker) per dimension")
        if scored else "",
        then_now=charts.bars_svg([(r.name, before.get(r.key), r.current, next(
            (p.target for p in previous or [] if p.key == r.key), None)) for r in by_name],
            scale.lowest, scale.highest, "last cycle", "now",
            "Then and now: last cycle's level, today's level and last cycle's target per dimension",
            marker="last cycle's target")
        if previous is not None and scored else "",
    )


# --- Markdown escaping ---------------------------------------------------------------------------

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


def _markdown_lines(text: str) -> str:
    """Text of several lines (an answer): each line escaped on its own, joined by hard breaks."""
    return "  \n".join(markdown_text(line) for line in for_display(text).split("\n"))


def _fence(lines: Sequence[str]) -> str:
    """A code fence no line inside can close: longer than any run of backticks in them."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _text_bar(row: GapRow, low: int, high: int, width: int = 20) -> str:
    # The axis starts one step below the lowest level, so a dimension at level 1 draws a bar.
    def cells(value: float | None) -> int:
        return 0 if value is None else round((value - low + 1) / max(high - low + 1, 1) * width)

    current, target = cells(row.current), cells(row.target)
    bar = "█" * current + "░" * max(target - current, 0)
    return f"{bar:<{width}}  {figure(row.current)} → {figure(row.target)}"


def markdown_chart(report: Report) -> str:
    """The gap bars as a code block. Inside it nothing is escaped (a backslash would show), so a
    name is made one line without control bytes, and the fence is longer than any backticks in it."""
    if not any(row.current is not None or row.target is not None for row in report.gap_rows):
        return ""  # nothing scored: no chart of empty bars
    names = [for_display(row.name, keep_newlines=False) for row in report.gap_rows]
    width = max(len(name) for name in names)
    chart = [f"{name:<{width}}  {_text_bar(row, report.scale_low, report.scale_high)}"
             for name, row in zip(names, report.gap_rows, strict=True)]
    fence = _fence(chart)
    return "\n".join([fence, *chart, fence])


# --- Rendering ------------------------------------------------------------------------------------

def shipped_template(kind: str) -> Path:
    return data_dir() / "reports" / f"report.{kind}.j2"


def _environment(kind: str) -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment as SandboxedEnvironment
    from markupsafe import Markup, escape

    if kind == "html":
        # Autoescaped; the display rule first, so no control byte survives in any `{{ }}`.
        # Markup too (a macro's output, a `join`): removing a control byte never makes a tag.
        def finalize(value: Any) -> Any:
            if value is None:
                return ""
            return Markup(for_display(str(value))) if isinstance(value, Markup) else for_display(str(value))
        env = SandboxedEnvironment(autoescape=True, finalize=finalize, undefined=StrictUndefined,
                                   trim_blocks=True, lstrip_blocks=True)
        # A macro's output is Markup already; `| safe` on anything else would pass people's text
        # as HTML (a title of "<script>..."): here it escapes what is not Markup.
        env.filters["safe"] = escape
    else:
        # Markdown has no autoescape of its own: finalize escapes every `{{ }}` that is not Markup.
        def finalize(value: Any) -> Any:
            if value is None:
                return ""
            return value if isinstance(value, Markup) else markdown_text(str(value))
        env = SandboxedEnvironment(autoescape=False, finalize=finalize, undefined=StrictUndefined,
                                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        env.filters["lines"] = lambda text: Markup(_markdown_lines(str(text)))
        env.filters["cell"] = lambda text: Markup(markdown_text(" ".join(str(text).split())))
    env.globals.update(version=Markup(__version__), verdicts=VERDICTS)
    return env


def load_template(kind: str, path: Path | None = None) -> Template:
    """The shipped template for `kind` ("html" or "md"), or the file at `path`: a missing,
    unreadable or broken file is one line naming it (InvalidInput, exit status 2)."""
    from jinja2 import TemplateSyntaxError

    source_path = path or shipped_template(kind)
    source = read_user_text(source_path, "template")
    try:
        return _environment(kind).from_string(source)  # type: ignore[no-any-return]
    except TemplateSyntaxError as error:
        raise InvalidInput(f"{source_path}: broken template, line {error.lineno}: {error.message}") from None
    except Exception as error:
        if path is None:
            raise  # the shipped template: a bug of ours
        # Compiling works out constant expressions ("%d" | format(10 ** 5000)): that is running it.
        raise _template_failed(source_path, error) from None


def render(report: Report, kind: str, template: Path | None = None) -> str:
    from jinja2 import TemplateError
    from jinja2.sandbox import SecurityError
    from markupsafe import Markup

    loaded = load_template(kind, template)
    charts_markup = {name: Markup(getattr(report, name)) for name in ("radar", "gap_chart", "then_now")}
    try:
        return loaded.render(
            report=report, summary=report.summary, charts=charts_markup,
            sparklines=[Markup(svg) for svg in report.kpis.charts],
            markdown_chart=Markup(markdown_chart(report)))
    except (TemplateError, SecurityError) as error:
        where = template or shipped_template(kind)
        raise InvalidInput(f"{where}: the template failed: {for_display(str(error), keep_newlines=False)}") from None
    except Exception as error:
        if template is None:
            raise  # the shipped template failing is a bug of ours: its traceback goes to the log
        # A person's template is their code: 1 / 0, a macro that calls itself, a number too big.
        raise _template_failed(template, error) from None


def _template_failed(path: Path, error: Exception) -> InvalidInput:
    reason = for_display(f"{error.__class__.__name__}: {error}", keep_newlines=False)[:300]
    return InvalidInput(f"{path}: the template failed: {reason}")


def render_markdown(report: Report, template: Path | None = None) -> str:
    return render(report, "md", template)


def render_html(report: Report, template: Path | None = None) -> str:
    return render(report, "html", template)
