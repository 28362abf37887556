"""The room at a glance: what each participant scored per dimension, beside the participants'
median and spread and any consensus the room entered. Pure; the median and spread are the gap
matrix's own (gap.consensus), so the grid, the scoring table and the matrix agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.domain.voice import Person, Voice

if TYPE_CHECKING:  # gap.py loads the models: the step screen paints first (docs/performance.md)
    from csi_tui.domain.gap import AnyScore

WIDE_SPREAD = 2  # two levels or more between the lowest and highest score: worth discussing


@dataclass(frozen=True)
class RoomRow:
    key: str
    name: str
    levels: dict[int, int]  # participant id -> level
    median: float | None  # of the participants who scored
    spread: int | None  # highest minus lowest, where two or more participants scored
    consensus: int | None  # what the voice asked about entered (the room's, by default)

    @property
    def wide(self) -> bool:
        return self.spread is not None and self.spread >= WIDE_SPREAD

    @property
    def differs(self) -> bool:
        """An entered consensus that is not the participants' median: it overrides it."""
        return self.consensus is not None and self.median is not None and self.consensus != self.median


def grouped(participants: Iterable[Person]) -> list[Person]:
    """Business first, then IT (the two sides of the perception gap), each in the order added."""
    people = list(participants)
    return ([p for p in people if p.perspective is Perspective.BUSINESS]
            + [p for p in people if p.perspective is not Perspective.BUSINESS])


class Named(Protocol):
    """What a row needs of a dimension: the models load after the step screen paints."""

    key: str
    name: str


def room_rows(dimensions: Sequence[Named], scores: Iterable[AnyScore], kind: ScoreKind,
              voice: Voice | None = None) -> list[RoomRow]:
    """One row per dimension, in the dimensions' order. The median and spread are of the
    participants a consensus voice speaks for: everyone for the room, one side for a
    perspective's consensus."""
    from csi_tui.domain.gap import consensus  # here, not above: see the imports

    voice = voice or Voice(None, None, "Room consensus")
    levels: dict[str, dict[int, int]] = {d.key: {} for d in dimensions}
    entered: dict[str, int] = {}
    for score in scores:
        if score.kind is not kind or score.dimension_key not in levels:
            continue
        if score.participant_id is not None:
            if voice.perspective is None or score.perspective is voice.perspective:
                levels[score.dimension_key][score.participant_id] = score.value
        elif voice.participant_id is None and score.perspective == voice.perspective:
            entered[score.dimension_key] = score.value
    rows = []
    for dimension in dimensions:
        people = levels[dimension.key]
        agreed = consensus(list(people.values()))
        rows.append(RoomRow(
            key=dimension.key, name=dimension.name, levels=people,
            median=agreed.median if agreed else None,
            spread=agreed.spread if agreed and agreed.count > 1 else None,
            consensus=entered.get(dimension.key),
        ))
    return rows
