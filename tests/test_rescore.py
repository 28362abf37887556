"""A live update reads only the changed dimensions' scores (store.rescore); what it builds must be
exactly what reading the whole workshop again gives, or the screens drift from the file."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csi_tui.domain.models import Participant, Perspective, Score, ScoreKind
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop

# (dimension index, participant index or None for the room, kind, value); a few saves a round.
saves = st.lists(st.tuples(st.integers(0, 7), st.sampled_from([None, 0, 1, 2]), st.sampled_from(list(ScoreKind)),
                           st.integers(1, 5)), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rounds=st.lists(saves, min_size=1, max_size=4))
def test_a_rescored_snapshot_is_the_workshop_read_again(tmp_path_factory, rounds) -> None:
    path = Path(tmp_path_factory.mktemp("rescore")) / "w.db"
    with open_store(path) as store:
        workshop_id = create_workshop(store)
        people = [store.add_participant(workshop_id, Participant(name=f"P{n}", perspective=perspective)).id
                  for n, perspective in enumerate([Perspective.BUSINESS, Perspective.IT, Perspective.IT])]
        keys = [d.key for d in store.dimensions(workshop_id)]
        snapshot = store.snapshot(workshop_id).warm()
        for saved in rounds:
            for dimension, person, kind, value in saved:
                store.save_score(workshop_id, Score(dimension_key=keys[dimension % len(keys)], kind=kind, value=value,
                                                    participant_id=None if person is None else people[person]))
            changed = frozenset(keys[dimension % len(keys)] for dimension, *_ in saved)
            snapshot = store.rescore(snapshot, changed)
            again = store.snapshot(workshop_id).warm()
            assert snapshot.scores == again.scores  # the same rows, in the file's order
            assert snapshot.scores_by_dimension == again.scores_by_dimension
            assert snapshot.gap_rows() == again.gap_rows()
