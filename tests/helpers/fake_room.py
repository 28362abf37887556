"""A room's server with a fixed address and code and no socket, for the room screen's tests and
snapshots. Everything but HTTP is real: rounds, joins and votes go through the session's intents
to the file, as the real server sends them, so the screen reads what the file holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from csi_tui.domain.rounds import Progress, Round, Vote, VoteRefused, progress
from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.session.workshop_session import WorkshopSession

FIXED_URL = "http://192.168.1.20:8765/r/" + "t" * 32 + "/"
FIXED_CODE = "123456"
# The four dimensions of the itil4-dimensions template, in its order.
KEYS = ("organizations-people", "information-technology", "partners-suppliers", "value-streams-processes")


class FakeRoom:
    def __init__(self, session: WorkshopSession, workshop_id: int, kind: ScoreKind, *, host: str | None = None,
                 port: int | None = None, on_news: Callable[[], None], refuse_start: OSError | None = None) -> None:
        self.session, self.workshop_id, self.kind, self.host, self.port = session, workshop_id, kind, host, port
        self.on_news = on_news
        self.url, self.code = FIXED_URL, FIXED_CODE
        self.round: Round | None = None
        self.people: list[tuple[int, str, Perspective]] = []
        self.votes: dict[tuple[int, str], Vote] = {}  # the current round's, as the server holds them
        self.refuse_start = refuse_start
        self.started = self.stopped = self.died = False

    async def start(self) -> None:
        if self.refuse_start is not None:
            raise self.refuse_start
        self.started = True

    async def stop(self) -> None:
        self.stopped = True

    @property
    def running(self) -> bool:
        return self.started and not (self.stopped or self.died)

    def die(self) -> None:
        """As the room's process would if it were killed: it ends and says so once."""
        self.died = True
        self.on_news()

    def joined(self) -> list[tuple[int, str, Perspective]]:
        return list(self.people)

    def progress(self) -> Progress:
        if self.round is None:
            return Progress(len(self.people), 0)
        return progress(self.round, [p for p, _, _ in self.people], self.votes.values())

    async def open_round(self, dimension_keys: Sequence[str] | None = None) -> Round:
        self.round = await asyncio.wrap_future(self.session.open_round(self.workshop_id, self.kind, dimension_keys))
        self.votes = {}
        return self.round

    async def close_round(self) -> Round:
        assert self.round is not None
        self.round = await asyncio.wrap_future(self.session.close_round(self.workshop_id, self.round.id))
        return self.round

    async def reveal(self) -> Round:
        assert self.round is not None
        self.round = await asyncio.wrap_future(self.session.reveal_round(self.workshop_id, self.round.id))
        return self.round

    # As the phones would; each tells the screen through on_news.
    async def join(self, name: str, perspective: Perspective) -> int:
        participant = await asyncio.wrap_future(self.session.join_room(self.workshop_id, name, perspective))
        assert participant.id is not None
        self.people.append((participant.id, participant.name, perspective))
        self.on_news()
        return participant.id

    async def vote(self, *votes: Vote) -> None:
        assert self.round is not None
        refused = await asyncio.wrap_future(self.session.cast_votes(self.workshop_id, self.round.id, votes))
        if refused:
            raise VoteRefused("; ".join(reason for _, reason in refused))
        self.votes.update({(v.participant_id, v.dimension_key): v for v in votes})
        self.on_news()


class Rooms:
    """The factory the app is given (RoomProcess's signature): it keeps the rooms it made."""

    def __init__(self, refuse_start: OSError | None = None) -> None:
        self.made: list[FakeRoom] = []
        self.refuse_start = refuse_start

    def __call__(self, session: WorkshopSession, workshop_id: int, kind: ScoreKind, *, host: str | None,
                 port: int | None, on_news: Callable[[], None]) -> FakeRoom:
        room = FakeRoom(session, workshop_id, kind, host=host, port=port, on_news=on_news,
                        refuse_start=self.refuse_start)
        self.made.append(room)
        return room

    @property
    def room(self) -> FakeRoom:
        return self.made[-1]
