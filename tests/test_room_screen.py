"""The room on the facilitator's screen: opened from steps 2 and 3, it shows how to join and who
has, never a value while a round is open; reveal shows who scored what; round 2 comes with the
dimensions the room split on ticked; every way out stops the room's server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import segno
from textual.widgets import Digits, Static

from csi_tui.app import CsiApp
from csi_tui.domain.rounds import RoundState, Vote
from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.room import RoomScreen
from csi_tui.screens.round_dialog import RoundDialog
from csi_tui.screens.step import StepScreen
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.join_code import JoinCode, QUIET_ZONE, fitting_scale, half_blocks, modules, scaled
from csi_tui.widgets.line_table import LineTable
from csi_tui.widgets.tick_box import TickBox
from tests.conftest import create_workshop, fixed_clock
from tests.helpers.fake_room import FIXED_CODE, FIXED_URL, KEYS, Rooms
from tests.helpers.room import refused
from tests.helpers.ui import footer_keys, quiet, reach, settle, test_app, until


def a_workshop(db_path: Path) -> int:
    with open_store(db_path, clock=fixed_clock) as store:
        return create_workshop(store)


def room_app(db_path: Path, **options: object) -> tuple[CsiApp, Rooms, int]:
    """The app on a new workshop, with a room server that opens no socket: the app, its rooms and
    the workshop's id."""
    workshop_id = a_workshop(db_path)
    rooms = Rooms()
    return test_app(db_path, open_workshop=workshop_id, room_server=rooms, **options), rooms, workshop_id


PHONES = (("Ann", Perspective.BUSINESS), ("Bo", Perspective.IT), ("Cy", Perspective.BUSINESS))


async def phones_join(room) -> list[int]:
    return [await room.join(name, side) for name, side in PHONES]


def file_scores(db_path: Path, workshop_id: int) -> dict[tuple[int, str], int]:
    """Each participant's current score in the file: (participant, dimension) -> level."""
    with open_store(db_path, clock=fixed_clock) as store:
        return {(s.participant_id, s.dimension_key): s.value for s in store.scores(workshop_id)
                if s.participant_id is not None and s.kind is ScoreKind.CURRENT}


def shown_text(screen: RoomScreen) -> str:
    return "\n".join(str(static.render()) for static in screen.query(Static) if static.display)


async def open_room(pilot, step: str = "2") -> RoomScreen:
    return await reach(pilot, RoomScreen, ("ctrl+g", step), "ctrl+f")


async def round_one_open(pilot, room) -> list[int]:
    """The room open on step 2: the three phones joined, then `1` pressed. Their ids."""
    people = await phones_join(room)
    await pilot.press("1")
    await settle(pilot)
    return people


async def test_the_key_on_step_2_opens_the_room_with_its_address_and_code(db_path: Path) -> None:
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_room(pilot)
        room = rooms.room
        assert room.started and room.kind is ScoreKind.CURRENT and room.workshop_id == workshop_id
        assert screen.query_one(JoinCode).url == FIXED_URL
        assert screen.query_one(JoinCode).scale >= 1  # the code fits at 80x24
        assert screen.query_one("#room-code", Digits).value == FIXED_CODE
        assert "0 of 0 have scored" in shown_text(screen)
        await room.join("Ann (sales)", Perspective.BUSINESS)
        await settle(pilot)
        assert "0 of 1 have scored" in shown_text(screen)
        assert "Business (1): Ann (sales)" in shown_text(screen)


async def test_step_3_opens_the_room_for_targets(db_path: Path) -> None:
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_room(pilot, "3")
        assert rooms.room.kind is ScoreKind.TARGET


async def test_the_room_key_does_nothing_on_other_steps(db_path: Path) -> None:
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen) and not rooms.made


async def test_an_open_round_shows_progress_and_no_value(db_path: Path) -> None:
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_room(pilot)
        room = rooms.room
        people = await round_one_open(pilot, room)
        assert room.round is not None and room.round.is_open
        await room.vote(*[Vote(people[0], key, 1) for key in KEYS], Vote(people[1], KEYS[0], 4))
        await settle(pilot)
        assert file_scores(db_path, workshop_id)[people[1], KEYS[0]] == 4  # in the file at once
        assert "1 of 3 have scored" in shown_text(screen)
        # Nothing that could show a value is on screen, and nothing was handed a value either.
        assert not screen.query_one("#room-results").display or not screen.has_class("-revealed")
        assert not screen.query_one("#room-results").region.area
        assert all(not table.row_count for table in screen.query(LineTable))


