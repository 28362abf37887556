"""The room's own process: `python -m csi_tui.room.serve` runs the room's server (server.py) with
a session of its own on the workshop's file, and talks to the app over its stdin and stdout, one
JSON object a line (the app's side: process.py).

Why a process: sixty phones sending their ballots at once are thousands of votes to parse, check
and write. In a thread of the app, that work took the interpreter's lock from the facilitator's
keys for the whole burst; in a process of its own it runs on the other core, and the operating
system, not the lock, decides who runs next: a key pressed while the room votes is seen to at
once, as any program's that was waiting is. The app learns of the room's votes as it learns of
any other program writing to the file (the change log, looked at four times a second).

What crosses the pipe, so that another front end could drive it:
  app → room:  {"id": 1, "do": "open_round", "keys": ["k", ...] | null}
               {"id": 2, "do": "close_round"}, {"id": 3, "do": "reveal"}, {"do": "stop"}
               (stdin closing also stops the room: the app has gone)
  room → app:  {"listening": {"url": ..., "code": ..., "port": n}} or {"failed": "one line"}, first
               {"news": {"people": [[id, name, side], ...], "finished": n, "round": {...} | null}}
               {"reply": 1, "round": {...}} or {"reply": 1, "refused": "one line"}
               {"stopped": true}, last
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from csi_tui.domain.errors import InvalidInput
from csi_tui.domain.rounds import Round, RoundState, VoteRefused
from csi_tui.domain.vocabulary import ScoreKind

log = logging.getLogger(__name__)


def round_message(round_: Round | None) -> dict[str, Any] | None:
    if round_ is None:
        return None
    fields = asdict(round_)
    fields.update(kind=str(round_.kind), state=str(round_.state), dimension_keys=list(round_.dimension_keys))
    return fields


def round_from(fields: dict[str, Any] | None) -> Round | None:
    if fields is None:
        return None
    return Round(id=fields["id"], workshop_id=fields["workshop_id"], number=fields["number"],
                 kind=ScoreKind(fields["kind"]), state=RoundState(fields["state"]),
                 dimension_keys=tuple(fields["dimension_keys"]), opened_at=fields["opened_at"])


def say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def serve(path: Path, workshop_id: int, kind: ScoreKind, host: str | None, port: int | None) -> int:
    from csi_tui.room.server import RoomServer
    from csi_tui.session.workshop_session import WorkshopSession

    loop = asyncio.get_running_loop()
    session = WorkshopSession(path)
    session.attach(loop)
    server: RoomServer | None = None

    def tell() -> None:
        if server is None:
            return
        say({"news": {"people": [[person, name, str(side)] for person, name, side in server.joined()],
                      "finished": server.progress().finished, "round": round_message(server.round)}})

    try:
        server = RoomServer(session, workshop_id, kind, host=host, port=port, on_news=tell)
        try:
            await server.start()
        except OSError as error:
            say({"failed": str(error) or "the room did not open"})  # the screen shows its first line
            server = None
            return 2
        say({"listening": {"url": server.url, "code": server.code, "port": server.port}})
        tell()
        commands = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)
        while line := await commands.readline():
            command = json.loads(line)
            if command.get("do") == "stop":
                break
            await _obey(server, command)
            tell()
        return 0
    finally:
        if server is not None:
            await server.stop()
        await asyncio.to_thread(session.finish_saves)
        session.close()
        say({"stopped": True})


async def _obey(server: Any, command: dict[str, Any]) -> None:
    moves = {"open_round": lambda: server.open_round(command.get("keys")),
             "close_round": server.close_round, "reveal": server.reveal}
    try:
        round_ = await moves[command["do"]]()
    except (VoteRefused, InvalidInput) as refused:  # the session's rules: the facilitator reads why
        say({"reply": command["id"], "refused": str(refused)})
    except Exception as error:  # a fault of ours or of the file: one line, the traceback in the log
        log.exception("the room could not %s", command["do"])
        say({"reply": command["id"], "refused": f"the room could not do it: {error}"})
    else:
        say({"reply": command["id"], "round": round_message(round_)})


ROOM_NICENESS = 10  # below the app: the facilitator's keys first, then the phones' answers


def give_way() -> None:
    """Lower the room's priority (where the system has one: POSIX). When both want the CPU (a
    burst of ballots while the facilitator types), the app's key is drawn first; a phone waits
    a few milliseconds longer for its answer, which nobody at the back of the room can notice."""
    if hasattr(os, "nice"):
        try:
            os.nice(ROOM_NICENESS)
        except OSError:  # not allowed here: the room runs at the app's priority
            log.info("the room's process could not lower its priority")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csi_tui.room.serve")
    parser.add_argument("path", type=Path)
    parser.add_argument("workshop_id", type=int)
    parser.add_argument("kind", choices=[str(kind) for kind in ScoreKind])
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    from csi_tui.support_log import start_logging

    start_logging()
    give_way()
    return asyncio.run(serve(args.path, args.workshop_id, ScoreKind(args.kind), args.host, args.port))


if __name__ == "__main__":
    sys.exit(main())
