"""Child process for the durability test through the real app: a facilitator types into the
vision field of a running csi-tui (headless, the writer thread and the autosave debounce as they
are), with pauses that let the autosave land. Whenever the screen's indicator turns to
"✓ saved", the text the field shows at that moment is reported on stdout: the parent kills this
process at a random moment and checks that the last text the screen called saved is on disk."""

from __future__ import annotations

import asyncio
import json
import random
import sys
from pathlib import Path

from textual.widgets import TextArea

from csi_tui.app import make_app
from csi_tui.widgets.save_indicator import SaveIndicator
from tests.helpers.ui import open_selected_workshop


async def main(db_path: Path, trial: int) -> None:
    app = make_app(db_path, keymap={}, cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_selected_workshop(pilot)
        field = app.screen.query_one("#answer-vision", TextArea)
        field.focus()
        field.move_cursor(field.document.end)  # the room adds to what is there

        def report(state: str) -> None:
            if state == "saved":
                print(json.dumps(field.text), flush=True)

        app.screen.watch(app.screen.query_one(SaveIndicator), "state", report, init=False)
        print("ready", flush=True)
        rnd = random.Random(trial)
        for word in range(10_000):
            await pilot.press(*f" t{trial}w{word}")
            if rnd.random() < 0.6:  # a breath longer than the autosave delay: it saves
                await pilot.pause(rnd.uniform(0.3, 0.7))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
