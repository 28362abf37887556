"""Driving the app in tests the way a facilitator does: keys, pastes, and waiting on the writer
and the workers rather than on the clock."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Footer
from textual.widgets._footer import FooterKey
from textual.worker import WorkerCancelled

from csi_tui.app import CsiApp, make_app
from csi_tui.store.workshop_store import open_store
from csi_tui.domain.clock import Clock
from tests.conftest import fixed_clock

TRICKY = ["[bold]x[/]", "[@click=app.quit]y[/]", "[/]", "\x1b[31mred\x1b[0m \x1b]0;title\x07"]


def test_app(
    db_path: Path, clock: Clock = fixed_clock, keymap: dict[str, str] | None = None, **options: Any
) -> CsiApp:
    # As the command line does: the file is accepted (created, migrated) before the app starts.
    open_store(db_path, clock=clock).close()
    # An explicit keymap: a developer's own ~/.config/csi-tui/keymap.toml must not change a test.
    return make_app(db_path, clock=clock, keymap=keymap or {}, cursor_blink=False, **options)


test_app.__test__ = False  # type: ignore[attr-defined]  # a factory, not a test


async def quiet(pilot: Pilot[None], rounds: int = 6) -> None:
    """Let the app and every widget on screen process what is queued, several times over, so that
    cascades (a load that moves focus, a focus that restyles a row) finish. Deterministic, unlike
    pilot.pause(), whose idea of idle is CPU time, which a busy shared machine fools."""
    for _ in range(rounds):
        await pilot._wait_for_screen()


async def settle(pilot: Pilot[None]) -> None:
    """Let every queued save, load and message finish."""
    app = pilot.app
    assert isinstance(app, CsiApp)
    await quiet(pilot)
    await until(pilot, lambda: getattr(app.screen, "loaded", True))  # its first load has begun and ended
    for _ in range(3):
        await asyncio.to_thread(app.session.drain)
        app.notice_changes()  # the poll would see our own commits within 0.25 s; see them now
        await quiet(pilot)
        await workers_done(app)
        await quiet(pilot)
    # DataTable measures its columns on its own Idle event: wait for the table itself to have
    # nothing left to measure.
    await until(pilot, lambda: not any(
        table._require_update_dimensions or table._updated_cells for table in app.screen.query(DataTable)))
    await quiet(pilot)
    await pilot.pause()


async def workers_done(app: CsiApp) -> None:
    """Wait for every worker. One cancelled because a newer exclusive worker replaced it (a
    refresh that asked twice) is done, not failed; a worker that failed still fails the test."""
    while pending := [worker for worker in app.workers if not worker.is_finished]:
        for worker in pending:
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for a condition the app reaches on its own schedule (the autosave debounce)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not reached in time"
        await pilot.pause(0.05)


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Printable text is typed key by key; anything else (escape sequences) arrives as a paste."""
    if text.isprintable():
        await pilot.press(*text)
    else:
        assert pilot.app.focused is not None
        pilot.app.post_message(events.Paste(text))  # as the terminal driver delivers a paste
        await pilot.pause()


async def type_keys(pilot: Pilot[None], text: str) -> None:
    """As type_text, key by key, at the pace of a fast typist: each key is delivered as the
    terminal driver delivers it (a Key event posted to the app) and the next one goes once the
    app and the focused widget have handled it. pilot.press instead waits for the process to
    look idle after every key (at least two 20 ms sleeps, longer while a frame is drawn), which
    made typing most of the time of a test that types whole answers. The same keys reach the
    same widgets in the same order; only the idle time between them goes."""
    if not text.isprintable():
        await type_text(pilot, text)
        return
    app = pilot.app
    for character in text:
        # As pilot.press builds it: the key's name ("left_square_bracket") and its character.
        key = events.Key(_character_to_key(character), character)
        key.set_sender(app)
        app.post_message(key)
        # One round: the app has handled the key (checked its bindings, forwarded it to the
        # focused widget); the second: that widget has handled it.
        await quiet(pilot, rounds=2)
        await app.animator.wait_until_complete()  # as pilot.press: a scroll it started has ended
    await quiet(pilot)


S = TypeVar("S", bound=Screen[Any])


async def reach(pilot: Pilot[None], kind: type[S], *presses: str | tuple[str, ...]) -> S:
    """Press keys as a facilitator does, letting the app settle after each press (a tuple: keys
    pressed together), and return the screen they lead to, which must be a `kind`."""
    await settle(pilot)
    for keys in presses:
        await pilot.press(*((keys,) if isinstance(keys, str) else keys))
        await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind), f"{type(screen).__name__} on top, not {kind.__name__}"
    return screen


async def open_selected_workshop(pilot: Pilot[None]) -> None:
    """From the home screen: wait for the list, open (resume) the selected workshop, wait for it."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def footer_keys(pilot: Pilot[None]) -> list[str]:
    """The keys a facilitator can read in the footer: whole, and left of the palette key."""
    footer = pilot.app.screen.query_one(Footer)
    keys = list(footer.query(FooterKey))
    palette = next(key for key in keys if key.has_class("-command-palette"))
    shown = [key for key in keys if key is not palette]
    # Nothing runs under the palette key (a stray letter after "^p palette").
    assert all(key.region.right <= palette.region.x for key in shown)
    assert palette.region.right == pilot.app.size.width
    return [key.key_display for key in shown]