# --- under a dialog or the palette -------------------------------------------------------------
# A line drawn on a covered screen costs a repaint of the whole terminal, and typing in the
# palette stutters: the room's news is drawn there once a second, and at once on coming back.

COVERS = pytest.mark.parametrize("cover", ["ctrl+p", "question_mark"], ids=["palette", "help dialog"])


async def round_one_covered(pilot, rooms: Rooms, cover: str) -> tuple[RoomScreen, list[int]]:
    """Round 1 open with the three phones in, then `cover` (the palette, a dialog) over the room."""
    screen = await open_room(pilot)
    people = await round_one_open(pilot, rooms.room)
    await pilot.press(cover)
    await settle(pilot)
    assert pilot.app.screen is not screen
    return screen, people


def spy_on(owner: object, name: str) -> list[float]:
    """When (the loop's time) `owner.name()` was called from now on: the screen drawing who
    joined and how many have scored (`_show_room`), the room telling it (`on_news`)."""
    times: list[float] = []
    call = getattr(owner, name)
    loop = asyncio.get_running_loop()

    def counted() -> None:
        times.append(loop.time())
        call()

    setattr(owner, name, counted)
    return times


@COVERS
async def test_under_the_palette_or_a_dialog_a_burst_of_votes_is_drawn_once_within_a_second(
        db_path: Path, cover: str) -> None:
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, people = await round_one_covered(pilot, rooms, cover)
        room = rooms.room
        drawn, heard = spy_on(screen, "_show_room"), spy_on(room, "on_news")
        # Every phone scores every dimension at once: twelve votes, each its own news.
        await asyncio.gather(*(room.vote(Vote(person, key, 2)) for person in people for key in KEYS))
        await until(pilot, lambda: "3 of 3 have scored" in shown_text(screen))
        assert len(heard) == len(people) * len(KEYS)
        # Not on every vote: the first a second after the first news, then at most once a second
        # (a slow machine may stretch the burst past a second).
        assert drawn and len(drawn) <= 1 + int(heard[-1] - heard[0])
        assert all(later - earlier >= 0.95 for earlier, later in zip([heard[0], *drawn], drawn))
        assert drawn[0] - heard[0] < 1.5  # and within the second promised (a timer's slack)
        assert app.screen is not screen  # all of it while covered


@COVERS
async def test_when_the_palette_or_dialog_closes_the_room_shows_the_latest_at_once(
        db_path: Path, cover: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The second's timer put out of reach: only coming back on top may draw.
    monkeypatch.setattr("csi_tui.screens.room.COVERED_NEWS_INTERVAL", 3600.0)
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, people = await round_one_covered(pilot, rooms, cover)
        room = rooms.room
        drawn = spy_on(screen, "_show_room")
        posted: list[str] = []  # what reached the covered screen's queue
        post_message = screen.post_message

        def post(message) -> bool:
            posted.append(type(message).__name__)
            return post_message(message)

        screen.post_message = post  # type: ignore[method-assign]
        await room.vote(Vote(people[0], KEYS[0], 1), Vote(people[1], KEYS[0], 4), Vote(people[2], KEYS[0], 2))
        await room.vote(*[Vote(people[0], key, 3) for key in KEYS[1:]])  # Ann has scored every one
        late = await room.join("Di", Perspective.IT)
        await room.vote(Vote(late, KEYS[0], 5))
        await settle(pilot)
        # Neither the room's news nor the file's changes reached the covered screen, and
        # nothing was drawn.
        assert drawn == [] and not {"News", "DataChanged"} & set(posted)
        assert "0 of 3 have scored" in shown_text(screen)
        await pilot.press("escape")
        await quiet(pilot)
        assert app.screen is screen
        assert len(drawn) == 1
        assert "1 of 4 have scored" in shown_text(screen) and "IT (2): Bo · Di" in shown_text(screen)
        # The file's changes were kept too: the reveal shows every vote that arrived meanwhile.
        await pilot.press("r")
        await settle(pilot)
        row = [cell.plain for cell in screen.query_one("#room-grid LineTable", LineTable).get_row(KEYS[0])]
        assert {"1", "4", "2", "5"} <= set(row)


async def test_reveal_shows_who_scored_what(db_path: Path) -> None:
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_room(pilot)
        people = await round_one_open(pilot, rooms.room)
        await rooms.room.vote(Vote(people[0], KEYS[0], 1), Vote(people[1], KEYS[0], 4), Vote(people[2], KEYS[0], 2))
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert rooms.room.round.state is RoundState.REVEALED
        assert screen.query_one("#room-results").region.area
        grid = screen.query_one("#room-grid LineTable", LineTable)
        row = [cell.plain for cell in grid.get_row(KEYS[0])]
        assert "3 ◆" in row  # the spread, marked wide
        assert {"1", "4", "2"} <= set(row)  # each person's level
        assert screen.query_one("#room-gaps LineTable", LineTable).row_count


async def test_the_footer_offers_only_the_moves_the_round_allows(db_path: Path) -> None:
    """At 80 columns, in front of the room: a key that does nothing now (close or reveal with no
    round open, reveal once revealed) is not offered, and its place goes to keys that work."""
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot)
        waiting = footer_keys(pilot)
        assert "1" in waiting and not {"c", "r", "2"} & set(waiting)
        people = await round_one_open(pilot, rooms.room)
        assert {"1", "c", "r", "2"} <= set(footer_keys(pilot))
        await rooms.room.vote(Vote(people[0], KEYS[0], 1), Vote(people[1], KEYS[0], 4))
        await pilot.press("r")
        await settle(pilot)
        assert rooms.room.round.state is RoundState.REVEALED
        revealed = footer_keys(pilot)
        assert {"1", "2", "esc", "^q", "f8"} <= set(revealed) and not {"c", "r"} & set(revealed)


