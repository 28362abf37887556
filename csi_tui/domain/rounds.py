"""Blind rounds: the room scores from their own phones, the facilitator reveals, and a second
round (a Delphi re-vote) reopens the dimensions the room disagreed on. Pure.

A round belongs to one workshop and one kind (current scores on step 2, targets on step 3) and
asks about some of its dimensions. It is open (votes are taken, the projector shows only
progress), closed (no more votes, nothing shown yet) or revealed (the grid of who scored what,
the spread and the gap matrix). Each participant's last vote in a round is kept with the round;
the latest round's vote is also that participant's score, so the gap matrix, the exports and the
merges see it like a typed one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from csi_tui.domain.vocabulary import ScoreKind

# A phone's alias or name: short enough for a grid column, plain text only. Markup and escape
# characters are refused outright rather than shown harmlessly: nobody types them as a name.
NAME_LIMIT = 40
EVIDENCE_LIMIT = 1000
_NOT_IN_A_NAME = frozenset("<>[]{}\\`")
NAME_TAKEN = "that name is taken: add an initial"
# Evidence is text: line breaks and tabs, never other C0/C1 controls or DEL (escape sequences),
# nor a lone surrogate, which is no character at all (a phone's JSON can say "\ud800"; SQLite
# cannot store it, and one such vote failed the write of every vote that came with it).
_NOT_IN_EVIDENCE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# The joiners stay in a name (Persian names and emoji need them); every other invisible "format"
# character goes: zero-width spaces, the byte order mark, the right-to-left overrides that turn the
# grid's columns around, tag characters.
_JOINERS = "\u200c\u200d"
WIDE_SPREAD = 2  # the room's own rule (domain/room.py): two levels apart is worth a re-vote


class RoundState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    REVEALED = "revealed"


@dataclass(frozen=True)
class Round:
    id: int
    workshop_id: int
    number: int  # 1, 2, ... within its workshop and kind
    kind: ScoreKind
    state: RoundState
    dimension_keys: tuple[str, ...]
    opened_at: str

    @property
    def is_open(self) -> bool:
        return self.state is RoundState.OPEN

    @property
    def label(self) -> str:
        what = "current scores" if self.kind is ScoreKind.CURRENT else "targets"
        return f"Round {self.number}: {what}"


@dataclass(frozen=True)
class Vote:
    participant_id: int
    dimension_key: str
    value: int
    evidence: str = ""


class VoteRefused(ValueError):
    """A vote the rules refuse; the message is one line for the person who cast it."""


def check_name(name: object) -> str:
    """A name or alias typed on a phone, trimmed, or VoteRefused saying why not."""
    if not isinstance(name, str):
        raise VoteRefused("a name is text")
    name = name.strip()
    if not name:
        raise VoteRefused("a name is needed")
    if len(name) > NAME_LIMIT:
        raise VoteRefused(f"a name is at most {NAME_LIMIT} characters")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in _NOT_IN_A_NAME or c in "\u2028\u2029"
           or 0xD800 <= ord(c) <= 0xDFFF or (unicodedata.category(c) == "Cf" and c not in _JOINERS)
           for c in name):
        raise VoteRefused("a name is letters, digits, spaces and plain punctuation")
    return name


def name_key(name: str) -> str:
    """A name as people read it, to tell whether it is taken: "ANN", full-width "Ａnn" and "ann"
    are one name, and so are an accent composed ("é") or added to its letter ("e" and U+0301)."""
    return unicodedata.normalize("NFKC", name.strip()).casefold()


def check_vote(vote: Vote, round_: Round, lowest: int, highest: int) -> None:
    """The rules a typed score obeys, for a vote from a phone: the round is open, the dimension
    is one of its own, the level is on the scale, the evidence plain text of a sensible size."""
    if not round_.is_open:
        raise VoteRefused("the round is closed")
    if vote.dimension_key not in round_.dimension_keys:
        raise VoteRefused(f"{vote.dimension_key!r} is not scored in this round")
    if isinstance(vote.value, bool) or not isinstance(vote.value, int) or not lowest <= vote.value <= highest:
        raise VoteRefused(f"a score is a level from {lowest} to {highest}")
    if not isinstance(vote.evidence, str) or len(vote.evidence) > EVIDENCE_LIMIT:
        raise VoteRefused(f"evidence is text of at most {EVIDENCE_LIMIT} characters")
    if _NOT_IN_EVIDENCE.search(vote.evidence):
        raise VoteRefused("evidence is plain text")


def spread(values: Iterable[int]) -> int | None:
    """Highest minus lowest, where two or more people voted."""
    levels = list(values)
    return max(levels) - min(levels) if len(levels) > 1 else None


def by_dimension(votes: Iterable[Vote]) -> dict[str, dict[int, int]]:
    """dimension key -> participant id -> level."""
    grid: dict[str, dict[int, int]] = {}
    for vote in votes:
        grid.setdefault(vote.dimension_key, {})[vote.participant_id] = vote.value
    return grid


def worth_revoting(dimension_keys: Sequence[str], votes: Iterable[Vote], wide: int = WIDE_SPREAD) -> list[str]:
    """The dimensions a second round reopens by default: those the room spread over `wide`
    levels or more, in the round's order."""
    grid = by_dimension(votes)
    return [key for key in dimension_keys if (spread(grid.get(key, {}).values()) or 0) >= wide]


@dataclass(frozen=True)
class Progress:
    joined: int
    finished: int  # joined participants who have voted on every dimension of the round

    @property
    def text(self) -> str:
        return f"{self.finished} of {self.joined} have scored"


def progress(round_: Round, joined: Iterable[int], votes: Iterable[Vote]) -> Progress:
    people = set(joined)
    wanted = set(round_.dimension_keys)
    voted: dict[int, set[str]] = {}
    for vote in votes:
        voted.setdefault(vote.participant_id, set()).add(vote.dimension_key)
    return Progress(len(people), sum(1 for p in people if wanted <= voted.get(p, set())))


@dataclass(frozen=True)
class Convergence:
    key: str
    before: int | None  # the spread in the earlier round
    after: int | None  # the spread in the later one

    @property
    def converged(self) -> bool:
        return self.before is not None and self.after is not None and self.after < self.before

    @property
    def text(self) -> str:
        def shown(value: int | None) -> str:
            return "–" if value is None else str(value)

        verdict = "closer" if self.converged else ("same" if self.before == self.after else "apart")
        return f"{shown(self.before)} → {shown(self.after)} ({verdict})"


def convergence(later: Round, earlier_votes: Iterable[Vote], later_votes: Iterable[Vote]) -> list[Convergence]:
    """For each dimension the later round reopened: its spread before and after."""
    before, after = by_dimension(earlier_votes), by_dimension(later_votes)
    return [Convergence(key, spread(before.get(key, {}).values()), spread(after.get(key, {}).values()))
            for key in later.dimension_keys]

