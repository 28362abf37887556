"""How a level, gap or KPI figure is written wherever the app shows one: the screens, the
register's drafts and the reports. No Textual here."""

from __future__ import annotations


def figure(value: float | None, missing: str = "–") -> str:
    """2, 2.5, 72.4: no trailing zeros; `missing` where nothing was scored or measured yet."""
    return missing if value is None else f"{value:g}"


def counted(count: int, noun: str, plural: str = "") -> str:
    """"1 item", "2 items", "0 items": a count with its noun agreeing ("1 items" read badly on a
    projector). `plural` for a noun that does not just take an s."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