async def test_round_two_ticks_the_dimensions_the_room_split_on(db_path: Path) -> None:
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_room(pilot)
        room = rooms.room
        people = await round_one_open(pilot, room)
        # Spread 3 and 2: worth a second look; spread 1 and a lone vote: not.
        await room.vote(Vote(people[0], KEYS[0], 1), Vote(people[1], KEYS[0], 4),
                  Vote(people[0], KEYS[1], 2), Vote(people[1], KEYS[1], 3),
                  Vote(people[0], KEYS[2], 3), Vote(people[2], KEYS[2], 5),
                  Vote(people[0], KEYS[3], 2))
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RoundDialog)
        ticked = [c.key for c, box in zip(dialog.choices, dialog.query(TickBox), strict=True) if box.value]
        assert ticked == [KEYS[0], KEYS[2]]
        await pilot.press("space")  # the first box, focused: untick it
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert room.round.number == 2 and room.round.dimension_keys == (KEYS[2],) and room.round.is_open
        assert [r.number for r in app.session.rounds(workshop_id)] == [1, 2]  # in the file
        # Round 2: they come closer; its reveal says so.
        await room.vote(Vote(people[0], KEYS[2], 4), Vote(people[2], KEYS[2], 4))
        await pilot.press("r")
        await settle(pilot)
        assert "Partners and suppliers  2 → 0 (closer)" in str(screen.query_one("#room-convergence", Static).render())


async def test_an_anonymous_workshop_shows_the_aliases_as_joined(db_path: Path) -> None:
    with open_store(db_path, clock=fixed_clock) as store:
        workshop_id = create_workshop(store)
        store.update_workshop(workshop_id, anonymous=True)
    rooms = Rooms()
    app = test_app(db_path, open_workshop=workshop_id, room_server=rooms)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_room(pilot)
        room = rooms.room
        owl = await room.join("Owl", Perspective.BUSINESS)
        fox = await room.join("Fox", Perspective.IT)
        await pilot.press("1")
        await settle(pilot)
        await room.vote(Vote(owl, KEYS[0], 2), Vote(fox, KEYS[0], 3))
        await pilot.press("r")
        await settle(pilot)
        assert "Business (1): Owl" in shown_text(screen) and "IT (1): Fox" in shown_text(screen)
        grid = screen.query_one("#room-grid LineTable", LineTable)
        assert {"Owl", "Fox"} <= set(grid.shown_headers)

@pytest.mark.parametrize("leave", ["escape", "ctrl+q"])
async def test_leaving_stops_the_room(db_path: Path, leave: str) -> None:
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot)
        await pilot.press(leave)
        if leave == "escape":
            await settle(pilot)
            assert rooms.room.stopped and isinstance(app.screen, StepScreen)
        else:
            await until(pilot, lambda: app.return_code is not None)
    assert rooms.room.stopped


