"""What the back of the room sees: the room waiting for phones (QR code, room code, who joined)
at a laptop's 80x24 and a larger 120x40, and a revealed round, with a fixed clock, address and
code and no socket. Regenerate only after reading the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from csi_tui.domain.vocabulary import Perspective
from tests.helpers.fake_room import Rooms
from tests.helpers.ui import settle, test_app
from tests.test_snapshots import SIZES, seed_room


def in_the_room(rooms: Rooms, *keys: str):
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in ("ctrl+g", "2", "ctrl+f"):
            await pilot.press(key)
            await settle(pilot)
        room = rooms.room
        room.join(1, "Bea", Perspective.BUSINESS)
        room.join(2, "Ivo [it]", Perspective.IT)
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_room_waiting_for_phones(snap_compare, db_path: Path, size: tuple[int, int]) -> None:
    workshop_id = seed_room(db_path)
    rooms = Rooms()
    app = test_app(db_path, open_workshop=workshop_id, room_server=rooms)
    assert snap_compare(app, terminal_size=size, run_before=in_the_room(rooms))


def test_room_round_open(snap_compare, db_path: Path) -> None:
    """Scores are in the file (seed_room), yet nothing shows a value while the round is open."""
    workshop_id = seed_room(db_path)
    rooms = Rooms()
    app = test_app(db_path, open_workshop=workshop_id, room_server=rooms)
    assert snap_compare(app, terminal_size=(80, 24), run_before=in_the_room(rooms, "1"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_room_revealed(snap_compare, db_path: Path, size: tuple[int, int]) -> None:
    workshop_id = seed_room(db_path)
    rooms = Rooms()
    app = test_app(db_path, open_workshop=workshop_id, room_server=rooms)
    assert snap_compare(app, terminal_size=size, run_before=in_the_room(rooms, "1", "r"))
