"""The room, on the facilitator's screen and the projector: the QR code and room code phones join
with, who has joined and how many have scored, and the keys that run a blind round (open, close,
reveal, a second round on the dimensions the room split on). While a round is open nothing here
shows a value: seeing the others' scores first is what blind scoring is for avoiding. Reveal
shows who scored what, the spread per dimension and the live gap matrix; after a second round,
whether the room came closer.

The room's server (csi_tui.room) runs in a process of its own for as long as this screen is up:
it starts when the screen mounts and stops when it unmounts, which every way out passes
through (escape, ctrl+q and the quit dialog, the app exiting), so no port stays open.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Digits, Static

from csi_tui.domain.rounds import (Convergence, Progress, Round, RoundState, Vote, by_dimension, convergence, spread,
                                   worth_revoting)
from csi_tui import heap
from csi_tui.domain.text import for_display
from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.round_dialog import RoundDialog, choices
from csi_tui.screens.workshop_screen import WorkshopScreen
from csi_tui.session.workshop_session import Change, WorkshopSession
from csi_tui.widgets.fitted_footer import FittedFooter
from csi_tui.widgets.gap_matrix import GapMatrix
from csi_tui.widgets.join_code import JoinCode
from csi_tui.widgets.plain_scrollbar import plain_scrollbars
from csi_tui.widgets.room_grid import RoomGrid
from csi_tui.widgets.status_line import StatusLine
from csi_tui.widgets.user_text import user_content, user_text

if TYPE_CHECKING:
    from csi_tui.store.read_model import WorkshopSnapshot

NAME_WIDTH = 30  # a dimension's name in the convergence list; longer ones are cut
COVERED_NEWS_INTERVAL = 1.0  # seconds: under a dialog or the palette, the room's news at most this often
FOOTER_KEYS = (("room.round1", "Round"), ("room.close", "Close"), "room.reveal", ("room.round2", "Re-vote"),
               ("room.leave", "Close room"), "app.quit", "app.projector", "app.help")


class Room(Protocol):
    """What this screen needs of the room (csi_tui.room.process.RoomProcess, the app's end of
    the room's own process); tests pass one with a fixed address and code and no socket."""

    url: str
    code: str
    round: Round | None

    @property
    def running(self) -> bool: ...  # False once the room has ended, asked to or not

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def joined(self) -> list[tuple[int, str, Perspective]]: ...
    def progress(self) -> Progress: ...
    async def open_round(self, dimension_keys: Sequence[str] | None = None) -> Round: ...
    async def close_round(self) -> Round: ...
    async def reveal(self) -> Round: ...


# RoomProcess's own signature: (session, workshop_id, kind, host=, port=, on_news=).
RoomFactory = Callable[..., Room]


def real_room(session: WorkshopSession, workshop_id: int, kind: ScoreKind, *, host: str | None,
              port: int | None, on_news: Callable[[], None]) -> Room:
    from csi_tui.room.process import RoomProcess  # the room's server runs in a process of its own

    return RoomProcess(session, workshop_id, kind, host=host, port=port, on_news=on_news)


def one_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def round_line(round_: Round | None) -> str:
    """Where the room stands, in the facilitator's words, with the key that moves it on."""
    if round_ is None:
        return "No round yet: 1 opens round 1, every dimension, scored blind on the phones."
    if round_.state is RoundState.OPEN:
        return f"{round_.label} · open · scores stay hidden until you reveal (r)"
    if round_.state is RoundState.CLOSED:
        return f"{round_.label} · closed · r reveals who scored what"
    return f"{round_.label} · revealed · 2 opens round {round_.number + 1} for a second look"


def joined_text(people: Sequence[tuple[int, str, Perspective]]) -> Text:
    """Who has joined, by side: names or aliases as they typed them (data, never markup)."""
    if not people:
        return Text("Nobody has joined yet.", style="italic")
    text = Text()
    for index, (side, title) in enumerate(((Perspective.BUSINESS, "Business"), (Perspective.IT, "IT"))):
        names = [name for _, name, perspective in people if perspective is side]
        if index:
            text.append("\n")
        text.append(f"{title} ({len(names)}): ", style="bold")
        text.append_text(user_text(" · ".join(names) if names else "–"))
    return text


def convergence_text(earlier: int, later: int, lines: Sequence[Convergence], names: dict[str, str]) -> Text:
    text = Text()
    text.append(f"Round {earlier} → round {later}: spread per dimension", style="bold")
    shown = {line.key: for_display(names.get(line.key, line.key), keep_newlines=False)[:NAME_WIDTH] for line in lines}
    width = max((len(name) for name in shown.values()), default=0)
    for line in lines:  # in a column, so the eye runs down the verdicts
        text.append("\n")
        text.append(shown[line.key].ljust(width))
        text.append(f"  {line.text}", style="bold" if line.converged else "")
    return text


class RoomScreen(WorkshopScreen):
    CSS_PATH = "room.tcss"
    SHOWS_ANSWERS = False  # nothing here shows an answer: typing elsewhere reloads nothing
    BINDINGS = [
        Binding("1", "open_first_round", "Open a round on every dimension", id="room.round1",
                tooltip="Open a round on every dimension (numbered after the last): the phones score blind, "
                        "nothing shows here"),
        Binding("c", "close_round", "Close the round", id="room.close",
                tooltip="Stop taking scores; nothing is shown until you reveal"),
        Binding("r", "reveal", "Reveal", id="room.reveal",
                tooltip="Close the round and show who scored what, the spread and the gap matrix"),
        Binding("2", "open_second_round", "Open a re-vote", id="room.round2",
                tooltip="Score again the dimensions you tick (those the room split on come ticked)"),
        Binding("escape", "leave", "Close the room", id="room.leave",
                tooltip="Stop the room's server and go back to the step (asks first while a round is open)"),
    ]

    class News(Message):
        """Someone joined or scored (the server tells, coalesced)."""

    @dataclass
    class RevoteRead(Message):
        last: Round
        votes: list[Vote]

    @dataclass
    class ConvergenceRead(Message):
        earlier: int
        later: int
        lines: list[Convergence]

    def __init__(self, session: WorkshopSession, workshop_id: int, kind: ScoreKind,
                 make_room: RoomFactory | None = None, host: str | None = None, port: int | None = None) -> None:
        super().__init__(session, workshop_id)
        self.kind = kind
        self.make_room = make_room or real_room
        self.host, self.port = host, port
        self.server: Room | None = None
        self._moving = False  # a round is being opened, closed or revealed
        self._state: RoundState | None = None  # the round's, as last shown
        # What was heard while a dialog or the palette covered this screen, not drawn yet.
        self._news_waiting = False
        self._changes_waiting: list[Change] = []
        self._covered_timer: Timer | None = None
        self._gone_told = False  # the room ended by itself and the facilitator was told

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="room-top"):
            yield JoinCode(id="join-code")
            with Vertical(id="room-side"):
                yield Static("", id="room-title")
                yield StatusLine(id="room-round")
                yield Static("Room code", id="room-code-label", markup=False)
                yield Digits("", id="room-code")
                yield Static("", id="room-url", markup=False)
                yield StatusLine(id="room-progress")
                yield StatusLine(id="room-joined")
        with VerticalScroll(id="room-results"):
            yield RoomGrid(self.kind, id="room-grid")
            yield Static("", id="room-convergence")
            yield GapMatrix(id="room-gaps")
        yield FittedFooter(FOOTER_KEYS)

    async def on_mount(self) -> None:
        plain_scrollbars(self.query_one("#room-results", VerticalScroll))
        self.watch(self.query_one(JoinCode), "url_shown", self._place_url)
        # The room's process takes about half a second to listen: the screen says what it waits for.
        self.query_one("#room-round", StatusLine).show("Opening the room…")
        try:
            server = self.make_room(self.session, self.workshop_id, self.kind, host=self.host, port=self.port,
                                    on_news=self._heard_room)
            await server.start()
        except OSError as error:
            self.notify(f"The room did not open: {one_line(error)}", title="Room", severity="error",
                        timeout=10, markup=False)
            self.dismiss()
            return
        self.server = server
        heap.settle()  # this screen and the step beneath live as long as the room (heap.py says why)
        self.query_one(JoinCode).show(server.url)
        self.query_one("#room-code", Digits).update(server.code)
        self.query_one("#room-url", Static).update(server.url)
        self._show_room()
        if server.round is not None:  # a room opened again carries on with the workshop's last round
            self._round_moved(server.round)

    async def on_unmount(self) -> None:
        await self.stop_room()

    async def stop_room(self) -> None:
        """Close the room's port and every phone's connection; again does nothing."""
        server, self.server = self.server, None
        if server is not None:
            await server.stop()

    def _place_url(self, shown: bool) -> None:
        # Beside the code when the code needs the lines below it.
        self.query_one("#room-url", Static).set_class(not shown, "-needed")

    # --- what the room shows ------------------------------------------------------------------

    @property
    def round(self) -> Round | None:
        return self.server.round if self.server is not None else None

    @property
    def revealed(self) -> bool:
        return self.round is not None and self.round.state is RoundState.REVEALED

    @property
    def covered(self) -> bool:
        """A dialog or the palette is above this screen."""
        return self.app.screen is not self

    # While covered, nothing reaches this screen's queue for the room's news or the file's changes.
    # Textual forwards a covered screen's changed lines to the top screen and marks the covered
    # one for a whole repaint; from then on every message it handles, whatever the message, ends
    # in an idle that repaints it whole, and the terminal with it (this screen rendered again and
    # tinted beneath the dialog, 15-25 ms). A room voting sends several a second, and typing in
    # the palette stutters. So the news waits, drawn once a second (the room's promise: within a
    # second) or at once when this screen is on top again.

    def _heard_room(self) -> None:
        # On the loop, from the server: drawn in this screen's own turn.
        if not self.is_attached:
            return
        if self.covered:
            self._news_waiting = True
            self._wait_while_covered()
        else:
            self.post_message(self.News())

    def _heard(self, change: Change) -> None:
        if self.covered:
            self._changes_waiting.append(change)
            self._wait_while_covered()
        else:
            super()._heard(change)

    @on(News)
    def _news(self) -> None:
        self._show_room()

    def _wait_while_covered(self) -> None:
        if self._covered_timer is None:
            self._covered_timer = self.set_timer(COVERED_NEWS_INTERVAL, self._show_waiting_news)

    @on(events.ScreenResume)
    def _uncovered(self) -> None:
        # On top again: what waited is drawn now, not at the timer's second.
        if self._covered_timer is not None:
            self._covered_timer.stop()
        self._show_waiting_news()

    def _show_waiting_news(self) -> None:
        self._covered_timer = None
        changes, self._changes_waiting = self._changes_waiting, []
        for change in changes:  # in the order heard, as this screen's messages
            super()._heard(change)
        if self._news_waiting:
            self._news_waiting = False
            self._show_room()

    def _show_room(self) -> None:
        """Who has joined, the round's progress and state: never a value."""
        server = self.server
        if server is None:
            return
        if not server.running:
            self._room_gone()
            return
        people = server.joined()
        progress = server.progress() if server.round is not None else Progress(len(people), 0)
        # Four times a second while the room votes: only what changed is drawn again (a line
        # that keeps its height is repainted, not laid out: StatusLine), and the footer (its keys
        # depend on the round's state) only when the round moved.
        for name, text in (("#room-progress", progress.text), ("#room-joined", joined_text(people)),
                           ("#room-round", round_line(server.round))):
            self.query_one(name, StatusLine).show(text)
        state = server.round.state if server.round is not None else None
        if state != self._state:
            self._state = state
            self.set_class(self.revealed, "-revealed")
            self.refresh_bindings()

    def _room_gone(self) -> None:
        # The room's process ended without being asked (killed, out of memory): the phones can
        # no longer reach it. Said once, in the round's line and as a notice; the scores already
        # in are in the file. Its address and code go: they reach nothing now.
        self.add_class("-gone")
        self.query_one("#room-round", StatusLine).show(
            "The room has stopped: the phones cannot reach it. Escape goes back; ctrl+f opens a new room.")
        if not self._gone_told:
            self._gone_told = True
            self.notify("The room has stopped; the scores already sent are kept.", title="Room",
                        severity="error", timeout=10, markup=False)

    def show(self, snapshot: WorkshopSnapshot, first: bool) -> None:
        self.query_one("#room-title", Static).update(
            user_content(f"The room · {snapshot.workshop.title}"))
        self._show_results(snapshot)

    def show_scores(self, snapshot: WorkshopSnapshot, rescored: frozenset[str]) -> None:
        self._show_results(snapshot, rescored)

    def _show_results(self, snapshot: WorkshopSnapshot | None, rescored: frozenset[str] | None = None) -> None:
        # Only once revealed: an open round's scores reach the file as they come, and the grid
        # and the matrix would show them to the room before the reveal.
        if snapshot is None or not self.revealed:
            return
        self.query_one(RoomGrid).show(snapshot, rescored)
        self.query_one(GapMatrix).show(snapshot.gap_rows())

    # --- keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A move the round does not allow now is not offered at all (False), rather than shown
        # dimmed: in front of the room, a footer of dead keys reads as choices, and at 80 columns
        # they pushed the projector and help keys off the line.
        round_ = self.round
        if action == "close_round":
            return round_ is not None and round_.is_open
        if action == "reveal":
            return round_ is not None and round_.state is not RoundState.REVEALED
        if action == "open_second_round":
            return round_ is not None
        return True

    def action_open_first_round(self) -> None:
        if self.server is not None:
            self._move(lambda server: server.open_round(None), "Not opened")

    def action_close_round(self) -> None:
        if self.round is not None and self.round.is_open:
            self._move(lambda server: server.close_round(), "Not closed")

    def action_reveal(self) -> None:
        if self.round is not None and not self.revealed:
            self._move(lambda server: server.reveal(), "Not revealed")

    @work(group="room-round", exit_on_error=False)
    async def _move(self, step: Callable[[Room], Awaitable[Round]], refused: str) -> None:
        server = self.server
        # One move at a time: a key pressed twice on a busy laptop (r, r) reveals once.
        if server is None or self._moving:
            return
        self._moving = True
        try:
            round_ = await step(server)
        except Exception as error:  # a refusal of the session's rules: one line, the room stays
            self.notify(f"{refused}: {one_line(error)}", title="Room", severity="warning", markup=False)
            return
        finally:
            self._moving = False
        self._round_moved(round_)

    def _read_news(self) -> None:
        # While a round is open nothing here shows a score, and a room voting changes the file
        # several times a second: the news is kept (as for a screen out of sight) and read once,
        # at the reveal, rather than competing with the facilitator's keys for the whole round.
        if self.loaded and self.round is not None and self.round.is_open:
            return
        super()._read_news()

    def _round_moved(self, round_: Round) -> None:
        self._show_room()
        if round_.state is RoundState.REVEALED:
            if self._has_news:
                self._read_news()  # what the round brought, drawn when read (show_scores)
            else:
                self._show_results(self.snapshot)
            if round_.number > 1:
                self._read_convergence(round_)
        else:
            self.query_one("#room-convergence", Static).display = False

    def action_open_second_round(self) -> None:
        if self.round is not None:
            self._read_revote(self.round)

    @work(thread=True, group="room-read", exit_on_error=False, description="reading the last round's votes")
    def _read_revote(self, last: Round) -> None:
        self.post_message(self.RevoteRead(last, self.session.round_votes(last.id)))

    @on(RevoteRead)
    def _ask_revote(self, message: RevoteRead) -> None:
        snapshot = self.snapshot
        if snapshot is None or self.server is None:
            return
        last, votes = message.last, message.votes
        grid = by_dimension(votes)
        spreads = {key: spread(levels.values()) for key, levels in grid.items()}
        worth = worth_revoting(last.dimension_keys, votes)
        dimensions = [(d.key, d.name) for d in snapshot.dimensions]
        title = f"Round {last.number + 1}: which dimensions does the room score again?"

        def chosen(keys: list[str] | None) -> None:
            if keys:
                self._move(lambda server: server.open_round(keys), "Not opened")

        self.app.push_screen(RoundDialog(title, choices(dimensions, spreads, worth)), chosen)

    @work(thread=True, group="room-read", exit_on_error=False, description="reading the rounds' votes")
    def _read_convergence(self, later: Round) -> None:
        earlier = max((r for r in self.session.rounds(self.workshop_id)
                       if r.kind is later.kind and r.number < later.number),
                      key=lambda r: r.number, default=None)
        if earlier is None:
            return
        lines = convergence(later, self.session.round_votes(earlier.id), self.session.round_votes(later.id))
        self.post_message(self.ConvergenceRead(earlier.number, later.number, lines))

    @on(ConvergenceRead)
    def _converged(self, message: ConvergenceRead) -> None:
        names = {d.key: d.name for d in self.snapshot.dimensions} if self.snapshot else {}
        shown = self.query_one("#room-convergence", Static)
        shown.update(convergence_text(message.earlier, message.later, message.lines, names))
        shown.display = True

    def action_leave(self) -> None:
        if self.round is not None and self.round.is_open and self.server is not None and self.server.running:
            def answered(yes: bool | None) -> None:
                if yes:
                    self._leave()

            self.app.push_screen(ConfirmScreen(
                "A round is open. Close the room?",
                "The phones can no longer score; the scores already in are kept.", yes="Close the room"), answered)
            return
        self._leave()

    @work(group="room-leave", exclusive=True, exit_on_error=False)
    async def _leave(self) -> None:
        await self.stop_room()
        self.dismiss()

