"""The room as the app sees it: the room's server runs in a process of its own (serve.py says
why and what crosses the pipe); this is the app's end of that pipe, with what the room screen
asks of a room (screens/room.py's Room): the address and code, who has joined, the round's
progress and state, and the facilitator's moves.

The room writes the phones' joins and votes into the file through a session of its own; the
app's session hears them as it hears any other program (notice_changes). After each of the
facilitator's moves that session looks at once, so the reveal draws the votes the round ended
with, not those of a quarter of a second before.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import csi_tui
from csi_tui.domain.rounds import Progress, Round, VoteRefused
from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.room.news import call_listener
from csi_tui.room.serve import round_from

if TYPE_CHECKING:
    from csi_tui.session.workshop_session import WorkshopSession

log = logging.getLogger(__name__)

START_SECONDS = 30.0  # a loaded laptop, a slow disk: the room's process imports, opens the file, listens
STOP_SECONDS = 5.0  # the votes already sent land and the port closes; then the process is ended


class RoomGone(VoteRefused):
    """The room's process is no longer there to take the facilitator's move."""


class RoomProcess:
    def __init__(self, session: WorkshopSession, workshop_id: int, kind: ScoreKind, host: str | None = None,
                 port: int | None = None, on_news: Callable[[], None] | None = None) -> None:
        self.session = session
        self.workshop_id = workshop_id
        self.kind = kind
        self.host = host
        self.port = port  # as asked (None: a free one); once listening, the one it has
        self.url = ""
        self.code = ""
        self.round: Round | None = None
        self._on_news = on_news
        self._people: list[tuple[int, str, Perspective]] = []
        self._finished = 0
        self._child: asyncio.subprocess.Process | None = None
        self._listening: asyncio.Task[None] | None = None
        self._replies: dict[int, asyncio.Future[Round]] = {}
        self._next_id = 0
        self._stopped = asyncio.Event()

    # --- life -----------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the room's process and wait until it listens; OSError with its one line if it
        cannot (the port taken, an address not this laptop's)."""
        command = [sys.executable, "-m", "csi_tui.room.serve", str(self.session.path), str(self.workshop_id),
                   str(self.kind)]
        if self.host is not None:
            command += ["--host", self.host]
        if self.port is not None:
            command += ["--port", str(self.port)]
        # Its own session (start_new_session): a ctrl+c meant for the app's terminal is not the
        # room's; it stops when the app says so, or when its stdin closes because the app is gone.
        child = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL, env=_same_package(), start_new_session=True)
        assert child.stdout is not None
        try:
            first = json.loads(await asyncio.wait_for(child.stdout.readline(), START_SECONDS) or b"{}")
        except (TimeoutError, ValueError):
            first = {}
        if "listening" not in first:
            await _end(child)
            raise OSError(first.get("failed") or "the room's process did not start")
        listening = first["listening"]
        self.url, self.code, self.port = listening["url"], listening["code"], listening["port"]
        self._child = child
        self._listening = asyncio.create_task(self._listen(child))

    async def stop(self) -> None:
        """Let the votes already sent land and close the port; then the process has ended.
        Twice is harmless."""
        child, self._child = self._child, None
        if child is None:
            return
        with contextlib.suppress(ConnectionError):
            self._send(child, {"do": "stop"})
        try:
            await asyncio.wait_for(self._stopped.wait(), STOP_SECONDS)
        except TimeoutError:
            log.error("the room's process did not stop within %s s: ended", STOP_SECONDS)
        await _end(child)
        if self._listening is not None:
            await self._listening

    # --- what the screen reads ------------------------------------------------------------------

    def joined(self) -> list[tuple[int, str, Perspective]]:
        return list(self._people)

    def progress(self) -> Progress:
        return Progress(len(self._people), self._finished if self.round is not None else 0)

    # --- the facilitator's moves ----------------------------------------------------------------

    async def open_round(self, dimension_keys: Sequence[str] | None = None) -> Round:
        return await self._move({"do": "open_round", "keys": list(dimension_keys) if dimension_keys else None})

    async def close_round(self) -> Round:
        return await self._move({"do": "close_round"})

    async def reveal(self) -> Round:
        return await self._move({"do": "reveal"})

    async def _move(self, command: dict[str, Any]) -> Round:
        child = self._child
        if child is None:
            raise RoomGone("the room is closed")
        self._next_id += 1
        reply: asyncio.Future[Round] = asyncio.get_running_loop().create_future()
        self._replies[self._next_id] = reply
        self._send(child, {**command, "id": self._next_id})
        round_ = await reply
        self.round = round_
        # What the room wrote up to this move, heard now: the reveal draws the round's last votes.
        self.session.notice_changes()
        return round_

    def _send(self, child: asyncio.subprocess.Process, command: dict[str, Any]) -> None:
        if child.stdin is None or child.stdin.is_closing():
            raise RoomGone("the room is closed")
        child.stdin.write(json.dumps(command).encode() + b"\n")

    # --- what the room says ---------------------------------------------------------------------

    async def _listen(self, child: asyncio.subprocess.Process) -> None:
        assert child.stdout is not None
        try:
            while line := await child.stdout.readline():
                try:
                    self._heard(json.loads(line))
                except (ValueError, KeyError, TypeError):
                    log.error("the room's process said something unreadable")
        finally:
            self._stopped.set()
            for reply in self._replies.values():
                if not reply.done():
                    reply.set_exception(RoomGone("the room has closed"))
            self._replies.clear()
            if self._child is child:  # it ended without being asked: the screen says so
                self._child = None
                self._tell()
                await _end(child)
                log.error("the room's process ended by itself (exit %s)", child.returncode)

    def _heard(self, message: dict[str, Any]) -> None:
        if "news" in message:
            news = message["news"]
            self._people = [(person, name, Perspective(side)) for person, name, side in news["people"]]
            self._finished = news["finished"]
            self.round = round_from(news["round"])
            self._tell()
        elif "reply" in message:
            reply = self._replies.pop(message["reply"], None)
            if reply is None or reply.done():
                return
            if "refused" in message:
                reply.set_exception(VoteRefused(message["refused"]))
            else:
                reply.set_result(round_from(message["round"]))

    def _tell(self) -> None:
        if self._on_news is not None:
            call_listener(self._on_news)

    @property
    def running(self) -> bool:
        return self._child is not None


def _same_package() -> dict[str, str]:
    """The environment, with this very csi_tui first on the path: the room's process runs the
    code the app runs, wherever it was imported from."""
    here = str(Path(csi_tui.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH")]))
    return env


async def _end(child: asyncio.subprocess.Process) -> None:
    if child.stdin is not None and not child.stdin.is_closing():
        child.stdin.close()
    try:
        await asyncio.wait_for(child.wait(), STOP_SECONDS)
    except TimeoutError:
        child.kill()
        await child.wait()
