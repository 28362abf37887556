"""The app's long-lived objects are kept out of the garbage collector's full passes while it runs
(a full pass over them held a key's echo for 30-90 ms), and given back when it ends."""

from __future__ import annotations

import gc
from pathlib import Path

from csi_tui.screens.room import RoomScreen
from csi_tui.store.workshop_store import open_store
from tests.conftest import create_workshop, fixed_clock
from tests.helpers.fake_room import Rooms
from tests.helpers.ui import settle, test_app, until


async def test_what_start_up_and_an_open_room_made_is_frozen_while_the_app_runs(db_path: Path) -> None:
    with open_store(db_path, clock=fixed_clock) as store:
        workshop_id = create_workshop(store)
    rooms = Rooms()
    app = test_app(db_path, open_workshop=workshop_id, room_server=rooms)
    assert gc.get_freeze_count() == 0
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert gc.get_freeze_count() > 10_000  # start-up's
        await pilot.press("ctrl+g", "2")  # then the room, opened from step 2
        await settle(pilot)
        await pilot.press("ctrl+f")
        await until(pilot, lambda: isinstance(app.screen, RoomScreen) and app.screen.server is not None)
        screen = app.screen
        # The room screen and the step beneath, made after start-up, are frozen too: nothing made
        # since the room opened (but this list) is outside the frozen generation.
        made_since = [o for o in gc.get_objects() if o is screen or o is app.screen_stack[-2]]
        assert made_since == []
    assert gc.get_freeze_count() == 0  # the app has ended: all of it is collectable again
