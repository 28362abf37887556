"""What the back of the room sees: the room waiting for phones (QR code, room code, who joined)
at a laptop's 80x24 and a larger 120x40, and a revealed round, with a fixed clock, address and
code and no socket. Regenerate only after reading the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from csi_tui.domain.rounds import Vote
from csi_tui.domain.vocabulary import Perspective
from tests.helpers.fake_room import KEYS, Rooms
from tests.helpers.ui import settle, test_app
from tests.test_snapshots import SIZES, seed_room


def in_the_room(rooms: Rooms, open_round: bool = False, reveal: bool = False):
    """Step 2, ctrl+f; two phones join; with open_round they score (one of them every dimension),
    with reveal the facilitator reveals."""
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in ("ctrl+g", "2", "ctrl+f"):
            await pilot.press(key)
            await settle(pilot)
        room = rooms.room
        ana = await room.join("Ana", Perspective.BUSINESS)
        iggy = await room.join("Iggy (ops)", Perspective.IT)
        await settle(pilot)
        if open_round:
            await pilot.press("1")
            await settle(pilot)
            await room.vote(*(Vote(ana, key, level) for key, level in zip(KEYS, (1, 3, 4, 2), strict=True)))
            await room.vote(Vote(iggy, KEYS[0], 4))
            await settle(pilot)
        if reveal:
            await pilot.press("r")
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_room_waiting_for_phones(snap_compare, db_path: Path, size: tuple[int, int]) -> None:
    workshop_id = seed_room(db_path)
    rooms = Rooms()
    app = test_app(db_path, open_workshop=workshop_id, room_server=rooms)
    assert snap_compare(app, terminal_size=size, run_before=in_the_room(rooms))


def test_room_round_open(snap_compare, db_path: Path) -> None:
    """Votes are in the file, yet nothing shows a value while the round is open."""
    workshop_id = seed_room(db_path)
    rooms = Rooms()
    app = test_app(db_path, open_workshop=workshop_id, room_server=rooms)
    assert snap_compare(app, terminal_size=(80, 24), run_before=in_the_room(rooms, open_round=True))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_room_revealed(snap_compare, db_path: Path, size: tuple[int, int]) -> None:
    workshop_id = seed_room(db_path)
    rooms = Rooms()
    app = test_app(db_path, open_workshop=workshop_id, room_server=rooms)
    assert snap_compare(app, terminal_size=size, run_before=in_the_room(rooms, open_round=True, reveal=True))
