"""The HTML report's charts as inline SVG: the radar, the then/now comparison, the gap bars and
the KPI sparklines. Plain geometry and strings, no Textual (the closing screen's radar is a widget;
this one is a file a browser or a printer draws).

Every label is a person's text: it goes through the display rule and is escaped here, because the
SVG reaches the template as finished markup. Long labels wrap onto more lines; none is clipped.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from csi_tui.domain.figures import figure
from csi_tui.domain.text import for_display

CURRENT, TARGET, PREVIOUS = "#2f6db5", "#c0392b", "#6e6e6e"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _text(value: str) -> str:
    return escape(for_display(value, keep_newlines=False))


def wrap(label: str, width: int = 30) -> list[str]:
    """A label in lines of at most `width` characters (a longer word is split), never cut short."""
    return textwrap.wrap(for_display(label, keep_newlines=False), width, break_long_words=True) or [""]


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" {FONT}><title>{escape(title)}</title>'
            + "".join(body) + "</svg>")


def _label(x: float, y: float, lines: Sequence[str], anchor: str = "end", line_height: int = 14) -> str:
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else line_height}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{spans}</text>'


@dataclass(frozen=True)
class Spoke:
    name: str
    current: float | None
    target: float | None
    previous: float | None


def radar_points(values: Sequence[float | None], low: int, high: int, centre: float, radius: float
                 ) -> list[tuple[float, float] | None]:
    """Where each value sits on its spoke: spoke i points 360°/n·i clockwise from straight up; the
    scale's lowest level one step out from the centre (so level 1 is not a dot), its highest on
    the rim. None where there is no value."""
    n = len(values)
    base = low - 1
    points: list[tuple[float, float] | None] = []
    for index, value in enumerate(values):
        if value is None:
            points.append(None)
            continue
        angle = 2 * math.pi * index / n - math.pi / 2
        r = (value - base) / max(high - base, 1) * radius
        points.append((centre + r * math.cos(angle), centre + r * math.sin(angle)))
    return points


def radar_svg(spokes: Sequence[Spoke], low: int, high: int) -> str:
    """Current, target and (from cycle 2 on) the previous cycle's level on one spoke per
    dimension. With more than 12 dimensions the spokes carry numbers, named in the list beside."""
    n = len(spokes)
    numbered = n > 12
    radius, margin = 170.0, (40.0 if numbered else 130.0)
    size = 2 * (radius + margin)
    centre = size / 2
    body: list[str] = []
    for level in range(low, high + 1):
        ring = radar_points([float(level)] * n, low, high, centre, radius)
        body.append('<polygon fill="none" stroke="#ddd" points="'
                    + " ".join(f"{x:.1f},{y:.1f}" for x, y in (p for p in ring if p)) + '"/>')
        top = ring[0]
        if top:
            body.append(f'<text x="{top[0] + 3:.1f}" y="{top[1] - 2:.1f}" fill="#777" font-size="10">{level}</text>')
    rim = radar_points([float(high)] * n, low, high, centre, radius)
    for index, point in enumerate(rim):
        assert point is not None
        x, y = point
        body.append(f'<line x1="{centre:.1f}" y1="{centre:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#e4e4e4"/>')
        angle = 2 * math.pi * index / n - math.pi / 2
        lx, ly = centre + (radius + 10) * math.cos(angle), centre + (radius + 10) * math.sin(angle)
        anchor = "middle" if abs(math.cos(angle)) < 0.2 else ("start" if math.cos(angle) > 0 else "end")
        lines = [str(index + 1)] if numbered else wrap(spokes[index].name, 18)
        ly += 4 if math.sin(angle) >= -0.2 else -14 * (len(lines) - 1)
        body.append(_label(lx, ly, lines, anchor))
    for colour, values, dash, opacity in (
            (PREVIOUS, [s.previous for s in spokes], ' stroke-dasharray="4 3"', "0"),
            (TARGET, [s.target for s in spokes], ' stroke-dasharray="6 3"', "0"),
            (CURRENT, [s.current for s in spokes], "", "0.18")):
        points = [p for p in radar_points(values, low, high, centre, radius) if p]
        if len(points) >= 2:
            body.append(f'<polygon fill="{colour}" fill-opacity="{opacity}" stroke="{colour}" stroke-width="2"{dash} '
                        'points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>')
        body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>' for x, y in points]
    return _svg(size, size, "Radar: current level, target and the previous cycle per dimension", body)


def bars_svg(rows: Sequence[tuple[str, float | None, float | None, float | None]], low: int, high: int,
             first: str, second: str, title: str, marker: str = "target") -> str:
    """Horizontal bars, one group per dimension: `first` (grey, thin) and `second` (blue) as bars
    from the axis, a red marker at the third value. Level `low` still draws a bar: the axis starts
    one step below the scale. Names wrap; the row grows to hold them."""
    # Compact rows (one line of 34 characters fits most names) so that 34 dimensions fit one
    # printed page: an SVG does not break across pages, so a taller one leaves a near-empty page.
    label_x, bar_width, line = 250, 330, 13
    base = low - 1
    span = max(high - base, 1)

    def x(value: float) -> float:
        return label_x + (value - base) / span * bar_width

    heights = [max(len(wrap(name, 34)) * line + 7, 21) for name, *_ in rows]
    top = 34
    height = top + sum(heights) + 8
    width = label_x + bar_width + 100
    body = [f'<rect x="{label_x}" y="4" width="10" height="10" fill="{PREVIOUS}"/>'
            f'<text x="{label_x + 14}" y="13">{escape(first)}</text>' if first else "",
            f'<rect x="{label_x + 130}" y="4" width="10" height="10" fill="{CURRENT}"/>'
            f'<text x="{label_x + 144}" y="13">{escape(second)}</text>',
            f'<rect x="{label_x + 240}" y="3" width="3" height="12" fill="{TARGET}"/>'
            f'<text x="{label_x + 248}" y="13">{escape(marker)}</text>']
    for level in range(low, high + 1):
        body.append(f'<line x1="{x(level):.1f}" y1="{top - 6}" x2="{x(level):.1f}" y2="{height - 8}" stroke="#ddd"/>'
                    f'<text x="{x(level):.1f}" y="{top - 10}" text-anchor="middle" fill="#555">{level}</text>')
    y = top
    for (name, then, now, aim), row_height in zip(rows, heights, strict=True):
        body.append(_label(label_x - 8, y + 14, wrap(name, 34), line_height=line))
        mid = y + row_height / 2 - 1
        if then is not None:
            body.append(f'<rect x="{label_x}" y="{mid - 8:.1f}" width="{x(then) - label_x:.1f}" height="5" '
                        f'fill="{PREVIOUS}"><title>{escape(first)} {figure(then)}</title></rect>')
        if now is not None:
            body.append(f'<rect x="{label_x}" y="{mid - 2:.1f}" width="{x(now) - label_x:.1f}" height="8" '
                        f'fill="{CURRENT}"><title>{escape(second)} {figure(now)}</title></rect>')
        if aim is not None:
            body.append(f'<rect x="{x(aim) - 1.5:.1f}" y="{mid - 9:.1f}" width="3" height="18" fill="{TARGET}">'
                        f'<title>{escape(marker)} {figure(aim)}</title></rect>')
        body.append(f'<text x="{label_x + bar_width + 10}" y="{mid + 6:.1f}">'
                    f'{figure(now)} → {figure(aim)}</text>')
        y += row_height
    return _svg(width, height, title, body)


def sparkline_svg(values: Sequence[float], target: float | None, width: int = 120, height: int = 26) -> str:
    """A KPI's measurements, oldest first, as a line; the target dashed across. Nothing for fewer
    than two measurements: one point is no trend."""
    if len(values) < 2:
        return ""
    every = [*values, *([target] if target is not None else [])]
    low, high = min(every), max(every)
    span = (high - low) or 1.0
    pad = 3

    def y(value: float) -> float:
        return height - pad - (value - low) / span * (height - 2 * pad)

    step = (width - 2 * pad) / (len(values) - 1)
    points = " ".join(f"{pad + i * step:.1f},{y(v):.1f}" for i, v in enumerate(values))
    body = []
    if target is not None:
        body.append(f'<line x1="0" x2="{width}" y1="{y(target):.1f}" y2="{y(target):.1f}" stroke="{TARGET}" '
                    'stroke-dasharray="3 2"/>')
    body.append(f'<polyline fill="none" stroke="{CURRENT}" stroke-width="1.5" points="{points}"/>')
    last = values[-1]
    body.append(f'<circle cx="{pad + (len(values) - 1) * step:.1f}" cy="{y(last):.1f}" r="2" fill="{CURRENT}"/>')
    return _svg(width, height, f"{len(values)} measurements, latest {figure(last)}", body)
