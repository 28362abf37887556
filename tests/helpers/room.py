"""A room on loopback for the room's tests: a real session on a real file, a real server on a
free port of 127.0.0.1, and phones as aiohttp client sessions."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from csi_tui.domain.vocabulary import ScoreKind
from csi_tui.room.server import RoomServer
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop, fixed_clock
from csi_tui.session.workshop_session import WorkshopSession as Session

TOKEN = "t" * 32
CODE = "123456"


@dataclass
class Room:
    server: RoomServer
    session: Session
    workshop_id: int
    db_path: Path

    @property
    def base(self) -> str:
        return self.server.url

    def scores(self) -> list[tuple[str, int | None, int, str]]:
        """(dimension, participant, value, evidence) of every participant score in the file,
        checked against the round's votes there: each vote is also a score (one round per test)."""
        with open_store(self.db_path) as store:
            scores = sorted((s.dimension_key, s.participant_id, s.value, s.evidence)
                            for s in store.scores(self.workshop_id) if s.participant_id is not None)
        with sqlite3.connect(self.db_path) as db:
            votes = sorted(db.execute(
                """SELECT d.key, v.participant_id, v.value, v.evidence FROM room_vote v
                   JOIN dimension d ON d.id = v.dimension_id WHERE d.workshop_id = ?""", [self.workshop_id]))
        db.close()
        assert votes == scores
        return scores


@asynccontextmanager
async def a_room(db_path: Path, template: str = "itil4-dimensions", kind: ScoreKind = ScoreKind.CURRENT,
                 anonymous: bool = False, open_round: bool = True,
                 on_news: Callable[[], None] | None = None) -> AsyncIterator[Room]:
    with open_store(db_path, clock=fixed_clock) as store:
        workshop_id = create_workshop(store, template=template)
        if anonymous:
            store.update_workshop(workshop_id, anonymous=True)
    session = Session(db_path, clock=fixed_clock)
    session.attach(asyncio.get_running_loop())
    server = RoomServer(session, workshop_id, kind, host="127.0.0.1", port=0, token=TOKEN, code=CODE,
                        on_news=on_news)
    await server.start()
    try:
        if open_round:
            await server.open_round()
        yield Room(server, session, workshop_id, db_path)
    finally:
        await server.stop()
        await asyncio.to_thread(session.finish_saves)
        session.close()


class Phone:
    """One participant's phone: the room code on every request, the device secret once joined."""

    def __init__(self, room: Room, client: aiohttp.ClientSession) -> None:
        self.room = room
        self.client = client
        self.device: str | None = None

    def headers(self, **extra: str) -> dict[str, str]:
        headers = {"X-Room-Code": CODE, **extra}
        if self.device:
            headers["Authorization"] = f"Bearer {self.device}"
        return headers

    async def call(self, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, Any]:
        async with self.client.request(method, self.room.base + path, json=body,
                                       headers=self.headers(**headers)) as response:
            return response.status, await response.json(content_type=None)

    async def join(self, name: str, perspective: str = "business") -> dict[str, Any]:
        status, body = await self.call("POST", "api/join", {"code": CODE, "name": name, "perspective": perspective})
        assert status == 201, body
        self.device = body["device"]
        return body

    async def vote(self, key: str, value: int, evidence: str | None = None) -> tuple[int, Any]:
        body: dict[str, Any] = {"value": value}
        if evidence is not None:
            body["evidence"] = evidence
        return await self.call("PUT", f"api/scores/{key}", body)


def refused(port: int) -> bool:
    """Whether a connection to the port on loopback is refused: the room has closed it."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False
