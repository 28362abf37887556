"""Blind rounds through the session, on the database: what the room's phones (csi_tui/room)
and the room screen rely on."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from csi_tui.domain.rounds import RoundState, Vote, VoteRefused, convergence, progress, worth_revoting
from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.session.workshop_session import WorkshopSession
from tests.conftest import create_workshop


@pytest.fixture
def room(db_path: Path, store) -> tuple[WorkshopSession, int]:  # type: ignore[no-untyped-def]
    workshop_id = create_workshop(store)
    store.close()
    session = WorkshopSession(db_path)
    yield session, workshop_id
    session.close()


def scores_in_file(db_path: Path) -> list[tuple[str, str, str, int]]:
    with sqlite3.connect(db_path) as db:
        return db.execute(
            """SELECT p.name, d.key, s.kind, s.value FROM score s JOIN participant p ON p.id = s.participant_id
               JOIN dimension d ON d.id = s.dimension_id ORDER BY p.name, d.position""").fetchall()


def votes_in_file(db_path: Path) -> list[tuple[int, str, str, int]]:
    with sqlite3.connect(db_path) as db:
        return db.execute(
            """SELECT r.number, p.name, d.key, v.value FROM room_vote v JOIN room_round r ON r.id = v.round_id
               JOIN participant p ON p.id = v.participant_id JOIN dimension d ON d.id = v.dimension_id
               ORDER BY r.number, p.name, d.position""").fetchall()


def test_two_rounds_keep_each_rounds_votes_and_the_last_as_the_score(room, db_path: Path) -> None:
    session, workshop_id = room
    ana = session.join_room(workshop_id, "  Ana ", Perspective.BUSINESS).result()
    ben = session.join_room(workshop_id, "Ben", Perspective.IT).result()
    assert ana.name == "Ana"
    first = session.open_round(workshop_id, ScoreKind.CURRENT).result()
    keys = first.dimension_keys
    assert first.number == 1 and first.state is RoundState.OPEN and len(keys) >= 2
    refused = session.cast_votes(workshop_id, first.id, [
        Vote(ana.id, keys[0], 1), Vote(ben.id, keys[0], 4), Vote(ana.id, keys[1], 2), Vote(ben.id, keys[1], 2),
        Vote(ana.id, keys[0], 2, "changed her mind"),
    ]).result()
    assert refused == []
    session.reveal_round(workshop_id, first.id).result()
    assert worth_revoting(keys, session.round_votes(first.id)) == [keys[0]]  # 2 vs 4; 2 vs 2 agreed
    second = session.open_round(workshop_id, ScoreKind.CURRENT, [keys[0]]).result()
    assert second.number == 2 and second.dimension_keys == (keys[0],)
    session.cast_votes(workshop_id, second.id, [Vote(ana.id, keys[0], 3), Vote(ben.id, keys[0], 3)]).result()

    assert votes_in_file(db_path) == [
        (1, "Ana", keys[0], 2), (1, "Ana", keys[1], 2), (1, "Ben", keys[0], 4), (1, "Ben", keys[1], 2),
        (2, "Ana", keys[0], 3), (2, "Ben", keys[0], 3)]
    assert scores_in_file(db_path) == [
        ("Ana", keys[0], "current", 3), ("Ana", keys[1], "current", 2),
        ("Ben", keys[0], "current", 3), ("Ben", keys[1], "current", 2)]
    [moved] = convergence(second, session.round_votes(first.id), session.round_votes(second.id))
    assert (moved.before, moved.after, moved.converged) == (2, 0, True)
    # The gap matrix reads them like typed scores: the participants' median is the current level.
    row = next(r for r in session.snapshot(workshop_id).gap_rows() if r.key == keys[0])
    assert row.current == 3


def test_refused_votes_are_named_and_nothing_of_them_is_stored(room, db_path: Path) -> None:
    session, workshop_id = room
    ana = session.join_room(workshop_id, "Ana", Perspective.BUSINESS).result()
    round_ = session.open_round(workshop_id, ScoreKind.TARGET, None).result()
    key = round_.dimension_keys[0]
    bad = [Vote(ana.id, key, 99), Vote(ana.id, "no-such-dimension", 2), Vote(ana.id + 100, key, 2),
           Vote(ana.id, key, 2, "x" * 5000), Vote(ana.id, key, True),  # type: ignore[arg-type]
           Vote(ana.id, key, 2, "see \x1b]52;c;aGk=\x07 the log")]  # an escape sequence is not evidence
    refused = session.cast_votes(workshop_id, round_.id, bad).result()
    assert [vote for vote, _ in refused] == bad
    assert all(reason and "\n" not in reason for _, reason in refused)
    session.close_round(workshop_id, round_.id).result()
    assert session.cast_votes(workshop_id, round_.id, [Vote(ana.id, key, 2)]).result()[0][1] == "the round is closed"
    assert votes_in_file(db_path) == [] and scores_in_file(db_path) == []


def test_a_new_round_closes_the_open_one_and_names_are_checked(room) -> None:
    session, workshop_id = room
    first = session.open_round(workshop_id, ScoreKind.CURRENT).result()
    session.open_round(workshop_id, ScoreKind.TARGET).result()
    states = {r.id: r.state for r in session.rounds(workshop_id)}
    assert states[first.id] is RoundState.CLOSED and list(states.values()).count(RoundState.OPEN) == 1
    session.join_room(workshop_id, "Sam", Perspective.IT).result()
    for name in ("sam ", "", "[bold]x", "<script>", "\x1b]52;c;aGk=\x07", "x" * 41):
        with pytest.raises(VoteRefused):
            session.join_room(workshop_id, name, Perspective.IT).result()
    assert [p.name for p in session.participants(workshop_id)] == ["Sam"]


def test_progress_counts_who_scored_every_dimension_of_the_round(room) -> None:
    session, workshop_id = room
    people = [session.join_room(workshop_id, n, Perspective.IT).result() for n in ("A", "B", "C")]
    round_ = session.open_round(workshop_id, ScoreKind.CURRENT, None).result()
    session.cast_votes(workshop_id, round_.id, [Vote(people[0].id, k, 1) for k in round_.dimension_keys]
                       + [Vote(people[1].id, round_.dimension_keys[0], 1)]).result()
    assert progress(round_, [p.id for p in people], session.round_votes(round_.id)).text == "1 of 3 have scored"


async def test_a_batch_of_votes_is_one_change_that_names_only_scores(room) -> None:
    session, workshop_id = room
    session.attach(asyncio.get_running_loop())
    # On the loop, a Future resolves through the loop: await it, never .result() (that would wait forever).
    people = [await asyncio.wrap_future(session.join_room(workshop_id, n, Perspective.IT)) for n in ("A", "B")]
    round_ = await asyncio.wrap_future(session.open_round(workshop_id, ScoreKind.CURRENT, None))
    heard = []
    session.changed.subscribe(heard.append)
    batch = [Vote(p.id, k, 2) for p in people for k in round_.dimension_keys]
    await asyncio.wrap_future(session.cast_votes(workshop_id, round_.id, batch))
    news = [c for c in heard if c.workshop_id == workshop_id]
    assert len(news) == 1 and news[0].scores_of(workshop_id) == frozenset(round_.dimension_keys)


def test_a_refused_name_is_not_logged_as_a_fault(room, caplog: pytest.LogCaptureFixture) -> None:
    # The support log is read when something broke: a phone typing a taken name is not that.
    session, workshop_id = room
    session.join_room(workshop_id, "Sam", Perspective.IT).result()
    with pytest.raises(VoteRefused):
        session.join_room(workshop_id, "SAM", Perspective.IT).result()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_a_burst_of_votes_reaches_the_loop_as_one_record_per_dimension(room) -> None:
    # The news of a write is read on the UI's loop: a room's burst must not hand it a row per vote.
    session, workshop_id = room
    session.attach(asyncio.get_running_loop())
    people = [await asyncio.wrap_future(session.join_room(workshop_id, f"P{n}", Perspective.IT)) for n in range(12)]
    round_ = await asyncio.wrap_future(session.open_round(workshop_id, ScoreKind.CURRENT, None))
    await asyncio.sleep(0)
    heard = []
    session.changed.subscribe(heard.append)
    await asyncio.wrap_future(session.cast_votes(workshop_id, round_.id, [
        Vote(p.id, k, 2, "seen it") for p in people for k in round_.dimension_keys]))
    (news,) = [c for c in heard if c.workshop_id == workshop_id]
    assert news.records == {(workshop_id, "score", key) for key in round_.dimension_keys}