async def test_escape_asks_first_while_a_round_is_open(db_path: Path) -> None:
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_room(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and not rooms.room.stopped
        await pilot.press("escape", "y")
        await settle(pilot)
        assert rooms.room.stopped and isinstance(app.screen, StepScreen)


async def test_the_app_exiting_stops_the_room(db_path: Path) -> None:
    app, rooms, workshop_id = room_app(db_path, open_room=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: bool(rooms.made) and rooms.room.started)
        assert isinstance(app.screen, RoomScreen)
        app.exit()
    assert rooms.room.stopped


async def test_a_room_that_stops_by_itself_says_so_once_and_escape_leaves_without_asking(db_path: Path) -> None:
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_room(pilot)
        await pilot.press("1")
        await settle(pilot)
        rooms.room.die()
        rooms.room.on_news()  # more news after it: still one notice
        await settle(pilot)
        assert "The room has stopped" in shown_text(screen)
        assert not screen.query_one(JoinCode).display and FIXED_URL not in shown_text(screen)
        assert [n.message for n in app._notifications if "stopped" in n.message] == [
            "The room has stopped; the scores already sent are kept."]
        await pilot.press("escape")  # the round is open, but no phone can reach it: nothing to ask
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)


async def test_a_port_that_cannot_be_bound_leaves_the_facilitator_on_the_step(db_path: Path) -> None:
    workshop_id = a_workshop(db_path)
    rooms = Rooms(refuse_start=OSError(98, "address already in use"))
    app = test_app(db_path, open_workshop=workshop_id, room_server=rooms)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room_failing(pilot)
        assert isinstance(app.screen, StepScreen)
        assert any("The room did not open" in n.message and "\n" not in n.message for n in app._notifications)


async def open_room_failing(pilot) -> None:
    await settle(pilot)
    await pilot.press("ctrl+g", "2")
    await settle(pilot)
    await pilot.press("ctrl+f")
    await settle(pilot)


async def test_open_with_room_opens_step_2_and_the_room_on_top(db_path: Path) -> None:
    workshop_id = a_workshop(db_path)
    rooms = Rooms()
    app = test_app(db_path, open_workshop=workshop_id, room_server=rooms, open_room=True,
                   room_host="127.0.0.1", room_port=8765)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RoomScreen)
        assert isinstance(app.screen_stack[-2], StepScreen) and app.screen_stack[-2].step.number == 2
        assert (rooms.room.host, rooms.room.port, rooms.room.kind) == ("127.0.0.1", 8765, ScoreKind.CURRENT)


async def test_on_a_short_terminal_the_code_keeps_its_size_and_the_address_moves_beside_it(db_path: Path) -> None:
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(80, 20)) as pilot:  # 19 lines: the code alone fits
        screen = await open_room(pilot)
        code = screen.query_one(JoinCode)
        assert code.scale == 1 and not code.url_shown
        beside = screen.query_one("#room-url", Static)
        assert beside.display and beside.region.area and str(beside.render()) == FIXED_URL


async def test_at_80_columns_the_address_under_the_code_keeps_the_room_token_on_one_line(db_path: Path) -> None:
    # The address is wider than the code's column at 80 columns: folded anywhere, a person
    # typing it had to piece the token together from two lines.
    app, rooms, workshop_id = room_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_room(pilot)
        code = screen.query_one(JoinCode)
        assert code.url_shown and code.content_size.width < len(FIXED_URL)
        head, token = FIXED_URL.split("/r/")
        assert code.render().plain.splitlines()[-2:] == [head + "/r/", token]  # the token whole

# --- the join code ----------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1, 2, 3])
def test_every_module_is_drawn_as_its_half_block(scale: int) -> None:
    """No QR decoder is installed: the drawing is checked against segno's own matrix."""
    matrix = [[bool(cell) for cell in row] for row in segno.make(FIXED_URL, error="m").matrix]
    lines = half_blocks(scaled(modules(FIXED_URL), scale))
    size = len(matrix) + 2 * QUIET_ZONE
    assert all(len(line) == size * scale for line in lines)
    dots = []
    for line in lines:
        assert set(line) <= {"▀", "▄", "█", " "}  # plain cells: no escape sequence
        dots.append([c in "▀█" for c in line])
        dots.append([c in "▄█" for c in line])
    for row in range(size * scale):
        for column in range(size * scale):
            module_row, module_column = row // scale - QUIET_ZONE, column // scale - QUIET_ZONE
            inside = 0 <= module_row < len(matrix) and 0 <= module_column < len(matrix)
            assert dots[row][column] == (inside and matrix[module_row][module_column]), (row, column)


