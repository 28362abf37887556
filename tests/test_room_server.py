"""The room's server as phones use it: join, read the round, score, change a score, send a
batch; what the file holds afterwards; a closed round; a stopped room."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from csi_tui.domain.vocabulary import ScoreKind
from csi_tui.room.news import NEWS_INTERVAL
from csi_tui.room.server import RoomServer
from tests.helpers.room import Phone, a_room

pytestmark = pytest.mark.xdist_group("room")


async def test_a_phone_joins_reads_the_round_and_its_scores_land_in_the_file(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        ann = Phone(room, client)
        joined = await ann.join("Ann", "it")
        assert joined["name"] == "Ann" and joined["perspective"] == "it"
        status, shown = await ann.call("GET", "api/round")
        assert status == 200
        keys = [d["key"] for d in shown["round"]["dimensions"]]
        assert shown["round"]["state"] == "open" and shown["round"]["number"] == 1
        assert [level["value"] for level in shown["scale"]["levels"]] == [1, 2, 3, 4, 5]  # CMMI
        assert shown["me"] == {"name": "Ann", "perspective": "it", "scores": {}}

        assert await ann.vote(keys[0], 2, "we log incidents") == (200, {"key": keys[0], "value": 2,
                                                                          "evidence": "we log incidents"})
        assert (await ann.vote(keys[0], 3))[0] == 200  # changed while the round is open
        status, saved = await ann.call("POST", "api/scores", {"scores": [
            {"key": keys[1], "value": 1}, {"key": keys[2], "value": 4, "evidence": "audited"}]})
        assert (status, saved) == (200, {"saved": 2})

        (participant, name, side), = room.server.joined()
        assert (name, side) == ("Ann", "it")
        assert room.scores() == sorted([(keys[0], participant, 3, ""), (keys[1], participant, 1, ""),
                                        (keys[2], participant, 4, "audited")])
        status, shown = await ann.call("GET", "api/round")
        assert shown["me"]["scores"] == {keys[0]: {"value": 3, "evidence": ""},
                                         keys[1]: {"value": 1, "evidence": ""},
                                         keys[2]: {"value": 4, "evidence": "audited"}}
        assert room.server.progress().text == "0 of 1 have scored"


async def test_a_closed_round_takes_no_votes_and_the_phone_sees_it_closed(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        ann = Phone(room, client)
        await ann.join("Ann")
        key = room.server.round.dimension_keys[0]
        assert (await ann.vote(key, 2))[0] == 200
        await room.server.close_round()
        status, body = await ann.vote(key, 5)
        assert status == 409 and body == {"error": "the round is closed"}
        assert (await ann.call("GET", "api/round"))[1]["round"]["state"] == "closed"
        await room.server.reveal()
        assert (await ann.call("GET", "api/round"))[1]["round"]["state"] == "revealed"
        assert [value for _, _, value, _ in room.scores()] == [2]


async def test_after_stop_the_port_refuses_connections(db_path: Path) -> None:
    async with a_room(db_path) as room:
        port = room.server.port
        await room.server.stop()
        await room.server.stop()  # twice is harmless
        with pytest.raises(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()


async def test_the_screen_hears_of_joins_and_votes_a_few_times_not_once_per_vote(db_path: Path) -> None:
    loop = asyncio.get_running_loop()
    heard: list[float] = []
    told = asyncio.Event()

    def news() -> None:
        assert asyncio.get_running_loop() is loop  # on the UI's loop, where widgets may be touched
        heard.append(loop.time())
        told.set()

    async with a_room(db_path, on_news=news) as room, aiohttp.ClientSession() as client:
        await told.wait()  # the round opened
        phones = [Phone(room, client) for _ in range(12)]
        told.clear()
        await asyncio.gather(*(phone.join(f"P{i}") for i, phone in enumerate(phones)))
        await told.wait()
        assert len(room.server.joined()) == 12
        keys = room.server.round.dimension_keys
        before = len(heard)
        told.clear()
        await asyncio.gather(*(phone.vote(key, 3) for phone in phones for key in keys))
        await told.wait()
        assert room.server.progress().text == "12 of 12 have scored"
        assert 1 <= len(heard) - before < len(phones) * len(keys) / 4
        gaps = [later - earlier for earlier, later in zip(heard, heard[1:])]
        assert all(gap >= NEWS_INTERVAL - 0.01 for gap in gaps)  # at most four a second


async def test_a_room_opened_again_mid_round_carries_on_with_that_round(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        ann = Phone(room, client)
        await ann.join("Ann")
        first = room.server.round
        assert (await ann.vote(first.dimension_keys[0], 4))[0] == 200
        await room.server.stop()
        again = RoomServer(room.session, room.workshop_id, ScoreKind.CURRENT, host="127.0.0.1", port=0)
        await again.start()
        try:
            assert again.round == first and again.code != "123456" and again.url != room.server.url
            assert again.joined() == [] and again.progress().text == "0 of 0 have scored"
            with pytest.raises(aiohttp.ClientConnectionError):  # the old address is gone
                await ann.call("GET", "api/round")
            code = again.code
            async with client.post(again.url + "api/join", json={"code": code, "name": "Bob", "perspective": "it"},
                                   headers={"X-Room-Code": code}) as response:
                assert response.status == 201
                device = (await response.json())["device"]
            async with client.put(again.url + f"api/scores/{first.dimension_keys[0]}", json={"value": 2},
                                  headers={"X-Room-Code": code, "Authorization": f"Bearer {device}"}) as response:
                assert response.status == 200
            assert again.progress().text == "0 of 1 have scored"
        finally:
            await again.stop()
        assert sorted(value for _, _, value, _ in room.scores()) == [2, 4]


def test_the_room_listens_on_the_lan_address_or_loopback_without_a_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import ipaddress
    import socket

    from csi_tui.room import address

    assert ipaddress.ip_address(address.lan_address()).version == 4

    class NoRoute(socket.socket):
        def connect(self, *_: object) -> None:
            raise OSError("Network is unreachable")

    monkeypatch.setattr(address.socket, "socket", NoRoute)
    assert address.lan_address() == "127.0.0.1"


def test_a_phone_may_tap_a_whole_round_fast_but_not_flood() -> None:
    from csi_tui.room.guard import DEVICE_BURST, DEVICE_RATE, TokenBucket, new_code, new_token

    now = [0.0]
    bucket = TokenBucket(DEVICE_BURST, DEVICE_RATE, lambda: now[0])
    # 34 taps in three seconds with a poll every two: all pass.
    for tap in range(34):
        now[0] = tap * 3 / 34
        assert bucket.take()
    # A script: far more than a second's worth at once is cut off.
    assert sum(bucket.take() for _ in range(1000)) < DEVICE_BURST
    now[0] += 1
    assert sum(bucket.take() for _ in range(1000)) == DEVICE_RATE
    assert len(new_token()) >= 22 and len({new_token() for _ in range(100)}) == 100  # ≥ 128 bits
    assert all(len(code) == 6 and code.isdigit() for code in (new_code() for _ in range(100)))


async def test_the_room_answers_phones_while_the_app_is_busy_drawing(db_path: Path) -> None:
    """The room's requests are not queued behind the facilitator's screen: a phone's poll is
    answered while the app's loop is held (a long frame, a burst of keys), and the app's loop in
    turn never waits behind a room's worth of requests."""
    import json
    import threading
    import time
    import urllib.request

    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        ann = Phone(room, client)
        await ann.join("Ann")
        answered: list[float] = []

        def poll() -> None:  # a phone: another thread, since the test's loop is about to be held
            request = urllib.request.Request(room.base + "api/round", headers=ann.headers())
            with urllib.request.urlopen(request, timeout=10) as response:
                assert json.load(response)["me"]["name"] == "Ann"
            answered.append(time.monotonic())

        phone = threading.Thread(target=poll)
        held_from = time.monotonic()
        phone.start()
        time.sleep(1.0)  # the app's loop held for a second, as a frame that long would hold it
        held_until = time.monotonic()
        await asyncio.to_thread(phone.join)
        assert answered and answered[0] - held_from < 0.5 < held_until - held_from


async def test_requests_arriving_together_rest_between_turns_and_a_phone_hanging_up_stops_no_other() -> None:
    from csi_tui.room.pace import PER_TURN, REST, Pace

    loop = asyncio.get_running_loop()
    pace = Pace()
    served: list[float] = []

    async def request() -> None:
        await pace.turn()
        served.append(loop.time())

    waiting = [asyncio.create_task(request()) for _ in range(60)]
    await asyncio.sleep(0)
    waiting[-1].cancel()  # a phone hangs up while it waits for its turn
    await asyncio.gather(*waiting, return_exceptions=True)
    assert len(served) == 59 and waiting[-1].cancelled()
    turns: list[list[float]] = []
    for moment in served:  # in the order served: a new turn after each rest
        if turns and moment - turns[-1][0] < REST / 2:
            turns[-1].append(moment)
        else:
            turns.append([moment])
    assert max(len(turn) for turn in turns) <= PER_TURN
    assert len(turns) >= 59 // PER_TURN  # rests between them, where the UI thread has the interpreter
    assert all(later[0] - earlier[0] >= REST * 0.9 for earlier, later in zip(turns, turns[1:]))
