"""Properties of the gap matrix and of consensus, for any scores on any scale."""

from __future__ import annotations

import random
import statistics

from hypothesis import given
from hypothesis import strategies as st
from sqlite_utils import Database

from csi_tui.domain.gap import consensus, gap_matrix, regap
from csi_tui.domain.models import Dimension, Perspective, Score, ScoreKind
from csi_tui.store import gap_rows
from csi_tui.store.schema import migrations

values = st.integers(min_value=0, max_value=5)


@st.composite
def workshops(draw: st.DrawFn) -> tuple[list[Dimension], list[Score]]:
    count = draw(st.integers(min_value=1, max_value=12))
    dimensions = [
        Dimension(key=f"d{i}", name=f"Dimension {i}", weight=draw(st.integers(1, 5)), position=i)
        for i in range(count)
    ]
    participants = draw(st.lists(st.sampled_from(list(Perspective)), max_size=6))
    scores = []
    for dimension in dimensions:
        for kind in ScoreKind:
            if draw(st.booleans()):  # a room consensus score
                scores.append(Score(dimension_key=dimension.key, kind=kind, value=draw(values),
                                    evidence=draw(st.sampled_from(["", "audit report"]))))
            for pid, perspective in enumerate(participants, start=1):
                if draw(st.booleans()):
                    scores.append(Score(dimension_key=dimension.key, kind=kind, value=draw(values),
                                        participant_id=pid, perspective=perspective))
    return dimensions, scores


@given(st.lists(values, min_size=1))
def test_consensus_median_lies_within_the_scores_and_spread_is_their_range(scores: list[int]) -> None:
    agreed = consensus(scores)
    assert agreed is not None
    assert min(scores) <= agreed.median <= max(scores)
    assert agreed.median == statistics.median(scores)
    assert agreed.spread == max(scores) - min(scores)
    assert agreed.count == len(scores)
    assert (agreed.spread == 0) == (len(set(scores)) == 1)


@given(st.lists(values, min_size=1), st.randoms())
def test_consensus_does_not_depend_on_who_spoke_first(scores: list[int], rnd: random.Random) -> None:
    shuffled = scores[:]
    rnd.shuffle(shuffled)
    assert consensus(shuffled) == consensus(scores)


def test_consensus_of_nobody_is_none() -> None:
    assert consensus([]) is None


@given(workshops())
def test_one_row_per_dimension_with_gap_and_weighted_gap(workshop: tuple[list[Dimension], list[Score]]) -> None:
    dimensions, scores = workshop
    rows = gap_matrix(dimensions, scores)
    assert sorted(row.key for row in rows) == sorted(d.key for d in dimensions)
    weights = {d.key: d.weight for d in dimensions}
    for row in rows:
        if row.current is None or row.target is None:
            assert row.gap is None and row.weighted_gap is None
        else:
            assert row.gap == row.target - row.current
            assert row.weighted_gap == row.gap * weights[row.key]


@given(workshops())
def test_rows_rank_by_weighted_gap_with_unscored_rows_last(workshop: tuple[list[Dimension], list[Score]]) -> None:
    rows = gap_matrix(*workshop)
    assert [row.rank for row in rows] == list(range(1, len(rows) + 1))
    scored = [row.weighted_gap for row in rows if row.weighted_gap is not None]
    assert scored == sorted(scored, reverse=True)
    first_unscored = next((i for i, row in enumerate(rows) if row.weighted_gap is None), len(rows))
    assert all(row.weighted_gap is None for row in rows[first_unscored:])


@given(workshops(), st.randoms())
def test_the_order_scores_arrive_in_changes_nothing(workshop: tuple[list[Dimension], list[Score]], rnd: random.Random) -> None:
    dimensions, scores = workshop
    shuffled = scores[:]
    rnd.shuffle(shuffled)
    assert gap_matrix(dimensions, shuffled) == gap_matrix(dimensions, scores)


@given(workshops())
def test_room_consensus_wins_over_individual_scores(workshop: tuple[list[Dimension], list[Score]]) -> None:
    dimensions, scores = workshop
    rows = {row.key: row for row in gap_matrix(dimensions, scores)}
    for score in scores:
        if score.participant_id is None and score.perspective is None and score.kind is ScoreKind.CURRENT:
            assert rows[score.dimension_key].current == score.value


@given(workshops())
def test_spread_and_perception_gap_come_from_individual_current_scores(
    workshop: tuple[list[Dimension], list[Score]]
) -> None:
    dimensions, scores = workshop
    for row in gap_matrix(dimensions, scores):
        mine = [s for s in scores if s.dimension_key == row.key and s.kind is ScoreKind.CURRENT]
        people = [s.value for s in mine if s.participant_id is not None]
        assert row.spread == (max(people) - min(people) if len(people) > 1 else None)
        business = [s.value for s in mine if s.perspective is Perspective.BUSINESS]
        it = [s.value for s in mine if s.perspective is Perspective.IT]
        expected = statistics.median(business) - statistics.median(it) if business and it else None
        assert row.perception_gap == expected
        assert row.unevidenced == any(not s.evidence for s in mine)


