"""Sixty phones join at once and send all 34 dimensions of the practices template together, on
loopback: every vote lands exactly once, and the gap matrix in the file is what the votes say."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from statistics import median

import aiohttp
import pytest

from tests.helpers.room import Phone, a_room

pytestmark = pytest.mark.xdist_group("room")

PEOPLE = 60
LIMIT_SECONDS = 60


def level(person: int, dimension: int) -> int:
    """A spread of opinions that differs per dimension and per person (CMMI: 1 to 5)."""
    return 1 + (person * 7 + dimension * 3 + person * dimension) % 5


async def test_sixty_phones_scoring_34_dimensions_at_once_lose_and_double_nothing(db_path: Path) -> None:
    async with asyncio.timeout(LIMIT_SECONDS):
        async with a_room(db_path, template="itil4-practices") as room, aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=PEOPLE)) as client:
            keys = list(room.server.round.dimension_keys)
            assert len(keys) == 34
            phones = [Phone(room, client) for _ in range(PEOPLE)]
            started = time.perf_counter()
            await asyncio.gather(*(phone.join(f"Person {i}", "business" if i % 2 else "it")
                                   for i, phone in enumerate(phones)))
            joined = time.perf_counter()

            async def score(i: int, phone: Phone) -> tuple[int, object]:
                return await phone.call("POST", "api/scores", {"scores": [
                    {"key": key, "value": level(i, d), "evidence": f"seen by {i}" if d % 5 == 0 else ""}
                    for d, key in enumerate(keys)]})

            answers = await asyncio.gather(*(score(i, phone) for i, phone in enumerate(phones)))
            scored = time.perf_counter()
            assert answers == [(200, {"saved": 34})] * PEOPLE
            transactions = room.server._box.transactions
            print(f"\n60 joins {joined - started:.2f} s; 2,040 votes {scored - joined:.2f} s "
                  f"in {transactions} transactions")
            assert transactions <= PEOPLE  # batched: never one per vote (2,040), usually a handful
            assert room.server.progress().text == f"{PEOPLE} of {PEOPLE} have scored"
            round_id = room.server.round.id
            votes = await asyncio.to_thread(room.session.round_votes, round_id)

    ids = {name: participant for participant, name, _ in room.server.joined()}
    expected = {(ids[f"Person {i}"], key): level(i, d) for i in range(PEOPLE) for d, key in enumerate(keys)}
    assert len(votes) == PEOPLE * 34
    assert {(v.participant_id, v.dimension_key): v.value for v in votes} == expected

    with sqlite3.connect(db_path) as db:
        stored = db.execute(
            """SELECT s.participant_id, d.key, s.value FROM score s JOIN dimension d ON d.id = s.dimension_id
               WHERE d.workshop_id = ? AND s.participant_id IS NOT NULL AND s.kind = 'current'""",
            [room.workshop_id]).fetchall()
        gap = {key: (current, spread, perception) for key, current, spread, perception in db.execute(
            """SELECT d.key, g.current, g.spread, g.perception_gap FROM gap_row g
               JOIN dimension d ON d.id = g.dimension_id WHERE g.workshop_id = ?""", [room.workshop_id])}
        (vote_rows,) = db.execute("SELECT count(*) FROM room_vote WHERE round_id = ?", [round_id]).fetchone()
    db.close()
    assert vote_rows == len(stored) == PEOPLE * 34  # no vote lost, none twice
    assert {(participant, key): value for participant, key, value in stored} == expected

    for d, key in enumerate(keys):
        values = [level(i, d) for i in range(PEOPLE)]
        business = [level(i, d) for i in range(PEOPLE) if i % 2]
        it = [level(i, d) for i in range(PEOPLE) if not i % 2]
        assert gap[key] == (median(values), max(values) - min(values), median(business) - median(it)), key
