"""The Textual application and the one factory that the command line and the tests both use."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Select
from textual.worker import Worker, WorkerState
from platformdirs import user_documents_path

from csi_tui import heap
from csi_tui.domain.clock import Clock, utc_now
from csi_tui.domain.errors import CsiError
from csi_tui.domain.text import for_display
from csi_tui.keymap import load_keymap
from csi_tui.screens import navigation as go
from csi_tui.screens.quit_dialog import QuitDialog
from csi_tui.screens.step import SCORED_STEPS, StepScreen
from csi_tui.session.workshop_session import WorkshopSession
from csi_tui.settings import Settings, settings_path
from csi_tui.support_log import log

# Annotations only: the store and its models load after the first paint (docs/performance.md).
if TYPE_CHECKING:
    from csi_tui.domain.models import Workshop, WorkshopRow
    from csi_tui.domain.vocabulary import ScoreKind
    from csi_tui.screens.export_dialog import ExportRequest
    from csi_tui.screens.room import RoomFactory
    from csi_tui.session.answers import AnswerKey
    from csi_tui.store.answers import AnswerConflict
    from csi_tui.store.read_model import WorkshopSnapshot

LIVE_POLL_SECONDS = 0.25  # a change by anyone shows within this, well inside the promised second
HANG_UP_SAVE_SECONDS = 10.0  # saving on SIGHUP/SIGTERM waits at most this for the writer (a lock waits 5 s)

# High contrast for a projector at the back of a room: pure black, white text, saturated accents.
PROJECTOR_THEME = Theme(
    name="projector",
    primary="#FFD700",
    secondary="#00E5FF",
    accent="#00E5FF",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#202020",
    success="#00FF66",
    warning="#FFB000",
    error="#FF4040",
    dark=True,
)


class CsiApp(App[None]):
    """csi-tui: the screens, their routing, and the session they all share."""

    CSS_PATH = "app.tcss"
    TITLE = "csi-tui"
    SUB_TITLE = "Continual Service Improvement workshops"
    # priority: a dialog (a modal screen) hides the app's ordinary bindings, and these work
    # everywhere. A text field still types `?`: Textual leaves out a binding whose key the focused
    # field takes as text, priority or not; there f12 opens the help (not f6 or f7: the text area selects
    # a line and all with them).
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True,
                tooltip="Leave csi-tui; everything is saved"),
        Binding("f8", "toggle_projector", "Projector", id="app.projector", priority=True,
                tooltip="Switch the high-contrast projector theme on or off (remembered)"),
        Binding("question_mark,f12", "help", "Help", id="app.help", priority=True,
                tooltip="List the keys of this screen and what they do"),
        # Not shown in every footer; in a text field, ctrl+z undoes typing there first.
        Binding("ctrl+z", "undo", "Undo last change", id="app.undo", show=False,
                tooltip="Undo your last change: a score, an answer, a weight, a removal, an item's move, a new item"),
    ]

    def __init__(
        self,
        db_path: Path,
        clock: Clock = utc_now,
        keymap: dict[str, str] | None = None,
        cursor_blink: bool = True,
        pictures_dir: Path | None = None,
        live_poll_seconds: float | None = LIVE_POLL_SECONDS,
        open_workshop: int | None = None,
        config_dir: Path | None = None,
        note: str | None = None,
        notices: Sequence[str] = (),
        open_room: bool = False,
        room_host: str | None = None,
        room_port: int | None = None,
        room_server: RoomFactory | None = None,
    ) -> None:
        super().__init__()
        # The room (screens/room.py): opened over the workshop's scoring step on start when asked
        # (csi-tui open ID --room), on this address and port (None: the LAN's, a free one); tests
        # and snapshots pass a server of their own, with a fixed address and no socket.
        self.open_room = open_room
        self.room_host, self.room_port, self.room_server = room_host, room_port, room_server
        self.open_workshop = open_workshop  # resumed at its current step on start, above the list
        self.note = note  # a line above the list of workshops (the demo says what it is)
        # What opening the file did that the facilitator should know (an upgrade, and where the
        # copy of the file as it was went): told on start, and again on the terminal once the
        # screen is back. A path is outside text: no control or escape byte reaches either.
        self.notices = tuple(for_display(notice) for notice in notices)
        self.live_poll_seconds = live_poll_seconds
        self.pictures_dir = pictures_dir or user_documents_path() / "csi-tui"
        self.db_path = db_path
        self.clock = clock
        self.cursor_blink = cursor_blink
        # The projector theme, timeboxes and last voice: remembered in the user config directory
        # (settings.py), or in config_dir when a test gives one.
        self.session = WorkshopSession(db_path, clock, settings_path(config_dir))
        self.farewell: list[str] = []  # printed by the command line once the screen is given back
        self._last_failure = ""
        self._settings_unsaved = False  # told once that settings cannot be written
        self._keymap = keymap
        self._theme_before_projector = "textual-dark"
        # The step's side panel as the facilitator last left it (f1, f2): every step opens so,
        # for this sitting; a new start opens with the prompts, as shipped.
        self.side_panel: go.SidePanel = "guidance"
        self.register_theme(PROJECTOR_THEME)
        if self.session.settings.projector:
            self.theme = PROJECTOR_THEME.name

    def on_mount(self) -> None:
        self.session.attach(asyncio.get_running_loop())
        self._listen_for_hang_up()
        # Told here, by the app, even when the screen that asked has gone (leaving a step saves
        # what was typed).
        self.session.failed.subscribe(self._save_failed)
        self.session.conflicted.subscribe(self._ask_which_answer)
        if self.live_poll_seconds is not None:  # None: benchmarks drive refreshes themselves
            self.set_interval(self.live_poll_seconds, self.notice_changes)
        keymap = self._keymap
        if keymap is None:
            try:
                keymap = load_keymap()
            except CsiError as error:
                self.notify(f"Your keymap was not applied: {error}", severity="error", markup=False)
                keymap = {}
        self.set_keymap(keymap)
        for notice in self.notices:
            self.notify(notice, title="Opening the file", timeout=20, markup=False)
        self.farewell.extend(self.notices)
        if self.open_workshop is not None:
            # Straight to the workshop; the list is built only when asked for (show_home), so
            # the first paint does not wait for a screen nobody sees yet.
            step = self.session.current_step(self.open_workshop)
            if self.open_room:  # the room scores targets on step 3, current scores otherwise
                step = 3 if step == 3 else 2
            self.push_screen(StepScreen(self.session, self.open_workshop, step))
            if self.open_room:
                self.show_room(self.open_workshop, SCORED_STEPS[step])
        else:
            from csi_tui.screens.home import HomeScreen

            self.push_screen(HomeScreen(self.session, note=self.note))

    def _handle_exception(self, error: Exception) -> None:
        """A bug inside the running app: its traceback to the support log for the report, then
        Textual ends the app and shows it as ever. (The command line logs only its own errors:
        the app's are caught here, before `run` returns.)"""
        log.critical("csi-tui: a bug in the app", exc_info=error)
        super()._handle_exception(error)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification, from any screen, worker or thread, comes through here; many quote
        user text (an item's description, a KPI's name, a path, a refused value), so the display
        rule (domain/text.py) applies to all of them in this one place."""
        super().notify(for_display(message), title=for_display(title, keep_newlines=False), severity=severity,
                       timeout=timeout, markup=markup)

    def notice_changes(self) -> None:
        """Tell every screen if anyone (this app's writer included) committed since last look."""
        self.session.notice_changes()

    def _ask_which_answer(self, news: tuple[AnswerKey, AnswerConflict]) -> None:
        """Asked here, by the app, whichever screen is open: the step may have been left."""
        from csi_tui.domain.steps import step
        from csi_tui.screens.conflict_dialog import ConflictDialog

        key, conflict = news
        _, number, field = key
        label = next((f.label for f in step(number).fields if f.key == field), field)
        where = f"Step {number}, “{label}”,"
        self.push_screen(ConflictDialog(where, conflict.theirs, conflict.mine),
                         lambda keep: self.session.resolve_conflict(key, keep or "both"))

    def _save_failed(self, reason: str) -> None:
        self._last_failure = reason
        self.notify(f"Not saved: {reason}", title="Save failed", severity="error", timeout=10, markup=False)

    # --- routing: which screen follows which, in one place ---------------------------------------
    # Screens post navigation messages (screens/navigation.py); the screens below the step load
    # on first use, not at start-up (the KPI chart's plotting library alone is ~17 ms of imports).

    def show_step(self, workshop_id: int, step: int) -> None:
        from csi_tui.screens.home import HomeScreen

        screen = StepScreen(self.session, workshop_id, step, self.side_panel)
        if isinstance(self.screen, HomeScreen):
            self.push_screen(screen)  # escape pops back to the list
        else:
            self.switch_screen(screen)

    def show_closing(self, workshop_id: int) -> None:
        from csi_tui.screens.closing import ClosingScreen

        self.switch_screen(ClosingScreen(self.session, workshop_id))

    def show_present(self, snapshot: WorkshopSnapshot) -> None:
        from csi_tui.screens.present import PresentScreen

        self.push_screen(PresentScreen(snapshot, self.pictures_dir))

    def show_room(self, workshop_id: int, kind: ScoreKind) -> None:
        from csi_tui.screens.room import RoomScreen

        self.push_screen(RoomScreen(self.session, workshop_id, kind, self.room_server, self.room_host,
                                    self.room_port))

    def show_register(self, workshop_id: int) -> None:
        from csi_tui.screens.register import RegisterScreen

        self.push_screen(RegisterScreen(self.session, workshop_id))

    def show_kpis(self, workshop_id: int) -> None:
        from csi_tui.screens.kpis import KpiScreen

        self.push_screen(KpiScreen(self.session, workshop_id))

    def show_checkpoints(self, workshop_id: int) -> None:
        from csi_tui.screens.checkpoints import CheckpointsScreen

        self.push_screen(CheckpointsScreen(self.session, workshop_id))

    def show_home(self) -> None:
        """Back to the list of workshops: the one below, or a new one when the app opened
        straight on a workshop."""
        from csi_tui.screens.home import HomeScreen

        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack):
            self.pop_screen()
        else:
            self.switch_screen(HomeScreen(self.session, note=self.note))

    def ask_export(self, workshop: Workshop | WorkshopRow) -> None:
        """The export dialog, then the export on the writer thread. Exports go to the csi-tui
        documents folder unless the facilitator types another place."""
        from csi_tui.screens.export_dialog import ExportDialog, ExportRequest

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self._export(workshop, request)

        self.push_screen(ExportDialog(workshop, self.pictures_dir), chosen)

    @work(group="export", exit_on_error=False)
    async def _export(self, workshop: Workshop | WorkshopRow, request: ExportRequest) -> None:
        self.notify(f"Exporting to {request.path} …", title="Export", markup=False, timeout=2)
        exporting = self.session.export(
            workshop.id, request.format, request.path, with_history=request.with_history, force=request.force,
            make_folder=self.pictures_dir if request.path.parent == self.pictures_dir else None)
        try:
            line = await asyncio.wrap_future(exporting)
        except Exception as error:  # a refused export: told in one line, not a lost edit
            self.notify(f"Not exported: {error}", title="Export failed", severity="error", timeout=10,
                        markup=False)
        else:
            self.notify(line, title="Exported", markup=False)

    @on(go.OpenStep)
    def _open_step(self, message: go.OpenStep) -> None:
        self.show_step(message.workshop_id, message.step)

    @on(go.SidePanelChosen)
    def _side_panel_chosen(self, message: go.SidePanelChosen) -> None:
        self.side_panel = message.panel

    @on(go.OpenClosing)
    def _open_closing(self, message: go.OpenClosing) -> None:
        self.show_closing(message.workshop_id)

    @on(go.OpenRegister)
    def _open_register(self, message: go.OpenRegister) -> None:
        self.show_register(message.workshop_id)

    @on(go.OpenKpis)
    def _open_kpis(self, message: go.OpenKpis) -> None:
        self.show_kpis(message.workshop_id)

    @on(go.OpenCheckpoints)
    def _open_checkpoints(self, message: go.OpenCheckpoints) -> None:
        self.show_checkpoints(message.workshop_id)

    @on(go.OpenRoom)
    def _open_room(self, message: go.OpenRoom) -> None:
        self.show_room(message.workshop_id, message.kind)

    @on(go.OpenPresent)
    def _open_present(self, message: go.OpenPresent) -> None:
        self.show_present(message.snapshot)

    @on(go.OpenHome)
    def _open_home(self) -> None:
        self.show_home()

    @on(go.AskExport)
    def _ask_export(self, message: go.AskExport) -> None:
        self.ask_export(message.workshop)

    # --- app-wide keys -----------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette holds this screen's actions and the app's, by the names and keys the footer
        and `?` show: not Textual's text-editing commands, themes or screenshot."""
        from csi_tui.screens.help_screen import keys_of

        here, everywhere = keys_of(self, screen)
        for line in [*here, *everywhere]:
            if line.action == "command_palette":
                continue

            async def run(action: str = line.action, node: object = line.node) -> None:
                await self.run_action(action, node)  # type: ignore[arg-type]

            yield SystemCommand(line.name, f"{line.keys} · {line.what}", run)  # searched by its name

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # ctrl+q inside the quit dialog would start a second one over the first.
        return not (action == "quit" and isinstance(self.screen, QuitDialog))

    def action_help(self) -> None:
        """`?` again, or escape, closes the list."""
        from csi_tui.screens.help_screen import HelpScreen, keys_of

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(*keys_of(self, self.screen)))

    def action_toggle_projector(self) -> None:
        projector = self.theme != PROJECTOR_THEME.name
        if projector:
            self._theme_before_projector = self.theme
            self.theme = PROJECTOR_THEME.name
        else:
            self.theme = self._theme_before_projector
        self._remember(replace(self.session.settings, projector=projector))

    # --- what is remembered across restarts (settings.py) ---------------------------------------

    @on(go.TimeboxChosen)
    def _timebox_chosen(self, message: go.TimeboxChosen) -> None:
        self._remember(self.session.settings.with_timebox(message.step, message.minutes))

    @on(Select.Changed, "#voice")
    def _voice_chosen(self, event: Select.Changed) -> None:
        # Only a person's choice reaches here: the scoring panel refills the list with Changed held back.
        if isinstance(event.value, str):
            self._remember(replace(self.session.settings, voice=event.value))

    def _remember(self, settings: Settings) -> None:
        try:
            self.session.remember(settings)
        except OSError as error:  # a read-only home: it holds for this sitting, and is said once
            if self._settings_unsaved:
                return
            self._settings_unsaved = True
            self.notify(f"Not remembered for next time: {error.strerror or error}", title="Settings",
                        severity="warning", markup=False)

    @work(group="undo", exit_on_error=False)
    async def action_undo(self) -> None:
        """Undo this sitting's newest change to the workshop on screen, and say what it was."""
        workshop_id = getattr(self.screen, "workshop_id", None)
        if workshop_id is None:
            self.notify("Open a workshop to undo its changes.", markup=False)
            return
        try:
            undone = await asyncio.wrap_future(self.session.undo(workshop_id))
        except CsiError as refused:
            self.notify(f"Not undone: {refused}", severity="warning", markup=False)
            return
        if undone is None:
            self.notify("Nothing to undo: no change made here in this sitting is left.", markup=False)
        else:
            self.notify(f"Undone: {undone}", markup=False)

    @work(exclusive=True, group="quit", exit_on_error=False)
    async def action_quit(self) -> None:
        """Leave once everything is on disk; if something cannot be saved (a full disk, another
        program holding the file), say what and let the facilitator choose."""
        self._hand_over_typing()
        self.session.flush_answers()
        while True:
            await self.session.settle(timeout=3.0)
            what = self.session.unsaved_summary()
            if not what:
                break
            keep_path = self.session.path.with_name(f"{self.session.path.name}.unsaved-….json")
            choice = await self.push_screen_wait(QuitDialog(what, str(keep_path), self._last_failure))
            if choice is None:
                return  # stay
            if choice == "retry":
                self.session.flush_answers()
                continue
            if choice == "keep":
                try:
                    kept = self.session.keep_unsaved()
                except OSError as error:
                    self._last_failure = f"the unsaved text could not be written either: {error.strerror}"
                    continue
                self.farewell.append(f"Unsaved answers kept in {kept}")
            else:
                self.farewell.append(f"Quit without saving {what}")
            break
        await asyncio.to_thread(self.session.finish_saves)  # what is queued lands before we go
        self.exit()

    def _listen_for_hang_up(self) -> None:
        """The terminal window closing (SIGHUP) or the system stopping csi-tui (SIGTERM) would
        end Python at once, dropping the text of the autosave's pause and any a failed save
        holds. Nobody is there to answer the quit dialog: see _hung_up."""
        if self.is_headless:  # no terminal to close: tests quit as a person does
            return
        loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM"):
            if (signum := getattr(signal, name, None)) is not None:  # Windows has no SIGHUP
                with contextlib.suppress(NotImplementedError):  # nor signal handlers on its loop
                    loop.add_signal_handler(signum, self._hung_up, name)

    def _hung_up(self, name: str) -> None:
        """Save everything typed, waiting here, on the loop: there is no screen to keep alive, and
        a closed terminal ends the app (its input fails) before a worker could finish. Keep what
        did not land in a file beside the database, then go."""
        log.warning("csi-tui was asked to stop (%s): saving what was typed", name)
        self._hand_over_typing()
        if unsaved := self.session.save_everything_now(timeout=HANG_UP_SAVE_SECONDS):
            try:
                line = f"Unsaved answers kept in {self.session.keep_unsaved(answers=unsaved)}"
            except OSError as error:
                count = f"{len(unsaved)} answer{'s' if len(unsaved) != 1 else ''}"
                line = f"Quit without saving {count}: they could not be kept in a file either ({error.strerror})"
            log.warning("%s", line)
            self.farewell.append(line)
        self.exit()

    def _hand_over_typing(self) -> None:
        """Every step on the stack tells the session its fields' text now: a key typed an instant
        ago may still be a queued message, and leaving must count it."""
        for screen in self.screen_stack:
            if isinstance(screen, StepScreen):
                screen.hand_over_answers()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Snapshot tests need a steady cursor; the setting lives here rather than on every field.
        if not self.cursor_blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A failed database worker is told to the facilitator, never swallowed.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(str(event.worker.error), title="Something went wrong", severity="error", markup=False)

    def on_ready(self) -> None:
        heap.settle()  # start-up's objects, out of the full collections' way (heap.py says why)

    def on_unmount(self) -> None:
        self.session.close()
        heap.thaw()


def make_app(db_path: Path, **options: Any) -> CsiApp:
    """Build the app for a database file that open_store has already accepted. `options` are
    CsiApp's own (clock, keymap, cursor_blink, pictures_dir, live_poll_seconds, open_workshop,
    config_dir, note, notices, open_room, room_host, room_port, room_server), named once there. Tests pass a fixed clock, an explicit keymap (so a user's
    own file cannot leak in), no cursor blink, and a config folder of their own (conftest.py points
    XDG_CONFIG_HOME at a temporary folder for every test)."""
    return CsiApp(db_path, **options)
