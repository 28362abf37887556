"""What the room refuses, and that a refusal stores nothing: guesses at the URL and the code,
phones that never joined or pretend to be someone else, closed rounds and rooms, oversized
bodies, floods, other sites' pages, values off the scale, and markup in a name."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

import aiohttp
import pytest

from tests.helpers.room import CODE, TOKEN, Phone, Room, a_room

pytestmark = pytest.mark.xdist_group("room")


def participants(room: Room) -> list[str]:
    from csi_tui.store.workshop_store import open_store

    with open_store(room.db_path) as store:
        return [p.name for p in store.participants(room.workshop_id)]


async def raw(room: Room, request: bytes) -> bytes:
    """Send bytes as they are (no client to tidy them up) and read the answer's head."""
    reader, writer = await asyncio.open_connection("127.0.0.1", room.server.port)
    try:
        writer.write(request)
        await writer.drain()
        return await reader.read(4096)
    finally:
        writer.close()


async def test_a_wrong_or_missing_token_finds_nothing(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        origin = room.base.removesuffix(f"r/{TOKEN}/")
        join = {"code": CODE, "name": "Eve", "perspective": "it"}
        for path in (f"r/{'u' * 32}/api/join", f"r/{TOKEN[:-1]}/api/join", "r//api/join", "api/join"):
            async with client.post(origin + path, json=join, headers={"X-Room-Code": CODE}) as response:
                assert response.status == 404, path
        for path in (f"r/{'u' * 32}/", "", f"r/{TOKEN}/static/../../server.py", f"r/{TOKEN}/static/index.py"):
            async with client.get(origin + path) as response:
                assert response.status == 404, path
        assert participants(room) == []


async def test_a_wrong_or_missing_room_code_is_refused(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        eve = Phone(room, client)
        body = {"code": CODE, "name": "Eve", "perspective": "it"}
        assert (await eve.call("POST", "api/join", body, **{"X-Room-Code": "654321"}))[0] == 403
        assert (await eve.call("POST", "api/join", {**body, "code": "654321"}))[0] == 403
        assert (await eve.call("POST", "api/join", {"name": "Eve", "perspective": "it"}))[0] == 403
        async with client.post(room.base + "api/join", json=body) as response:  # no code header at all
            assert response.status == 403
        assert participants(room) == []
        await eve.join("Ann")
        key = room.server.round.dimension_keys[0]
        assert (await eve.call("PUT", f"api/scores/{key}", {"value": 2}, **{"X-Room-Code": "000000"}))[0] == 403
        assert room.scores() == []


async def test_a_phone_that_never_joined_cannot_score(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        ann, eve = Phone(room, client), Phone(room, client)
        await ann.join("Ann")
        key = room.server.round.dimension_keys[0]
        secret = ann.device.split(".", 1)[1]
        # Digits Python's isdigit() takes and int() does not ("²", "①") name no device either.
        for device in (None, "0.guess", "0." + secret[:-1] + "x", "7.x", "x.y", "0", f"\u00b2.{secret}",
                       f"\u2460.{secret}"):
            eve.device = device
            status, body = await eve.vote(key, 3)
            assert status == 401, device
            assert body == {"error": "join the room first"}
            assert (await eve.call("GET", "api/round"))[0] == 401
        async with client.get(room.base + "api/round", headers={"X-Room-Code": CODE, "Authorization": ann.device}
                              ) as response:  # joined, but the device sent without "Bearer "
            assert (response.status, await response.json()) == (
                401, {"error": "send the device as Authorization: Bearer <device>"})
        assert room.scores() == []


async def test_a_phone_scores_only_for_its_own_participant(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        ann, bob = Phone(room, client), Phone(room, client)
        await ann.join("Ann")
        await bob.join("Bob")
        ann_id = next(p for p, name, _ in room.server.joined() if name == "Ann")
        bob_id = next(p for p, name, _ in room.server.joined() if name == "Bob")
        key = room.server.round.dimension_keys[0]
        assert (await ann.vote(key, 2))[0] == 200
        # The device decides who scores: a participant named in the body is refused outright.
        for forged in ({"value": 5, "participant_id": ann_id}, {"value": 5, "participant": ann_id}):
            status, body = await bob.call("PUT", f"api/scores/{key}", forged)
            assert status == 422 and body["error"].startswith("unknown field")
        status, _ = await bob.call("POST", "api/scores", {"scores": [{"key": key, "value": 5, "participant_id": ann_id}]})
        assert status == 422
        assert room.scores() == [(key, ann_id, 2, "")]
        # And what a phone reads is its own: nothing of Ann's reaches Bob.
        _, shown = await bob.call("GET", "api/round")
        assert shown["me"] == {"name": "Bob", "perspective": "business", "scores": {}}
        assert "Ann" not in str(shown) and bob_id != ann_id


async def test_a_closed_round_and_a_stopped_room_store_nothing(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        ann = Phone(room, client)
        await ann.join("Ann")
        key = room.server.round.dimension_keys[0]
        await room.server.close_round()
        assert await ann.vote(key, 3) == (409, {"error": "the round is closed"})
        status, _ = await ann.call("POST", "api/scores", {"scores": [{"key": key, "value": 3}]})
        assert status == 409
        port = room.server.port
        await room.server.stop()
        with pytest.raises(aiohttp.ClientConnectionError):
            await ann.vote(key, 3)
        with pytest.raises(OSError):
            await asyncio.open_connection("127.0.0.1", port)
        assert room.scores() == []


async def test_a_body_over_16_kib_is_refused_before_it_is_read(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        ann = Phone(room, client)
        await ann.join("Ann")
        key = room.server.round.dimension_keys[0]
        head = (f"PUT /r/{TOKEN}/api/scores/{key} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Room-Code: {CODE}\r\n"
                f"Authorization: Bearer {ann.device}\r\nContent-Type: application/json\r\n")
        # 100 MB announced, none of it sent: the answer comes from the headers alone.
        answer = await asyncio.wait_for(raw(room, (head + "Content-Length: 100000000\r\n\r\n").encode()), 10)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
        # Chunked, with no length to go by: refused once 16 KiB have come, not after 100 MB.
        chunk = b'{"value": 1, "evidence": "' + b"x" * 32_000
        chunked = (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        answer = await asyncio.wait_for(raw(room, chunked), 10)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
        assert room.scores() == []


async def test_a_flood_from_one_phone_gets_429s_and_stores_only_what_was_allowed(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=200)) as client:
        ann = Phone(room, client)
        await ann.join("Ann")
        key = room.server.round.dimension_keys[0]
        answers = await asyncio.gather(*(ann.vote(key, 1 + i % 5) for i in range(1000)))
        allowed = [value for i, (status, _) in enumerate(answers) if status == 200 for value in [1 + i % 5]]
        statuses = {status for status, _ in answers}
        assert statuses == {200, 429}
        assert sum(status == 429 for status, _ in answers) > 500
        (stored,) = room.scores()
        assert stored[2] in allowed
        # Every vote that was let through is in the change log; none that was refused.
        from csi_tui.store.workshop_store import open_store
        with open_store(room.db_path) as store:
            logged = store.db.execute(
                "SELECT count(*) FROM change_log WHERE entity = 'score' AND field = 'value'").fetchone()[0]
        assert logged <= len(allowed)


async def test_another_sites_page_cannot_post_to_the_room(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        url = room.base + "api/join"
        form = "code=123456&name=Eve&perspective=it"
        # An HTML form on evil.example: the browser names its origin, and sends no JSON.
        async with client.post(url, data=form, headers={
                "X-Room-Code": CODE, "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site",
                "Content-Type": "application/x-www-form-urlencoded"}) as response:
            assert response.status == 403
        async with client.post(url, data=form, headers={
                "X-Room-Code": CODE, "Content-Type": "application/x-www-form-urlencoded"}) as response:
            assert response.status == 415
        async with client.post(url, data='{"code": "123456", "name": "Eve", "perspective": "it"}', headers={
                "X-Room-Code": CODE, "Content-Type": "text/plain"}) as response:
            assert response.status == 415
        join = {"code": CODE, "name": "Eve", "perspective": "it"}
        for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                        {"Origin": "null"}, {"Sec-Fetch-Site": "same-site"}):
            async with client.post(url, json=join, headers={"X-Room-Code": CODE, **headers}) as response:
                assert response.status == 403, headers
        assert participants(room) == []
        own = room.base.removesuffix(f"/r/{TOKEN}/")
        async with client.post(url, json=join, headers={
                "X-Room-Code": CODE, "Origin": own, "Sec-Fetch-Site": "same-origin"}) as response:
            assert response.status == 201  # the room's own page
        assert participants(room) == ["Eve"]


async def test_scores_off_the_scale_or_for_unknown_dimensions_are_refused(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        ann = Phone(room, client)
        await ann.join("Ann")
        key = room.server.round.dimension_keys[0]
        for value in (0, 6, -1, 2.5, "3", True, None):
            status, body = await ann.vote(key, value)  # type: ignore[arg-type]
            assert (status, body) == (422, {"error": "a score is a level from 1 to 5"}), value
        assert await ann.vote("no-such-dimension", 3) == (
            422, {"error": "'no-such-dimension' is not scored in this round"})
        assert (await ann.vote(key, 3, "x" * 1001))[0] == 422
        assert (await ann.vote(key, 3, "see \x1b[2J the log"))[0] == 422
        assert await ann.vote(key, 3, "half a character \ud800") == (422, {"error": "evidence is plain text"})
        status, _ = await ann.call("POST", "api/scores", {"scores": [{"key": key, "value": 3},
                                                                      {"key": key, "value": 9}]})
        assert status == 422  # one refused: none of the batch is stored
        assert room.scores() == []


@pytest.mark.parametrize("name", ["[bold]x", "<script>alert(1)</script>", "\x1b]52;c;aGVsbG8=\x07", "a\nb",
                                  "{x}", "", "   ", "n" * 41,
                                  # Invisible: a lone surrogate (not text at all), zero-width space,
                                  # a right-to-left override that reverses the grid's columns.
                                  "\ud800x", "Ann\u200b", "\u200b", "\u202eeve", "Bo\ufeff"])
async def test_markup_and_escapes_in_a_name_are_refused(db_path: Path, name: str) -> None:
    async with a_room(db_path, anonymous=True) as room, aiohttp.ClientSession() as client:
        eve = Phone(room, client)
        status, body = await eve.call("POST", "api/join", {"code": CODE, "name": name, "perspective": "it"})
        assert status == 422 and "\n" not in body["error"]
        status, _ = await eve.call("POST", "api/join", {"code": CODE, "name": "Eve", "perspective": "root"})
        assert status == 422
        assert participants(room) == []


async def test_every_answer_carries_the_security_headers_and_the_page_has_no_inline_script(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        for url in (room.base, room.base + "static/room.js", room.base + "api/round",
                    room.base.replace(TOKEN, "u" * 32)):
            async with client.get(url) as response:
                assert response.headers["Content-Security-Policy"].startswith("default-src 'self'"), url
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                assert response.headers["Referrer-Policy"] == "no-referrer"
                assert response.headers["Cache-Control"] == "no-store"
        async with client.get(room.base) as response:
            page = await response.text()
        assert re.findall(r"<script[^>]*>", page) == ['<script src="static/room.js" defer>']
        assert "http" not in page.replace('"http-equiv"', "")  # nothing loaded from anywhere else
        async with client.get(room.base + "static/room.js") as response:
            script = await response.text()
        assert "innerHTML" not in script and "http" not in script


async def test_two_phones_cannot_take_the_same_name(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        await Phone(room, client).join("Ann")
        await Phone(room, client).join("Z\u00e9")  # é composed
        # As people read them: case, spaces, full-width letters, é composed or as e and an accent.
        for name in (" ann ", "ANN", "\uff21nn", "Ze\u0301"):
            status, body = await Phone(room, client).call("POST", "api/join", {"code": CODE, "name": name,
                                                                              "perspective": "it"})
            assert (status, body) == (422, {"error": "that name is taken: add an initial"})
        # Two phones asking for one name at the same moment: one of them gets it.
        answers = await asyncio.gather(*(Phone(room, client).call(
            "POST", "api/join", {"code": CODE, "name": "Bo", "perspective": "it"}) for _ in range(3)))
        assert sorted(status for status, _ in answers) == [201, 422, 422]
        assert participants(room) == ["Ann", "Z\u00e9", "Bo"]


async def test_a_body_that_is_not_plain_json_is_refused_in_one_line(db_path: Path) -> None:
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        ann = Phone(room, client)
        await ann.join("Ann")
        key = room.server.round.dimension_keys[0]
        for body in ("[" * 5000 + "]" * 5000, '{"value": ' + "9" * 5000 + "}", "{not json", b"\xff\xfe"):
            async with client.put(room.base + f"api/scores/{key}", data=body, headers=ann.headers(
                    **{"Content-Type": "application/json"})) as response:
                assert response.status in (400, 422), body[:10]
                assert "\n" not in (await response.json())["error"]
        async with client.put(room.base + f"api/scores/{key}", data="[1, 2]", headers=ann.headers(
                **{"Content-Type": "application/json"})) as response:
            assert response.status == 422
        assert room.scores() == []


async def test_the_room_token_never_reaches_the_log(db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        await Phone(room, client).join("Ann")
        # Requests aiohttp itself cannot parse: its log quotes what it could not parse.
        for broken in (f"GET /r/{TOKEN}/api/round HTTP/1.1\r\nHost: x\r\nX-Bad\x01: {TOKEN}\r\n\r\n",
                       f"GET /r/{TOKEN}/\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
                       f"GET /r/{TOKEN}/ HTTP/9.9\r\n\r\n"):
            answer = await asyncio.wait_for(raw(room, broken.encode()), 10)
            assert answer.startswith(b"HTTP/1.1 400") or answer.startswith(b"HTTP/1.0 400"), answer[:60]
    assert caplog.records  # aiohttp did say something
    assert all(TOKEN not in record.getMessage() and TOKEN not in (record.exc_text or "")
               for record in caplog.records)
    assert TOKEN not in caplog.text


async def test_a_phone_is_served_the_round_the_scale_and_its_own_scores_only(db_path: Path) -> None:
    # What the workshop holds beside the round (an answer, a register item, a KPI) and what other
    # people scored or are called never leave the laptop, least of all in an anonymous workshop.
    from datetime import date

    from csi_tui.domain.models import Kpi, RegisterItem
    from csi_tui.store.workshop_store import open_store

    async with a_room(db_path, anonymous=True) as room, aiohttp.ClientSession() as client:
        with open_store(db_path) as store:
            store.save_answer(room.workshop_id, 1, "vision", "SECRET-ANSWER")
            store.add_register_item(room.workshop_id, RegisterItem(raised_on=date(2026, 1, 1), raised_by="Ann",
                                                                   description="SECRET-ITEM"))
            store.add_kpi(room.workshop_id, Kpi(name="SECRET-KPI", unit="%"))
        owl, fox = Phone(room, client), Phone(room, client)
        await owl.join("Owl")
        await fox.join("Fox-SECRET-NAME", "it")
        key = room.server.round.dimension_keys[0]
        assert (await owl.vote(key, 2))[0] == 200 and (await fox.vote(key, 5, "SECRET-EVIDENCE"))[0] == 200
        status, body = await owl.call("GET", "api/round")
        assert status == 200 and set(body) == {"anonymous", "scale", "round", "me"}
        assert body["me"] == {"name": "Owl", "perspective": "business",
                              "scores": {key: {"value": 2, "evidence": ""}}}
        assert "SECRET" not in str(body)


async def test_guessing_the_room_code_is_slowed_to_a_guess_every_two_seconds(db_path: Path) -> None:
    """Whoever has the join link (a photo of the QR code) still needs the code on the projector:
    after GUESS_BURST wrong codes from an address, it gets 429, the right code included, so that
    a right guess does not show."""
    from csi_tui.room.guard import GUESS_BURST

    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        eve = Phone(room, client)
        guesses = (f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" != CODE)
        statuses = [(await eve.call("GET", "api/round", **{"X-Room-Code": next(guesses)}))[0]
                    for _ in range(GUESS_BURST)]
        assert statuses == [403] * GUESS_BURST
        status, body = await eve.call("GET", "api/round", **{"X-Room-Code": next(guesses)})
        assert (status, body) == (429, {"error": "too many wrong room codes from this address: wait a minute"})
        assert (await eve.call("GET", "api/round"))[0] == 429  # the right code: refused alike


def test_an_address_that_spent_its_guesses_may_guess_again_at_the_guess_rate() -> None:
    from csi_tui.room.guard import GUESS_BURST, GUESS_RATE, AddressLimits

    now = [0.0]
    guesses = AddressLimits(GUESS_BURST, GUESS_RATE, clock=lambda: now[0])
    for _ in range(GUESS_BURST):
        assert not guesses.spent("10.0.0.7")
        guesses.allow("10.0.0.7")
    assert guesses.spent("10.0.0.7") and not guesses.spent("10.0.0.8")
    now[0] += 1 / GUESS_RATE
    assert not guesses.spent("10.0.0.7")  # one more guess, two seconds later
    guesses.allow("10.0.0.7")
    assert guesses.spent("10.0.0.7")


async def test_the_room_seats_so_many_and_then_says_it_is_full(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A script joining from many addresses made 1,101 participants in 9.5 s, each a name in the
    workshop for good."""
    from csi_tui.room import server

    monkeypatch.setattr(server, "ROOM_SEATS", 3)
    async with a_room(db_path) as room, aiohttp.ClientSession() as client:
        answers = await asyncio.gather(*(Phone(room, client).call(
            "POST", "api/join", {"code": CODE, "name": f"P{n}", "perspective": "it"}) for n in range(5)))
        assert sorted(status for status, _ in answers) == [201, 201, 201, 409, 409]
        assert {"error": "the room is full: ask the facilitator"} in [body for _, body in answers]
        assert len(participants(room)) == 3
