"""A step's timebox: start, pause, add time, and how much is left at a given moment.
Pure: the moment is passed in, so a test (or a snapshot) can fix the clock."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

# Minutes per step: scoring (2) and planning (4) take the longest in a typical half-day workshop.
DEFAULT_MINUTES = {1: 15, 2: 30, 3: 25, 4: 30, 5: 20, 6: 15}


@dataclass(frozen=True)
class Timebox:
    seconds: int
    elapsed_before: float = 0.0  # seconds run before the current start
    started_at: datetime | None = None  # None: paused (or never started)

    @classmethod
    def for_step(cls, step: int) -> Timebox:
        return cls(seconds=DEFAULT_MINUTES[step] * 60)

    @property
    def running(self) -> bool:
        return self.started_at is not None

    def elapsed(self, now: datetime) -> float:
        running_for = (now - self.started_at).total_seconds() if self.started_at else 0.0
        return self.elapsed_before + max(running_for, 0.0)

    def remaining(self, now: datetime) -> float:
        """Seconds left; negative once time is up."""
        return self.seconds - self.elapsed(now)

    def start(self, now: datetime) -> Timebox:
        return self if self.running else replace(self, started_at=now)

    def pause(self, now: datetime) -> Timebox:
        return replace(self, elapsed_before=self.elapsed(now), started_at=None) if self.running else self

    def toggle(self, now: datetime) -> Timebox:
        return self.pause(now) if self.running else self.start(now)

    def add(self, seconds: int) -> Timebox:
        return replace(self, seconds=self.seconds + seconds)


def clock_face(seconds: float) -> str:
    """12:05 while time is left; +01:30 once it has run over."""
    whole = int(abs(seconds)) if seconds >= 0 else int(-seconds + 0.999)
    minutes, secs = divmod(whole, 60)
    return f"{'+' if seconds < 0 else ''}{minutes:02d}:{secs:02d}"
