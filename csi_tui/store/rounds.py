"""Blind rounds from the room's phones (domain/rounds.py; the tables: store/schema_rooms.py).

A batch of votes is one transaction: each vote is checked by the same rules as a typed score,
kept as the round's vote and written as the participant's score, with its change-log rows; the gap
rows are computed again once for the batch (store/change_log.py `_change`), not once a vote. The
writing is set-based (one `executemany` for the votes, then `ScoreRecords._put_scores`): sixty
phones' 2,040 votes are a handful of statements on the writer thread, which shares the CPU and
the GIL with the facilitator's typing, not three a vote. The
round's own rows are logged too (entity "room_round"), so that every screen hears of a round
opening, closing or being revealed.
"""

from __future__ import annotations

from collections.abc import Sequence

from csi_tui.domain.errors import InvalidInput, NotFound
from csi_tui.domain.models import Participant
from csi_tui.domain.rounds import NAME_TAKEN, Round, RoundState, Vote, VoteRefused, check_name, check_vote, name_key
from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.store.participants import ParticipantRecords
from csi_tui.store.scores import ScoreRecords


class RoundRecords(ParticipantRecords, ScoreRecords):
    def open_round(self, workshop_id: int, kind: ScoreKind, dimension_keys: Sequence[str] | None = None) -> Round:
        """A new round of `kind`, numbered after the workshop's last of that kind, asking about
        `dimension_keys` (every dimension, in order, when None). A round still open is closed first:
        one round at a time takes votes."""
        ids = self._dimension_ids(workshop_id)
        ordered = [key for (key,) in self.db.execute(
            "SELECT key FROM dimension WHERE workshop_id = ? ORDER BY position, id", [workshop_id])]
        if dimension_keys is None:
            keys = ordered
        else:
            unknown = [key for key in dimension_keys if key not in ids]
            if unknown:
                raise InvalidInput(f"{unknown[0]!r} is not a dimension of this workshop")
            wanted = set(dimension_keys)
            keys = [key for key in ordered if key in wanted]
        if not keys:
            raise InvalidInput("a round asks about one dimension at least")
        with self._change(workshop_id) as log:
            for (round_id,) in self.db.execute(
                    "SELECT id FROM room_round WHERE workshop_id = ? AND state = 'open'", [workshop_id]).fetchall():
                self.db.execute("UPDATE room_round SET state = 'closed' WHERE id = ?", [round_id])
                log.add("room_round", round_id, "state", RoundState.OPEN.value, RoundState.CLOSED.value)
            (last,) = self.db.execute(
                "SELECT ifnull(max(number), 0) FROM room_round WHERE workshop_id = ? AND kind = ?",
                [workshop_id, kind.value]).fetchone()
            round_id = self.db.execute(
                "INSERT INTO room_round (workshop_id, kind, number, state, opened_at) VALUES (?, ?, ?, 'open', ?)",
                [workshop_id, kind.value, last + 1, log.at]).lastrowid
            self.db.conn.executemany("INSERT INTO room_round_dimension (round_id, dimension_id) VALUES (?, ?)",
                                [(round_id, ids[key]) for key in keys])
            log.add("room_round", round_id, "state", None, RoundState.OPEN.value)
        return Round(round_id, workshop_id, last + 1, kind, RoundState.OPEN, tuple(keys), log.at)

    def set_round_state(self, workshop_id: int, round_id: int, state: RoundState) -> Round:
        """Close or reveal a round (a revealed round is closed too: no more votes)."""
        before = self.round(workshop_id, round_id)
        if before.state is not state and not (before.state is RoundState.REVEALED and state is RoundState.CLOSED):
            with self._change(workshop_id) as log:
                self.db.execute("UPDATE room_round SET state = ? WHERE id = ?", [state.value, round_id])
                log.add("room_round", round_id, "state", before.state.value, state.value)
        return self.round(workshop_id, round_id)

    def rounds(self, workshop_id: int) -> list[Round]:
        """The workshop's rounds, oldest first. A row that breaks the rules (a hand-edited file)
        is left out and named, like every other row read."""
        rows = self.db.execute(
            "SELECT id, kind, number, state, opened_at FROM room_round WHERE workshop_id = ? ORDER BY id",
            [workshop_id]).fetchall()
        asked: dict[int, list[str]] = {}
        for round_id, key in self.db.execute(
                """SELECT r.round_id, d.key FROM room_round_dimension r JOIN dimension d ON d.id = r.dimension_id
                   JOIN room_round o ON o.id = r.round_id
                   WHERE o.workshop_id = ? ORDER BY d.position, d.id""", [workshop_id]):
            asked.setdefault(round_id, []).append(key)
        found = []
        for round_id, kind, number, state, opened_at in rows:
            try:
                found.append(Round(round_id, workshop_id, int(number), ScoreKind(kind), RoundState(state),
                                   tuple(asked.get(round_id, ())), str(opened_at)))
            except (TypeError, ValueError) as error:
                self._refuse("room_round", round_id, str(error), workshop_id)
        return found

    def round(self, workshop_id: int, round_id: int) -> Round:
        for found in self.rounds(workshop_id):
            if found.id == round_id:
                return found
        raise NotFound(f"no round {round_id} in this workshop")

    def round_votes(self, round_id: int) -> list[Vote]:
        """Each participant's last vote in the round, in the order of the dimensions."""
        rows = self.db.execute(
            """SELECT v.participant_id, d.key, v.value, v.evidence FROM room_vote v
               JOIN dimension d ON d.id = v.dimension_id WHERE v.round_id = ?
               AND typeof(v.value) = 'integer' AND typeof(v.evidence) = 'text'
               ORDER BY d.position, d.id, v.participant_id""", [round_id])
        return [Vote(participant, key, value, evidence) for participant, key, value, evidence in rows]

    def join_room(self, workshop_id: int, name: str, perspective: Perspective) -> Participant:
        """A participant who joined from a phone: a name (or alias) by the phone's rules, not one
        already in the workshop (two "Sam"s could not tell their columns apart)."""
        name = check_name(name)
        names = self.db.execute("SELECT name FROM participant WHERE workshop_id = ? AND typeof(name) = 'text'",
                                [workshop_id])
        if name_key(name) in {name_key(other) for other, in names}:  # as people read them, not SQLite's lower()
            raise VoteRefused(NAME_TAKEN)
        return self.add_participant(workshop_id, Participant(name=name, perspective=perspective))

    def cast_votes(self, workshop_id: int, round_id: int, votes: Sequence[Vote]) -> list[tuple[Vote, str]]:
        """Store the votes that pass the rules, in one transaction; the others come back with the
        reason each was refused. A vote is the round's, and the participant's score."""
        round_ = self.round(workshop_id, round_id)
        scale = self.scale(workshop_id)
        ids = self._dimension_ids(workshop_id)
        sides = dict(self.db.execute("SELECT id, perspective FROM participant WHERE workshop_id = ?", [workshop_id]))
        lowest, highest = scale.lowest, scale.highest
        refused: list[tuple[Vote, str]] = []
        kept, puts = [], []
        for vote in votes:
            try:
                check_vote(vote, round_, lowest, highest)
                if vote.participant_id not in sides:
                    raise VoteRefused("you are not in this workshop's room")
            except VoteRefused as why:
                refused.append((vote, str(why)))
                continue
            dimension_id = ids[vote.dimension_key]
            kept.append((round_id, vote.participant_id, dimension_id, vote.value, vote.evidence))
            puts.append((dimension_id, vote.dimension_key, vote.participant_id, sides[vote.participant_id],
                         vote.value, vote.evidence))
        with self._change(workshop_id) as log:
            # In the order cast: a later vote for the same dimension replaces an earlier one.
            self.db.conn.executemany(
                """INSERT INTO room_vote (round_id, participant_id, dimension_id, value, evidence, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (round_id, participant_id, dimension_id)
                   DO UPDATE SET value = excluded.value, evidence = excluded.evidence,
                                 updated_at = excluded.updated_at""",
                [(*vote, log.at) for vote in kept])
            self._put_scores(log, round_.kind, puts)
        return refused
