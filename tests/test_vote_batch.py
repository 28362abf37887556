"""A batch of votes from the room (store/rounds.py `cast_votes`) is written set-based, in one
transaction: it must leave the file exactly as the same votes cast one at a time would (the last
tap wins, each real change logged in turn, a vote equal to the score writes nothing), and its
work must not grow by statements per vote."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from csi_tui.domain.models import Score
from csi_tui.domain.rounds import Vote
from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.store.workshop_store import WorkshopStore, open_store
from tests.conftest import create_workshop, fixed_clock


def a_room(path: Path, people: int = 3, template: str = "itil4-dimensions"
           ) -> tuple[WorkshopStore, int, list[int], int, tuple[str, ...]]:
    """A workshop with `people` joined from phones, typed scores already there, round 1 open."""
    store = open_store(path, clock=fixed_clock)
    workshop_id = create_workshop(store, template)
    ids = [store.join_room(workshop_id, f"Person {n}", Perspective.IT if n % 2 else Perspective.BUSINESS).id
           for n in range(people)]
    round_ = store.open_round(workshop_id, ScoreKind.CURRENT)
    keys = round_.dimension_keys
    # Typed before the round: a vote for the same voice updates it, or, when equal, leaves it be.
    store.save_score(workshop_id, Score(dimension_key=keys[1], kind=ScoreKind.CURRENT, value=4,
                                        participant_id=ids[0], evidence="typed"))
    store.save_score(workshop_id, Score(dimension_key=keys[2], kind=ScoreKind.CURRENT, value=2,
                                        participant_id=ids[1]))
    return store, workshop_id, ids, round_.id, keys


def the_file(path: Path) -> dict[str, list[Any]]:
    with sqlite3.connect(path) as db:
        found = {table: db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
                 for table in ("score", "room_vote", "change_log", "workshop")}
        found["gap_row"] = db.execute("SELECT * FROM gap_row ORDER BY dimension_id").fetchall()
    db.close()
    return found


def test_a_batch_leaves_the_file_as_the_same_votes_cast_one_at_a_time(tmp_path: Path) -> None:
    batch_store, workshop_id, people, round_id, keys = a_room(tmp_path / "batch.db")
    single_store, _, _, _, _ = a_room(tmp_path / "single.db")
    ana, ben, cy = people
    votes = [
        Vote(ana, keys[0], 1), Vote(ben, keys[0], 4),
        Vote(ana, keys[0], 2, "seen it"),  # the same person and dimension again: the later wins
        Vote(ana, keys[0], 2, "seen it"),  # the same again: nothing written, nothing logged
        Vote(ana, keys[1], 4, "typed"),  # equal to the typed score: nothing
        Vote(ana, keys[1], 5, "typed"), Vote(ana, keys[1], 4, "typed"),  # there and back: both logged
        Vote(ben, keys[2], 3), Vote(ben, keys[2], 3, "why"),  # the level, then only the evidence
        Vote(cy, keys[0], 9),  # off the scale: refused, nothing of it stored
        Vote(999, keys[0], 2),  # nobody in the room: refused
        Vote(cy, keys[0], 3), Vote(ana, keys[0], 3),
    ]
    with batch_store:
        refused = batch_store.cast_votes(workshop_id, round_id, votes)
    with single_store:
        refused_one_at_a_time = [why for vote in votes
                                 for why in single_store.cast_votes(workshop_id, round_id, [vote])]

    assert refused == refused_one_at_a_time == [
        (Vote(cy, keys[0], 9), "a score is a level from 1 to 5"),
        (Vote(999, keys[0], 2), "you are not in this workshop's room")]
    batch, single = the_file(tmp_path / "batch.db"), the_file(tmp_path / "single.db")
    assert batch == single
    ana_first = f"{keys[0]}/current/{ana}/business"
    assert [row[3:] for row in batch["change_log"] if row[4] == ana_first] == [
        ("score", ana_first, "value", None, "1"), ("score", ana_first, "evidence", None, ""),
        ("score", ana_first, "value", "1", "2"), ("score", ana_first, "evidence", "", "seen it"),
        ("score", ana_first, "value", "2", "3"), ("score", ana_first, "evidence", "seen it", ""),
    ]
    ana_typed = f"{keys[1]}/current/{ana}/business"
    assert [row[5:] for row in batch["change_log"] if row[4] == ana_typed][-2:] == [
        ("value", "4", "5"), ("value", "5", "4")]
    with sqlite3.connect(tmp_path / "batch.db") as db:
        scores = {(key, person): (value, evidence) for key, person, value, evidence in db.execute(
            "SELECT d.key, s.participant_id, s.value, s.evidence FROM score s JOIN dimension d ON d.id = s.dimension_id")}
    db.close()
    assert scores[(keys[0], ana)] == (3, "") and scores[(keys[0], ben)] == (4, "")
    assert scores[(keys[0], cy)] == (3, "") and (keys[0], 999) not in scores
    assert scores[(keys[1], ana)] == (4, "typed")
    assert scores[(keys[2], ben)] == (3, "why")


class CountingConnection:
    """The store's connection, counting the statements handed to SQLite from Python."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.statements = 0

    def execute(self, *args: Any) -> sqlite3.Cursor:
        self.statements += 1
        return self.conn.execute(*args)

    def executemany(self, *args: Any) -> sqlite3.Cursor:
        self.statements += 1
        return self.conn.executemany(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


def test_a_burst_of_votes_costs_the_writer_as_many_statements_as_a_few_votes(tmp_path: Path) -> None:
    # The writer thread shares the CPU and the GIL with the facilitator's typing: 60 phones x 34
    # dimensions must not mean three statements a vote (6,120), as it did.
    store, workshop_id, people, round_id, keys = a_room(tmp_path / "room.db", 60, "itil4-practices")
    counted = []
    with store:
        plain = store.db.conn
        assert len(keys) == 34
        for level, who in ((2, people[:2]), (3, people)):  # 68 votes, then 2,040
            counting = CountingConnection(plain)
            store.db.conn = counting  # type: ignore[assignment]
            try:
                assert store.cast_votes(workshop_id, round_id,
                                        [Vote(person, key, level) for person in who for key in keys]) == []
            finally:
                store.db.conn = plain
            counted.append(counting.statements)
        (stored,) = store.db.execute(
            "SELECT count(*) FROM score WHERE workshop_id = ? AND value = 3", [workshop_id]).fetchone()
    assert stored == 60 * len(keys)
    assert counted[1] == counted[0] < 30