def test_the_code_takes_the_largest_whole_scale_that_fits() -> None:
    assert fitting_scale(41, 80, 21) == 1
    assert fitting_scale(41, 200, 60) == 2
    assert fitting_scale(41, 40, 60) == 0
    assert fitting_scale(41, 130, 62) == 3


def test_open_takes_the_room_flags_and_refuses_a_port_off_the_range(capsys: pytest.CaptureFixture[str]) -> None:
    from csi_tui.cli import build_parser

    args = build_parser().parse_args(["open", "3", "--room", "--room-host", "127.0.0.1", "--room-port", "8765"])
    assert (args.room, args.room_host, args.room_port) == (True, "127.0.0.1", 8765)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["open", "3", "--room", "--room-port", "70000"])
    assert "a port is from 1 to 65535" in capsys.readouterr().err


# --- with the real room server, on loopback, and the real session on the file ------------------


@pytest.mark.parametrize("leave", ["escape", "ctrl+q", "exit"])
async def test_every_way_out_closes_the_rooms_port(db_path: Path, leave: str) -> None:
    workshop_id = a_workshop(db_path)
    app = test_app(db_path, open_workshop=workshop_id, open_room=True, room_host="127.0.0.1", room_port=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RoomScreen) and screen.server is not None
        port = screen.server.port
        assert not refused(port)  # the room is up
        if leave == "escape":
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, StepScreen)
            assert refused(port)
        elif leave == "ctrl+q":
            await pilot.press("ctrl+q")
            await until(pilot, lambda: app.return_code is not None)
        else:
            app.exit()
    assert refused(port)


async def test_phones_join_and_score_and_the_screen_follows(db_path: Path) -> None:
    """Two phones join and score through the real server; the screen counts them without a value,
    reveal shows their levels, and round 2 comes with their split dimension ticked."""
    import aiohttp

    with open_store(db_path, clock=fixed_clock) as store:
        workshop_id = create_workshop(store)
    app = test_app(db_path, open_workshop=workshop_id, open_room=True, room_host="127.0.0.1", room_port=0)
    async with app.run_test(size=(120, 40)) as pilot, aiohttp.ClientSession() as client:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RoomScreen) and screen.server is not None
        await pilot.press("1")
        await settle(pilot)
        url, code = screen.server.url, screen.server.code
        origin = url.split("/r/")[0]
        headers = {"X-Room-Code": code, "Origin": origin}

        async def phone(name: str, side: str, scores: dict[str, int]) -> None:
            async with client.post(f"{url}api/join", json={"code": code, "name": name, "perspective": side},
                                   headers=headers) as answer:
                assert answer.status == 201, await answer.text()
                device = (await answer.json())["device"]
            body = {"scores": [{"key": key, "value": value} for key, value in scores.items()]}
            async with client.post(f"{url}api/scores", json=body,
                                   headers={**headers, "Authorization": f"Bearer {device}"}) as answer:
                assert answer.status == 200, await answer.text()

        await phone("Ann", "business", dict.fromkeys(KEYS, 1))
        await phone("Bo", "it", {KEYS[0]: 4, KEYS[1]: 2})
        await until(pilot, lambda: "1 of 2 have scored" in shown_text(screen))
        await settle(pilot)
        assert all(not table.row_count for table in screen.query(LineTable))  # no value while open
        await pilot.press("r")
        await settle(pilot)
        row = [cell.plain for cell in screen.query_one("#room-grid LineTable", LineTable).get_row(KEYS[0])]
        assert "1" in row and "4" in row and "3 ◆" in row
        await pilot.press("2")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RoundDialog)
        assert [c.key for c, box in zip(dialog.choices, dialog.query(TickBox), strict=True) if box.value] == [KEYS[0]]
        await pilot.press("enter")
        await settle(pilot)
        rounds = await asyncio.to_thread(app.session.rounds, workshop_id)
        assert [(r.number, r.dimension_keys, r.state) for r in rounds][-1] == (2, (KEYS[0],), RoundState.OPEN)


async def test_a_port_in_use_is_one_line_and_the_step_stays(db_path: Path) -> None:
    import socket

    workshop_id = a_workshop(db_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = test_app(db_path, open_workshop=workshop_id, room_host="127.0.0.1", room_port=port)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_room_failing(pilot)
            assert isinstance(app.screen, StepScreen)
            told = [n.message for n in app._notifications if "The room did not open" in n.message]
            assert len(told) == 1 and "\n" not in told[0] and str(port) in told[0]