@given(workshops(), st.data())
def test_a_gap_is_uncovered_exactly_when_positive_and_no_item_addresses_it(
    workshop: tuple[list[Dimension], list[Score]], data: st.DataObject
) -> None:
    dimensions, scores = workshop
    covered = data.draw(st.sets(st.sampled_from([d.key for d in dimensions])))
    rows = gap_matrix(dimensions, scores, {key: ["#1"] for key in covered})
    for row in rows:
        assert row.covered_by == (("#1",) if row.key in covered else ())
        assert row.uncovered == (row.gap is not None and row.gap > 0 and row.key not in covered)


def test_a_worked_example_reads_as_a_facilitator_would_expect() -> None:
    dimensions = [
        Dimension(key="people", name="People", weight=5, position=0),
        Dimension(key="tools", name="Tools", weight=1, position=1),
    ]
    scores = [
        Score(dimension_key="people", kind=ScoreKind.CURRENT, value=1, participant_id=1, perspective="business"),
        Score(dimension_key="people", kind=ScoreKind.CURRENT, value=3, participant_id=2, perspective="it"),
        Score(dimension_key="people", kind=ScoreKind.TARGET, value=4),
        Score(dimension_key="tools", kind=ScoreKind.CURRENT, value=1, evidence="tool audit"),
        Score(dimension_key="tools", kind=ScoreKind.TARGET, value=5),
    ]
    people, tools = gap_matrix(dimensions, scores)
    # people: current median(1, 3) = 2, gap 2, weighted 10; tools: gap 4, weighted 4.
    assert (people.key, people.current, people.gap, people.weighted_gap) == ("people", 2.0, 2.0, 10.0)
    assert (people.spread, people.perception_gap) == (2, -2.0)  # business sees it worse than IT
    assert (tools.key, tools.weighted_gap, tools.unevidenced) == ("tools", 4.0, False)
    assert people.uncovered and people.unevidenced


@given(workshops())
def test_the_gap_matrix_view_computes_what_the_app_computes(workshop: tuple[list[Dimension], list[Score]]) -> None:
    """Analysts query the `gap_matrix` view; it must agree with the screens to the last median."""
    dimensions, scores = workshop
    db = Database(memory=True, execute_plugins=False)
    migrations().apply(db)
    db.execute("INSERT INTO workshop (id, title, template_id, scale_id, created_at, updated_at) "
               "VALUES (1, 'W', 't', 's', 'now', 'now')")
    for d in dimensions:
        db.execute("INSERT INTO dimension (id, workshop_id, key, name, weight, position) VALUES (?, 1, ?, ?, ?, ?)",
                   [d.position + 1, d.key, d.name, d.weight, d.position])
    for pid in {s.participant_id for s in scores if s.participant_id is not None}:
        perspective = next(s.perspective for s in scores if s.participant_id == pid)
        db.execute("INSERT INTO participant (id, workshop_id, name, perspective) VALUES (?, 1, 'P', ?)",
                   [pid, perspective.value])
    ids = {d.key: d.position + 1 for d in dimensions}
    for s in scores:
        db.execute("INSERT INTO score (workshop_id, dimension_id, kind, value, perspective, participant_id, "
                   "evidence, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, 'now')",
                   [ids[s.dimension_key], s.kind.value, s.value, s.perspective.value if s.perspective else None,
                    s.participant_id, s.evidence])
    # Written here without the store, so the gap rows the view reads are computed as the store
    # computes them on every save (store/gap_rows.py).
    gap_rows.refresh(db)
    expected = [(r.key, r.current, r.target, r.gap, r.weighted_gap, r.spread, r.perception_gap, r.rank)
                for r in gap_matrix(dimensions, scores)]
    viewed = [tuple(row) for row in db.execute(
        "SELECT dimension_key, current, target, gap, weighted_gap, spread, perception_gap, rank "
        "FROM gap_matrix ORDER BY rank")]
    assert viewed == expected


@given(workshops(), workshops(), st.data())
def test_a_live_update_of_some_dimensions_gives_the_matrix_read_whole(
        before: tuple[list[Dimension], list[Score]], after: tuple[list[Dimension], list[Score]],
        data: st.DataObject) -> None:
    # The same dimensions scored twice; some dimensions' scores then change to the second set's.
    dimensions, old_scores = before
    count = len(dimensions)
    new_scores = [s for s in after[1] if int(s.dimension_key[1:]) < count]
    changed = set(data.draw(st.lists(st.sampled_from([d.key for d in dimensions]), unique=True)))
    now = [s for s in old_scores if s.dimension_key not in changed] + [
        s for s in new_scores if s.dimension_key in changed]
    coverage = {dimensions[0].key: ["#1"]}
    updated = regap(gap_matrix(dimensions, old_scores, coverage), dimensions,
                    [s for s in now if s.dimension_key in changed], changed, coverage)
    assert updated == gap_matrix(dimensions, now, coverage)
