"""The report's SVG charts as geometry: where a level sits on the radar, that the lowest level
still draws a bar, that a long name wraps whole, and a sparkline only for a trend."""

from __future__ import annotations

import re

import pytest

from csi_tui.transfer.charts import Spoke, bars_svg, radar_points, radar_svg, sparkline_svg


def test_the_radar_puts_the_first_spoke_up_and_the_lowest_level_off_the_centre() -> None:
    points = radar_points([5.0, 1.0, None, 3.0], low=1, high=5, centre=100, radius=80)
    assert points[0] == pytest.approx((100, 20))  # straight up, on the rim
    assert points[1] == pytest.approx((116, 100))  # level 1: one step of five out, to the right
    assert points[2] is None
    assert points[3] == pytest.approx((52, 100))  # level 3, three steps of five, to the left


def test_the_radar_draws_current_target_and_previous_with_escaped_names() -> None:
    spokes = [Spoke(f"<b>{i}</b>", 2, 4, 1) for i in range(5)]
    svg = radar_svg(spokes, 1, 5)
    assert svg.count("<polygon") == 5 + 3  # a ring per level, then previous, target and current
    assert "<b>" not in svg and "&lt;b&gt;0&lt;/b&gt;" in svg


def test_level_one_draws_a_bar_and_a_long_name_wraps_whole() -> None:
    name = "Capacity and performance management of the regional branch networks"
    svg = bars_svg([(name, None, 1.0, 2.0)], 1, 5, "", "current", "t")
    width = float(re.search(r'<rect x="250" y="[\d.]+" width="([\d.]+)"', svg).group(1))
    assert width > 0
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert len(lines) >= 2 and " ".join(lines) == name and all(len(line) <= 34 for line in lines)


def test_a_sparkline_needs_two_measurements() -> None:
    assert sparkline_svg([3.0], 5.0) == ""
    svg = sparkline_svg([3.0, 4.0, 4.5], 5.0)
    assert svg.count("<polyline") == 1 and 'stroke-dasharray="3 2"' in svg  # the trend and its target
