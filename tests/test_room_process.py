"""The room in a process of its own, seen from the app: it listens, its news and the
facilitator's moves cross the pipe, the app's session hears the room's votes, and however the
room ends (asked, the app gone, the process killed) no port stays open and the screen is told."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from csi_tui.domain.rounds import RoundState, VoteRefused
from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.room.process import RoomGone, RoomProcess
from csi_tui.session.workshop_session import Change, WorkshopSession
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop, fixed_clock
from tests.helpers.room import refused


class Heard:
    """The screen's side: counts the room's news and waits for the next."""

    def __init__(self) -> None:
        self.times = 0
        self._event = asyncio.Event()

    def __call__(self) -> None:
        self.times += 1
        self._event.set()

    async def until(self, room: RoomProcess, check: Any) -> None:
        async with asyncio.timeout(10):
            while not check(room):
                self._event.clear()
                await self._event.wait()


@asynccontextmanager
async def a_room_process(db_path: Path, port: int = 0) -> AsyncIterator[tuple[RoomProcess, WorkshopSession, Heard]]:
    with open_store(db_path, clock=fixed_clock) as store:
        workshop_id = create_workshop(store)
    session = WorkshopSession(db_path, clock=fixed_clock)
    session.attach(asyncio.get_running_loop())
    heard = Heard()
    room = RoomProcess(session, workshop_id, ScoreKind.CURRENT, host="127.0.0.1", port=port, on_news=heard)
    try:
        await room.start()
        yield room, session, heard
    finally:
        await room.stop()
        session.close()


async def call(client: aiohttp.ClientSession, room: RoomProcess, method: str, path: str, body: Any,
               device: str | None = None) -> tuple[int, Any]:
    headers = {"X-Room-Code": room.code, **({"Authorization": f"Bearer {device}"} if device else {})}
    async with client.request(method, room.url + path, json=body, headers=headers) as response:
        return response.status, await response.json(content_type=None)


async def test_a_round_in_the_rooms_process_lands_in_the_file_the_app_reads(db_path: Path) -> None:
    async with a_room_process(db_path) as (room, session, heard), aiohttp.ClientSession() as client:
        assert room.url.startswith(f"http://127.0.0.1:{room.port}/r/") and len(room.code) == 6
        # Below the app: when both want the CPU, the facilitator's key is drawn first.
        assert room._child is not None
        assert os.getpriority(os.PRIO_PROCESS, room._child.pid) > os.getpriority(os.PRIO_PROCESS, 0)
        changes: list[Change] = []
        session.changed.subscribe(changes.append)
        round_ = await room.open_round()
        assert round_.is_open and room.round == round_
        devices = []
        for name, side in (("Ann", "business"), ("Bob", "it")):
            status, body = await call(client, room, "POST", "api/join", {"code": room.code, "name": name,
                                                                          "perspective": side})
            assert status == 201
            devices.append(body["device"])
        await heard.until(room, lambda r: len(r.joined()) == 2)
        assert [(name, side) for _, name, side in room.joined()] == [("Ann", Perspective.BUSINESS),
                                                                     ("Bob", Perspective.IT)]
        ballot = {"scores": [{"key": key, "value": 3} for key in round_.dimension_keys]}
        assert (await call(client, room, "POST", "api/scores", ballot, devices[0]))[0] == 200
        await heard.until(room, lambda r: r.progress().text == "1 of 2 have scored")
        changes.clear()
        revealed = await room.reveal()
        assert revealed.state is RoundState.REVEALED and room.round == revealed
        # The app's session heard the room's writes when the move came back, not a poll later.
        assert changes and any(change.records for change in changes)
        snapshot = session.snapshot(room.workshop_id)
        ann = next(p.id for p in snapshot.participants if p.name == "Ann")
        assert {s.dimension_key: s.value for s in snapshot.scores if s.participant_id == ann} == {
            key: 3 for key in round_.dimension_keys}
        with pytest.raises(VoteRefused, match="'no-such' is not a dimension of this workshop"):
            await room.open_round(["no-such"])  # the session's rule, one line from the room's process
        assert room.round == revealed
        port = room.port
    assert refused(port)


async def test_a_port_already_taken_is_one_line_and_no_process_is_left(db_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError) as error:
            async with a_room_process(db_path, port=port):
                pass
    assert "cannot listen on 127.0.0.1" in str(error.value) and "\n" not in str(error.value)


async def test_a_room_process_that_dies_tells_the_screen_and_refuses_moves(db_path: Path) -> None:
    async with a_room_process(db_path) as (room, session, heard):
        child = room._child
        assert child is not None and room.running
        told = heard.times
        os.kill(child.pid, signal.SIGKILL)
        await heard.until(room, lambda r: not r.running)
        assert heard.times > told
        with pytest.raises(RoomGone):
            await room.open_round()
        assert refused(room.port)


async def test_the_room_stops_when_the_app_is_gone(db_path: Path) -> None:
    # The app killed: nothing asks the room to stop, but its stdin closes.
    async with a_room_process(db_path) as (room, session, heard):
        child = room._child
        assert child is not None and child.stdin is not None
        child.stdin.close()
        async with asyncio.timeout(10):
            assert await child.wait() == 0
        assert refused(room.port)
