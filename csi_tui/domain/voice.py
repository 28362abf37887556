"""Who a score speaks for: the room's consensus, one perspective's consensus, or one participant.
Beside Score (models.py) but without pydantic: the scoring panel names voices before the models
load (docs/performance.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from csi_tui.domain.vocabulary import Perspective


class Spoken(Protocol):
    """What a score or a score row says about its voice."""

    participant_id: int | None
    perspective: Perspective | None


class Person(Protocol):
    id: int | None
    name: str
    perspective: Perspective


@dataclass(frozen=True)
class Voice:
    participant_id: int | None
    perspective: Perspective | None
    label: str

    @property
    def key(self) -> str:
        return f"{self.participant_id or '-'}/{self.perspective or '-'}"

    def owns(self, score: Spoken) -> bool:
        if self.participant_id is not None:
            return score.participant_id == self.participant_id
        return score.participant_id is None and score.perspective == self.perspective


def perspective_name(perspective: Perspective) -> str:
    return "business" if perspective is Perspective.BUSINESS else "IT"


def voices(participants: Iterable[Person]) -> list[Voice]:
    """Every voice a score can be given in: the consensus ones first, then each participant."""
    return [
        Voice(None, None, "Room consensus"),
        Voice(None, Perspective.BUSINESS, "Business consensus"),
        Voice(None, Perspective.IT, "IT consensus"),
        *(Voice(p.id, p.perspective, f"{p.name} ({perspective_name(p.perspective)})") for p in participants),
    ]
