"""The room's ballot box: votes that arrive while a batch is on its way to the file go together in
the next, so a busy room makes fewer, larger transactions; nobody's vote is lost or answered early."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import Future

from csi_tui.domain.rounds import Vote
from csi_tui.room.ballot_box import BallotBox


async def test_votes_arriving_while_a_batch_is_on_its_way_go_together_next() -> None:
    casts: list[tuple[int, list[Vote], Future[list[tuple[Vote, str]]]]] = []

    def cast(round_id: int, votes: Sequence[Vote]) -> Future[list[tuple[Vote, str]]]:
        landed: Future[list[tuple[Vote, str]]] = Future()
        casts.append((round_id, list(votes), landed))
        return landed

    box = BallotBox(cast, tick=0.001)
    first = asyncio.ensure_future(box.cast(1, [Vote(1, "a", 2)]))
    while not casts:  # the tick sends it
        await asyncio.sleep(0.001)
    later = [asyncio.ensure_future(box.cast(1, [Vote(p, "a", 3)])) for p in (2, 3, 4)]
    for _ in range(20):  # many ticks pass: nothing else goes while the first is on its way
        await asyncio.sleep(0.001)
    assert len(casts) == 1 and not first.done()
    casts[0][2].set_result([])
    assert await first == []
    while len(casts) < 2:
        await asyncio.sleep(0.001)
    assert [v.participant_id for v in casts[1][1]] == [2, 3, 4]  # one transaction for the three
    refused = Vote(3, "a", 3)
    casts[1][2].set_result([(refused, "the round is closed")])
    assert [await f for f in later] == [[], [(refused, "the round is closed")], []]
    await box.close()
    assert box.transactions == 2
