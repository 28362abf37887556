"""Child process: the real app under a file-size limit (RLIMIT_FSIZE, as a full disk: writes past
it fail with EFBIG). A facilitator pastes notes bigger than the limit allows, sees what the screen
says, then quits and asks to keep the text in a file (which cannot be written either). Reports
what the screen showed as JSON lines on stdout."""

from __future__ import annotations

import asyncio
import json
import resource
import sys
from pathlib import Path

from textual import events

from csi_tui.app import make_app
from csi_tui.screens.quit_dialog import QuitDialog
from csi_tui.widgets.save_indicator import SaveIndicator
from tests.helpers.ui import open_selected_workshop, until


def report(**what: object) -> None:
    print(json.dumps(what), flush=True)


async def main(db_path: Path, pasted_bytes: int, limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # SIGXFSZ is ignored: EFBIG
    app = make_app(db_path, keymap={}, cursor_blink=False)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await open_selected_workshop(pilot)
        indicator = app.screen.query_one(SaveIndicator)
        app.post_message(events.Paste("Pasted notes. " * (pasted_bytes // 14)))
        await until(pilot, lambda: indicator.state == "failed", timeout=30)
        await until(pilot, lambda: bool(app._notifications), timeout=30)  # a message, handled after
        report(indicator=str(indicator.render()),
               notifications=[n.message for n in app._notifications])
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, QuitDialog), timeout=30)
        asked = app.screen
        await pilot.press("k")  # keep the text in a file beside the database: the disk is full too
        # Asked again by a new dialog, once it is composed (pushed and composed are a moment apart).
        await until(pilot, lambda: isinstance(app.screen, QuitDialog) and app.screen is not asked
                    and bool(app.screen.query(".error")), timeout=30)
        report(asked_again=str(app.screen.query_one(".error").render()))
        await pilot.press("d")  # quit without it, deliberately
        await until(pilot, lambda: not app.is_running, timeout=30)
    report(farewell=app.farewell)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
