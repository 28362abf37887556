"""A room's server with a fixed address and code and no socket: the room screen's tests and
snapshots drive it as the phones would (join, vote), and it keeps the rounds as the session's
intents number them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from csi_tui.domain.rounds import Progress, Round, RoundState, Vote, progress
from csi_tui.domain.vocabulary import Perspective, ScoreKind

FIXED_URL = "http://192.168.1.20:8765/r/" + "t" * 32 + "/"
FIXED_CODE = "123456"
# The four dimensions of the itil4-dimensions template, in its order.
KEYS = ("organizations-people", "information-technology", "partners-suppliers", "value-streams-processes")


class FakeRoom:
    def __init__(self, session: object, workshop_id: int, kind: ScoreKind, *, host: str | None = None,
                 port: int | None = None, on_news: Callable[[], None], dimension_keys: Sequence[str] = (),
                 refuse_start: OSError | None = None) -> None:
        self.workshop_id, self.kind, self.host, self.port = workshop_id, kind, host, port
        self.on_news = on_news
        self.url, self.code = FIXED_URL, FIXED_CODE
        self.round: Round | None = None
        self.rounds: list[Round] = []
        self.votes: dict[int, list[Vote]] = {}  # round id -> votes
        self.people: list[tuple[int, str, Perspective]] = []
        self.dimension_keys = tuple(dimension_keys)
        self.refuse_start = refuse_start
        self.started = self.stopped = False

    async def start(self) -> None:
        if self.refuse_start is not None:
            raise self.refuse_start
        self.started = True

    async def stop(self) -> None:
        self.stopped = True

    def joined(self) -> list[tuple[int, str, Perspective]]:
        return list(self.people)

    def progress(self) -> Progress:
        assert self.round is not None
        return progress(self.round, [p for p, _, _ in self.people], self.votes.get(self.round.id, []))

    async def open_round(self, dimension_keys: Sequence[str] | None = None) -> Round:
        number = 1 + max((r.number for r in self.rounds), default=0)
        self.round = Round(len(self.rounds) + 1, self.workshop_id, number, self.kind, RoundState.OPEN,
                           tuple(dimension_keys or self.dimension_keys), "2026-03-14T09:30:00Z")
        self.rounds.append(self.round)
        return self.round

    async def close_round(self) -> Round:
        return self._move(RoundState.CLOSED)

    async def reveal(self) -> Round:
        return self._move(RoundState.REVEALED)

    def _move(self, state: RoundState) -> Round:
        assert self.round is not None
        self.round = replace(self.round, state=state)
        self.rounds[self.round.id - 1] = self.round
        return self.round

    # As the phones would: each tells the screen through on_news.
    def join(self, participant_id: int, name: str, perspective: Perspective) -> None:
        self.people.append((participant_id, name, perspective))
        self.on_news()

    def vote(self, *votes: Vote) -> None:
        assert self.round is not None
        kept = self.votes.setdefault(self.round.id, [])
        for vote in votes:
            kept[:] = [v for v in kept if (v.participant_id, v.dimension_key)
                       != (vote.participant_id, vote.dimension_key)]
            kept.append(vote)
        self.on_news()

    # What the session reads back (WorkshopSession.rounds, round_votes), from this room's memory.
    def all_rounds(self, workshop_id: int) -> list[Round]:
        return list(self.rounds)

    def round_votes(self, round_id: int) -> list[Vote]:
        return list(self.votes.get(round_id, []))


class Rooms:
    """The factory the app is given: it keeps the rooms it made."""

    def __init__(self, refuse_start: OSError | None = None) -> None:
        self.made: list[FakeRoom] = []
        self.refuse_start = refuse_start

    def __call__(self, session, workshop_id, kind, *, host, port, on_news) -> FakeRoom:
        room = FakeRoom(session, workshop_id, kind, host=host, port=port, on_news=on_news, dimension_keys=KEYS,
                        refuse_start=self.refuse_start)
        # What the session's reads give back: this room's own rounds and votes.
        session.rounds = room.all_rounds
        session.round_votes = room.round_votes
        self.made.append(room)
        return room

    @property
    def room(self) -> FakeRoom:
        return self.made[-1]
