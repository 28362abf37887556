"""How a level, gap or KPI figure is written wherever the app shows one: the screens, the
register's drafts and the reports. No Textual here."""

from __future__ import annotations


def figure(value: float | None, missing: str = "–") -> str:
    """2, 2.5, 72.4: no trailing zeros; `missing` where nothing was scored or measured yet."""
    return missing if value is None else f"{value:g}"
