"""The Textual application and the one factory that the command line and the tests both use."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual import events
from textual.message import Message
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState
from platformdirs import user_documents_path

from csi_tui.clock import Clock, utc_now
from csi_tui.errors import CsiError
from csi_tui.keymap import load_keymap
from csi_tui.screens.step import StepScreen
from csi_tui.store.connection import Database
from csi_tui.store.opening import connect, current_step, data_version
from csi_tui.store.write_queue import Done, WriteQueue
from csi_tui.timebox import Timebox

# The store and its pydantic models load on the writer thread and in the step's first read,
# after the first paint; these names are for annotations only (docs/performance.md).
if TYPE_CHECKING:
    from csi_tui.models import RegisterItem, Workshop
    from csi_tui.screens.export_dialog import ExportRequest
    from csi_tui.store import WorkshopSnapshot, WorkshopStore

LIVE_POLL_SECONDS = 0.25  # a change by anyone shows within this, well inside the promised second

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


@runtime_checkable
class HoldsEdits(Protocol):
    """A screen with typed text not yet handed to the writer (autosave is debounced)."""

    def flush_edits(self) -> None: ...


class CsiApp(App[None]):
    """csi-tui. Holds the database path and the one writer thread; screens read in workers."""

    CSS_PATH = "app.tcss"
    TITLE = "csi-tui"
    SUB_TITLE = "Continual Service Improvement workshops"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Leave csi-tui; everything is saved"),
        Binding("f8", "toggle_projector", "Projector", id="app.projector",
                tooltip="Switch the high-contrast projector theme on or off"),
    ]

    @dataclass
    class DataChanged(Message):
        """Something committed to the file: this app's writer, another window, another process."""

    @dataclass
    class ItemRaised(Message):
        """A register item was added from a gap row or a missed target."""

        item: RegisterItem

    @dataclass
    class Exported(Message):
        """An export finished: the line to tell, or why it failed."""

        line: str
        error: str | None

    @dataclass
    class SaveFailed(Message):
        """A save did not reach the disk. Posted to the app, which outlives the screen that asked."""

        reason: str

    def __init__(
        self,
        db_path: Path,
        clock: Clock = utc_now,
        keymap: dict[str, str] | None = None,
        cursor_blink: bool = True,
        pictures_dir: Path | None = None,
        live_poll_seconds: float | None = LIVE_POLL_SECONDS,
        open_workshop: int | None = None,
    ) -> None:
        super().__init__()
        self.open_workshop = open_workshop  # resumed at its current step on start, above the list
        self.live_poll_seconds = live_poll_seconds
        self.pictures_dir = pictures_dir or user_documents_path() / "csi-tui"
        self.db_path = db_path
        self.clock = clock
        self.cursor_blink = cursor_blink
        self.writer = WriteQueue(db_path, clock)
        self.timeboxes: dict[tuple[int, int], Timebox] = {}  # (workshop id, step) for this session
        # Answers whose save failed, by (workshop id, step, field): shown again, and retried, when
        # their step is opened, so text typed before a failed save is never silently dropped.
        self.unsaved: dict[tuple[int, int, str], str] = {}
        self._keymap = keymap
        self._theme_before_projector = "textual-dark"
        self.register_theme(PROJECTOR_THEME)

    def save(self, change: Callable[[WorkshopStore], Any], done: Done | None = None) -> None:
        """Run a change on the writer thread. A failure is always announced here, by the app,
        even when the screen that asked has gone (leaving a step saves what was typed)."""

        def report(result: Any, error: BaseException | None) -> None:
            if error is not None:
                self.post_message(self.SaveFailed(str(error)))
            if done is not None:
                done(result, error)

        self.writer.submit(change, report)

    def raise_register_item(self, workshop_id: int, item: RegisterItem) -> None:
        """Add an item to a workshop's register and say so; the live refresh shows it everywhere.
        An item with no "raised by" is raised by the workshop's facilitator."""

        def add(store: WorkshopStore) -> RegisterItem:
            raised_by = item.raised_by or store.workshop(workshop_id).facilitator
            return store.add_register_item(workshop_id, item.model_copy(update={"raised_by": raised_by}))

        def added(result: RegisterItem | None, error: BaseException | None) -> None:
            if error is None and result is not None:
                self.post_message(self.ItemRaised(result))

        self.save(add, added)

    def ask_export(self, workshop: Workshop) -> None:
        """The export dialog, then the export. Exports go to the csi-tui documents folder unless
        the facilitator types another place."""

        from csi_tui.screens.export_dialog import ExportDialog, ExportRequest

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self.export_workshop(workshop.id, request)

        self.push_screen(ExportDialog(workshop, self.pictures_dir), chosen)

    def export_workshop(self, workshop_id: int, request: ExportRequest) -> None:
        """Export on the writer thread, so everything typed before the export is in it."""

        from csi_tui.export.transfer import export_workshop

        def export(store: WorkshopStore) -> str:
            if request.path.parent == self.pictures_dir:
                self.pictures_dir.mkdir(parents=True, exist_ok=True)
            return export_workshop(store, workshop_id, request.format, request.path,
                                   with_history=request.with_history, force=request.force)

        def done(line: str | None, error: BaseException | None) -> None:
            self.post_message(self.Exported(line or "", str(error) if error is not None else None))

        self.notify(f"Exporting to {request.path} …", title="Export", markup=False, timeout=2)
        self.writer.submit(export, done)  # not save(): a refused export is not a lost edit

    def on_csi_app_exported(self, message: Exported) -> None:
        if message.error is None:
            self.notify(message.line, title="Exported", markup=False)
        else:
            self.notify(f"Not exported: {message.error}", title="Export failed", severity="error", timeout=10,
                        markup=False)

    def on_csi_app_item_raised(self, message: ItemRaised) -> None:
        self.notify(f"Register item #{message.item.number} added: {message.item.description}",
                    title="Register", markup=False)

    def on_csi_app_save_failed(self, message: SaveFailed) -> None:
        self.notify(f"Not saved: {message.reason}", title="Save failed", severity="error", timeout=10, markup=False)

    # Routing between workshop screens lives here, so the screens need not import each other.

    def show_step(self, workshop_id: int, step: int) -> None:
        self.switch_screen(StepScreen(workshop_id, step))

    # The screens below load on first use, not at start-up: the app paints sooner (the KPI chart's
    # plotting library alone is ~17 ms of imports). See docs/performance.md.

    def show_closing(self, workshop_id: int) -> None:
        from csi_tui.screens.closing import ClosingScreen

        self.switch_screen(ClosingScreen(workshop_id))

    def show_present(self, snapshot: WorkshopSnapshot) -> None:
        from csi_tui.screens.present import PresentScreen

        self.push_screen(PresentScreen(snapshot))

    def show_register(self, workshop_id: int) -> None:
        from csi_tui.screens.register import RegisterScreen

        self.push_screen(RegisterScreen(workshop_id))

    def show_kpis(self, workshop_id: int) -> None:
        from csi_tui.screens.kpis import KpiScreen

        self.push_screen(KpiScreen(workshop_id))

    def show_checkpoints(self, workshop_id: int) -> None:
        from csi_tui.screens.checkpoints import CheckpointsScreen

        self.push_screen(CheckpointsScreen(workshop_id))

    def connect(self) -> WorkshopStore:
        """A new connection for the calling thread (SQLite connections stay on one thread)."""
        from csi_tui.store.workshop_store import WorkshopStore

        return WorkshopStore.connect(self.db_path, self.clock)

    def on_mount(self) -> None:
        # The writer thread starts with the first save (WriteQueue.submit), not here: it would
        # load the store while the first screen paints.
        # PRAGMA data_version reads a counter from shared memory: microseconds, no table, no lock,
        # so it runs here on a slow timer and costs nothing while nobody writes.
        self._watch: Database = connect(self.db_path)
        self._seen_version = data_version(self._watch)
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
        if self.open_workshop is not None:
            # Straight to the workshop; the list is built only when asked for (show_home), so
            # the first paint does not wait for a screen nobody sees yet.
            step = current_step(self._watch, self.open_workshop)
            self.push_screen(StepScreen(self.open_workshop, step))
        else:
            from csi_tui.screens.home import HomeScreen

            self.push_screen(HomeScreen())

    def show_home(self) -> None:
        """Back to the list of workshops: the one below, or a new one when the app opened
        straight on a workshop."""
        from csi_tui.screens.home import HomeScreen

        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack):
            self.pop_screen()
        else:
            self.switch_screen(HomeScreen())

    def notice_changes(self) -> None:
        """Tell the current screen if anyone (this app's writer included) committed since last look."""
        version = data_version(self._watch)
        if version != self._seen_version:
            self._seen_version = version
            self.screen.post_message(self.DataChanged())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key of the current screen is also a palette command, so nothing needs memorising."""
        yield from super().get_system_commands(screen)
        seen = {"quit"}
        for active in screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            namespace = active.node

            async def run(action: str = binding.action, node: object = namespace) -> None:
                await self.run_action(action, node)  # type: ignore[arg-type]

            yield SystemCommand(binding.description, binding.tooltip or binding.description, run)

    def action_toggle_projector(self) -> None:
        if self.theme == PROJECTOR_THEME.name:
            self.theme = self._theme_before_projector
        else:
            self._theme_before_projector = self.theme
            self.theme = PROJECTOR_THEME.name

    async def action_quit(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, HoldsEdits):
                screen.flush_edits()
        await asyncio.to_thread(self.writer.close)  # nothing typed is lost on the way out
        self.exit()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Snapshot tests need a steady cursor; the setting lives here rather than on every field.
        if not self.cursor_blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A failed database worker is told to the facilitator, never swallowed.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(str(event.worker.error), title="Something went wrong", severity="error", markup=False)

    def on_unmount(self) -> None:
        self.writer.close()
        if hasattr(self, "_watch"):
            self._watch.close()


def make_app(db_path: Path, **options: Any) -> CsiApp:
    """Build the app for a database file that open_store has already accepted. `options` are
    CsiApp's own (clock, keymap, cursor_blink, pictures_dir, live_poll_seconds), named once there.
    Tests pass a fixed clock, an explicit keymap (so a user's own file cannot leak in) and no
    cursor blink."""
    return CsiApp(db_path, **options)
