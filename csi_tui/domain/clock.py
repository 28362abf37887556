"""The clock every timestamp comes from: passed in, so tests and the demo can fix the time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def stamp(moment: datetime) -> str:
    """A time as csi-tui writes every time (stored, in views, CSV and JSON): UTC, ISO 8601, to the
    second, with `Z`, e.g. 2026-11-22T11:42:24Z. A time without a zone is taken as UTC. Reading
    accepts every ISO 8601 form (older files hold +00:00 and microseconds; models.parse_moment)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(TIME_FORMAT)
