"""Who is in the room: names (or aliases in an anonymous workshop), roles and perspectives."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from dataclasses import dataclass

from pydantic import ValidationError
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from csi_tui.domain.errors import explain
from csi_tui.domain.models import Participant, Perspective
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.session.workshop_session import Change, WorkshopSession
from csi_tui.widgets.safe_input import SafeInput
from csi_tui.widgets.sized_table import fill_table
from csi_tui.widgets.user_text import user_content, user_text
from csi_tui.widgets.form_select import FormSelect

PERSPECTIVES = [("Business (customer view)", Perspective.BUSINESS.value), ("IT (provider view)", Perspective.IT.value)]


class ParticipantsScreen(ModalScreen[None]):
    # Where typing goes first; the screen's own auto-focus would otherwise win over on_mount.
    AUTO_FOCUS = "#name"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Done", id="participants.done"),
        Binding("delete", "remove", "Remove participant", id="participants.remove"),
        # A modal screen does not hear the app's keys that are not priority: undo a removal here.
        Binding("ctrl+z", "app.undo", "Undo", id="participants.undo", show=False),
    ]
    DEFAULT_CSS = """
    ParticipantsScreen #people { height: auto; max-height: 8; }
    ParticipantsScreen #form { height: auto; }
    ParticipantsScreen #form Input { width: 1fr; }
    ParticipantsScreen #perspective { width: 30; }
    """

    @dataclass
    class Loaded(Message):
        participants: list[Participant]
        error: BaseException | None = None

    def __init__(self, session: WorkshopSession, workshop_id: int, anonymous: bool) -> None:
        super().__init__()
        self.session = session
        self.workshop_id = workshop_id
        self.anonymous = anonymous
        self.participants: list[Participant] = []  # as last shown

    def compose(self) -> ComposeResult:
        name = "Alias" if self.anonymous else "Name"
        with Vertical(classes="dialog"):
            title = "Participants (anonymous: aliases only)" if self.anonymous else "Participants"
            yield Static(title, classes="dialog-title")
            yield DataTable(id="people", cursor_type="row", zebra_stripes=True)
            yield Label(f"{name} of a new participant", classes="field-label")
            with Horizontal(id="form"):
                yield SafeInput(id="name", placeholder=name, compact=True)
                if not self.anonymous:
                    yield SafeInput(id="role", placeholder="Role (optional)", compact=True)
                yield FormSelect(PERSPECTIVES, value=Perspective.BUSINESS.value, allow_blank=False, id="perspective", compact=True)
            yield Static("", id="error", classes="error", markup=False)
            yield Static("Enter adds · delete removes the selected row · escape closes", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Add", id="add", variant="primary", compact=True)
                yield Button("Done", id="done", compact=True)

    def on_mount(self) -> None:
        self.session.changed.subscribe(self._heard)
        self.load()

    def on_unmount(self) -> None:
        self.session.changed.unsubscribe(self._heard)

    def _heard(self, change: Change) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="participants-load", exit_on_error=False)
    def load(self) -> None:
        self.post_message(self.Loaded(self.session.participants(self.workshop_id)))

    @work(group="participants-write", exit_on_error=False)
    async def _write(self, pending: Future[object]) -> None:
        try:
            await asyncio.wrap_future(pending)
        except Exception as error:  # shown here too: the dialog covers the app's notification
            self.post_message(self.Loaded([], error))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        if message.error is not None:
            self.query_one("#error", Static).update(user_content(f"Not saved: {message.error}"))
            return
        self.participants = message.participants
        rows = [
            (str(person.id), [user_text(person.name), user_text(person.role),
                              Text("business" if person.perspective is Perspective.BUSINESS else "IT")])
            for person in message.participants
        ]
        name = "Alias" if self.anonymous else "Name"
        fill_table(self.query_one("#people", DataTable), (name, "Role", "Perspective"), rows)

    @on(Select.Changed, "#perspective")
    def _perspective_chosen(self, event: Select.Changed) -> None:
        if not event.select.has_focus_within:
            return  # the initial value being set, not a person choosing
        # After choosing, enter should add the person (found awkward in a tmux trial: it reopened
        # the list instead, and a tab too many pressed Done and lost the person being typed).
        self.query_one("#add", Button).focus()

    @on(Input.Submitted, "#name, #role")
    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        name = self.query_one("#name", Input)
        role = self.query(Input).filter("#role")
        try:
            person = Participant(
                name=name.value, role=role.first().value if role else "",
                perspective=str(self.query_one("#perspective", Select).value),
            )
        except ValidationError as error:
            self.query_one("#error", Static).update(
                user_content(explain(error).replace("name:", f"{name.placeholder}:")))
            return
        self.query_one("#error", Static).update("")
        self._write(self.session.add_participant(self.workshop_id, person))
        name.value = ""
        if role:
            role.first().value = ""
        name.focus()

    @work(group="participants-remove", exclusive=True, exit_on_error=False)
    async def action_remove(self) -> None:
        """Ask first, naming who and how many scores go with them; ctrl+z brings them back."""
        table = self.query_one("#people", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        person = next((p for p in self.participants if str(p.id) == key), None)
        if person is None or person.id is None:
            return
        scores = await asyncio.to_thread(self.session.participant_score_count, self.workshop_id, person.id)
        question = f"Remove {person.name}" + (f" and their {scores} score{'s' if scores != 1 else ''}?"
                                              if scores else "?")
        if not await self.app.push_screen_wait(ConfirmScreen(question, "ctrl+z brings them back.", yes="Remove")):
            return
        try:
            await asyncio.wrap_future(self.session.remove_participant(self.workshop_id, person.id))
        except Exception as error:  # shown here too: the dialog covers the app's notification
            self.post_message(self.Loaded([], error))
            return
        self.notify(f"{person.name} removed; ctrl+z brings them back", markup=False)

    @on(Button.Pressed, "#done")
    def _done(self) -> None:
        self.dismiss(None)
