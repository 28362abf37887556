"""Until the session's blind-round intents land: the same signatures, rounds and votes held in
memory, scores written through the real store. Removed when WorkshopSession has them."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future

from csi_tui.domain.models import Participant, Score
from csi_tui.domain.rounds import Round, RoundState, Vote, VoteRefused, check_name, check_vote
from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.session.workshop_session import WorkshopSession


class RoundsSession(WorkshopSession):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._rounds: list[Round] = []
        self._votes: dict[int, dict[tuple[int, str], Vote]] = {}

    def open_round(self, workshop_id: int, kind: ScoreKind, dimension_keys: Sequence[str] | None = None) -> Future[Round]:
        def job(store) -> Round:
            keys = tuple(dimension_keys) if dimension_keys is not None else tuple(
                d.key for d in store.dimensions(workshop_id))
            for i, r in enumerate(self._rounds):
                if r.workshop_id == workshop_id and r.is_open:
                    self._rounds[i] = Round(**{**r.__dict__, "state": RoundState.CLOSED})
            number = 1 + sum(1 for r in self._rounds if r.workshop_id == workshop_id and r.kind == kind)
            opened = Round(len(self._rounds) + 1, workshop_id, number, kind, RoundState.OPEN, keys, "now")
            self._rounds.append(opened)
            self._votes[opened.id] = {}
            return opened
        return self._write(workshop_id, job)

    def _settle(self, workshop_id: int, round_id: int, state: RoundState) -> Future[Round]:
        def job(store) -> Round:
            r = self._rounds[round_id - 1]
            self._rounds[round_id - 1] = r = Round(**{**r.__dict__, "state": state})
            return r
        return self._write(workshop_id, job)

    def close_round(self, workshop_id: int, round_id: int) -> Future[Round]:
        return self._settle(workshop_id, round_id, RoundState.CLOSED)

    def reveal_round(self, workshop_id: int, round_id: int) -> Future[Round]:
        return self._settle(workshop_id, round_id, RoundState.REVEALED)

    def join_room(self, workshop_id: int, name: str, perspective: Perspective) -> Future[Participant]:
        def job(store) -> Participant:
            checked = check_name(name)
            if any(p.name.lower() == checked.lower() for p in store.participants(workshop_id)):
                raise VoteRefused("that name is taken")
            return store.add_participant(workshop_id, Participant(name=checked, perspective=perspective))
        return self._write(workshop_id, job)

    def cast_votes(self, workshop_id: int, round_id: int, votes: Sequence[Vote]) -> Future[list[tuple[Vote, str]]]:
        def job(store) -> list[tuple[Vote, str]]:
            r = self._rounds[round_id - 1]
            scale = store.snapshot(workshop_id).scale
            people = {p.id: p for p in store.participants(workshop_id)}
            refused = []
            with store.transaction():
                for vote in votes:
                    try:
                        check_vote(vote, r, scale.levels[0].value, scale.levels[-1].value)
                        if vote.participant_id not in people:
                            raise VoteRefused("not a participant of this workshop")
                    except VoteRefused as error:
                        refused.append((vote, str(error)))
                        continue
                    self._votes[round_id][(vote.participant_id, vote.dimension_key)] = vote
                    store.save_score(workshop_id, Score(
                        dimension_key=vote.dimension_key, kind=r.kind, value=vote.value, evidence=vote.evidence,
                        participant_id=vote.participant_id, perspective=people[vote.participant_id].perspective))
            return refused
        return self._write(workshop_id, job)

    def rounds(self, workshop_id: int) -> list[Round]:
        return [r for r in self._rounds if r.workshop_id == workshop_id]

    def round_votes(self, round_id: int) -> list[Vote]:
        return list(self._votes.get(round_id, {}).values())
