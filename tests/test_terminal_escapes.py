"""Terminal escapes in user text never reach the terminal: a title carrying OSC 52 does not set the
clipboard, OSC 2 does not retitle the window, CSI 2 J does not blank the screen. Asserted on what
the app writes to its terminal driver, byte for byte, and on a real pseudo-terminal."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Input, TextArea

import csi_tui
from csi_tui.widgets.line_table import LineTable
from csi_tui.domain.models import Checkpoint, Kpi, Participant, RegisterItem, WorkshopDraft
from csi_tui.screens.checkpoints import CheckpointsScreen
from csi_tui.screens.closing import ClosingScreen
from csi_tui.screens.register_item_dialog import RegisterItemDialog
from csi_tui.screens.status_dialog import StatusDialog
from csi_tui.store.workshop_store import open_store
from csi_tui.templates import load_scale, load_template
from tests.helpers.terminal import ESCAPES, Terminal
from tests.helpers.ui import settle, test_app, type_text

# Each sequence sits between two marker words, so that the test can tell the user's copy of a
# sequence from any the terminal driver writes for itself (Textual moves the cursor with CSI).
HOSTILE = "Ti\x1b]52;c;SGVsbG8=\x07tle\x1b]2;pwned\x07Two\x1b[2JThree\x9b31mFour\x00Five\x1bcSix"
SHOWN = "TitleTwoThreeFourFiveSix"  # the same, as the rule shows it
# What must never be written: the user's sequences, with the text they sit in, and any C1 or NUL.
FORBIDDEN = [b"\x1b]52", b"\x1b]2;pwned", b"\x1b[2JThree", b"\x1bcSix", b"\xc2\x9b", b"\x00"]


def hostile_workshop(path: Path, text: str = HOSTILE) -> int:
    """A workshop whose every kind of user text holds the sequences: its title, organisation,
    scope and facilitator, a dimension, a participant, an answer, a score's evidence, a register
    item, a KPI and a checkpoint. As an imported file or another tool could leave it."""
    template = load_template("itil4-dimensions")
    first = template.dimensions[0].model_copy(update={"name": f"Dim {text}"})
    template = template.model_copy(update={"dimensions": [first, *template.dimensions[1:]]})
    with open_store(path) as store:
        draft = WorkshopDraft(title=text, organisation=f"Org {text}", scope=f"Scope {text}",
                              facilitator=f"Fac {text}", template_id=template.id, scale_id="cmmi")
        workshop_id = store.create_workshop(draft, template, load_scale("cmmi")).id
        store.add_participant(workshop_id, Participant(name=f"Pat {text}", role=text, perspective="it"))
        store.save_answer(workshop_id, 1, "vision", f"Answer {text}\nsecond line")
        kpi = store.add_kpi(workshop_id, Kpi(name=f"Kpi {text}", unit=text, source=text))
        store.add_register_item(workshop_id, RegisterItem(
            raised_on=date(2026, 3, 1), description=f"Item {text}", owner=text, justification=text,
            dimension_keys=[first.key], kpi_ids=[kpi.id]))
        store.add_checkpoint(workshop_id, Checkpoint(due_on=date(2026, 6, 1), went_well=text, went_wrong=text))
    return workshop_id


def forbidden_in(written: bytes) -> list[bytes]:
    return [sequence for sequence in FORBIDDEN if sequence in written]


async def test_user_text_never_writes_an_escape_to_the_terminal(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The headless driver, told it is a terminal: the app then writes every frame to it, exactly
    # the bytes a terminal would receive (App._display skips a headless driver).
    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "is_headless", property(lambda self: False))
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))

    app = test_app(db_path)
    hostile_workshop(db_path)

    def check(where: str) -> str:
        output = "".join(written).encode("utf-8")
        written.clear()
        assert output, f"{where}: nothing was written"
        assert forbidden_in(output) == [], where
        return ESCAPES.sub("", output.decode("utf-8"))

    async with app.run_test(size=(200, 60), notifications=True) as pilot:
        await settle(pilot)
        assert SHOWN in check("the home screen")  # the title and organisation, shown
        await pilot.press("enter")  # step 1: the title above, the answer in its field
        await settle(pilot)
        shown = check("step 1")
        assert "Answer Ti" in shown
        await pilot.press("ctrl+g", "2")  # the scoring table: the dimension; the voices
        await settle(pilot)
        assert f"Dim {SHOWN}" in check("step 2")
        await pilot.press("ctrl+r")  # the participants, in a table
        await settle(pilot)
        assert f"Pat {SHOWN}" in check("participants")
        # Pasted into a field: the field keeps what was pasted, and draws it without the escapes.
        app.screen.query_one("#name", Input).focus()
        await type_text(pilot, HOSTILE)
        await settle(pilot)
        assert app.screen.query_one("#name", Input).value == HOSTILE
        check("a pasted name")
        await pilot.press("escape", "f3")  # the register
        await settle(pilot)
        assert f"Item {SHOWN}" in check("the register")
        await pilot.press("e")  # the item's form: its fields hold the text as stored
        await settle(pilot)
        assert isinstance(app.screen, RegisterItemDialog)
        assert app.screen.query_one("#description", Input).value == f"Item {HOSTILE}"
        check("the register item's form")
        await pilot.press("escape", "m")  # the move dialog names the item
        await settle(pilot)
        assert isinstance(app.screen, StatusDialog)
        check("the status dialog")
        await pilot.press("escape", "escape", "f5")  # the KPIs and the trend's title
        await settle(pilot)
        assert f"Kpi {SHOWN}" in check("the KPIs")
        await pilot.press("escape", "f9")  # the checkpoints
        await settle(pilot)
        assert isinstance(app.screen, CheckpointsScreen)
        check("the checkpoints")
        await pilot.press("escape")
        await settle(pilot)
        step = app.screen
        area = step.query_one("#answer-strengths", TextArea)
        area.focus()
        await type_text(pilot, HOSTILE)  # typed into an answer: kept as typed, drawn without escapes
        await settle(pilot)
        assert area.text == HOSTILE
        check("an answer pasted into")
        app.notify(f"Note {HOSTILE}", title=HOSTILE, markup=False)  # a notification quoting user text
        await settle(pilot)
        assert f"Note {SHOWN}" in check("a notification")
        step.query_one("#scoring #scores", LineTable).focus()
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n")  # on to the closing screen
        await settle(pilot)
        assert isinstance(app.screen, ClosingScreen)
        assert f"Closing · {SHOWN}" in check("the closing screen")

    with open_store(db_path) as store:  # nothing was rewritten by being shown
        (workshop,) = store.workshops()
        assert workshop.title == HOSTILE
        assert store.answers(workshop.id)[1]["vision"] == f"Answer {HOSTILE}\nsecond line"
        assert store.register_items(workshop.id)[0].description == f"Item {HOSTILE}"


def test_every_editor_in_the_app_draws_without_controls() -> None:
    """A bare Input or TextArea would draw a pasted or stored ESC as it is: the app builds only
    the ones that draw without control bytes (widgets/safe_input.py, widgets/safe_text_area.py)."""
    root = Path(csi_tui.__file__).parent
    bare = [f"{path.relative_to(root)}:{node.lineno}"
            for path in [root / "app.py", *root.glob("screens/*.py"), *root.glob("widgets/*.py")]
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("Input", "TextArea")]
    assert bare == []


@pytest.mark.slow
def test_a_real_terminal_receives_no_escape_from_a_title(db_path: Path) -> None:
    """`csi-tui open ID` on a pseudo-terminal: every byte the app writes for a few seconds, then
    ctrl+q. The strongest proof: nothing between the app and the terminal is simulated."""
    open_store(db_path).close()
    workshop_id = hostile_workshop(db_path)
    terminal = Terminal("--db", str(db_path), "open", str(workshop_id), size=(200, 50))
    try:
        terminal.read_for(30, until=f"{SHOWN} · cycle 1")  # the title under the question
        terminal.read_for(30, until="Answer Ti")  # the answers, filled by the first load (later on a busy machine)
        terminal.read_for(1.0)  # and whatever follows them
        terminal.type(b"\x11")  # ctrl+q
        terminal.wait(timeout=10)
    finally:
        terminal.end()
    text, seen = terminal.text, terminal.seen
    assert f"{SHOWN} · cycle 1" in text and "Answer Ti" in text, text[-2000:]
    assert forbidden_in(seen) == []


def test_the_command_line_list_draws_no_escape_of_a_title(db_path, run_cli) -> None:
    from csi_tui.store.workshop_store import open_store
    from tests.conftest import create_workshop

    with open_store(db_path) as store:
        create_workshop(store, title="Desk \x1b]2;pwned\x07\x1b[2J review")
    result = run_cli("list", "--db", str(db_path))
    assert result.returncode == 0
    assert "Desk  review" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


ESCAPE_NAME = "j\x1b[2Jk\x1b]0;PWN\x07"  # a file name that blanks the screen and retitles the window


def test_every_line_the_command_line_prints_is_one_line_without_escapes(tmp_path: Path, run_cli) -> None:
    """File names and values quoted from files reach the terminal in the command line's own
    lines (refusals, "written to", merge's skips): the display rule applies to them as to titles,
    and a refusal is one line however many the text it quotes has."""
    from tests.conftest import create_workshop

    good = tmp_path / "good.db"
    with open_store(good) as store:
        create_workshop(store)
    garbage = tmp_path / f"{ESCAPE_NAME}.db"
    garbage.write_bytes(b"not a database at all" * 100)
    folder = tmp_path / "two\nlines"
    folder.mkdir()
    runs = {
        "a refusal naming the file": run_cli("list", "--db", str(garbage)),
        "a missing file on two lines": run_cli("list", "--db", str(folder / "missing" / "x.db")),
        "the path written": run_cli("export", "1", "--db", str(good), "--format", "json",
                                    "-o", str(tmp_path / f"{ESCAPE_NAME}.json")),
        "a merge's skip": run_cli("merge", str(garbage), "-o", str(tmp_path / "portfolio.db")),
    }
    for what, result in runs.items():
        for stream in (result.stdout, result.stderr):
            assert forbidden_in(stream.encode()) == [] and "\x1b" not in stream and "\x07" not in stream, what
        assert len(result.stderr.splitlines()) <= 1, (what, result.stderr)
        assert "Traceback" not in result.stderr, what
    assert runs["a refusal naming the file"].returncode == 2
    assert "jk" in runs["a refusal naming the file"].stderr  # the name, as the display rule shows it
    assert (tmp_path / f"{ESCAPE_NAME}.json").is_file()  # the file keeps its name: only the line is cleaned
    assert "skipped" in runs["a merge's skip"].stderr
