"""Checkpoints of the improvement programme: review dates (quarterly by default), each with what
went well and what went wrong once it is held."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from csi_tui.domain.models import Checkpoint
from csi_tui.domain.register import quarterly
from csi_tui.screens.checkpoint_dialog import CheckpointDialog
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.workshop_screen import WorkshopScreen
from csi_tui.widgets.sized_table import fill_table
from csi_tui.widgets.user_text import user_content, user_text
from csi_tui.widgets.fitted_footer import FittedFooter

if TYPE_CHECKING:  # the snapshot is read by the session; screens only name it
    from csi_tui.store.read_model import WorkshopSnapshot

COLUMNS = ("Due", "Held", "Went well", "Went wrong")


# The keys the footer shows, most important first: at 80 columns the last give way, never
# the way back, quit or the projector (widgets/fitted_footer.py).
FOOTER_KEYS = (("checkpoints.new", "New"), ("checkpoints.edit", "Record"), ("checkpoints.quarterly", "Quarterly"),
               "checkpoints.back", "app.quit", "app.projector", "app.help")

class CheckpointsScreen(WorkshopScreen):
    AUTO_FOCUS = "#checkpoints"
    DEFAULT_CSS = """
    CheckpointsScreen #checkpoints-title { height: 1; padding: 0 1; background: $panel; color: $primary;
                                           text-style: bold; }
    CheckpointsScreen #checkpoints { height: 1fr; }
    CheckpointsScreen #checkpoints-hint { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("q", "schedule_quarterly", "Schedule quarterly", id="checkpoints.quarterly",
                tooltip="Schedule a checkpoint every three months for the next year"),
        Binding("n", "new_checkpoint", "New checkpoint", id="checkpoints.new", tooltip="Add a checkpoint on a date you choose"),
        Binding("e", "edit_checkpoint", "Edit checkpoint", id="checkpoints.edit",
                tooltip="Record the selected checkpoint: held on, what went well and wrong (enter too)"),
        # Not in the footer (a destructive key need not be on show): in the palette and the hint.
        Binding("delete", "remove_checkpoint", "Remove checkpoint", id="checkpoints.remove", show=False,
                tooltip="Remove the selected checkpoint (asks first)"),
        Binding("escape", "back", "Back", id="checkpoints.back", tooltip="Back to the workshop"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("Checkpoints", id="checkpoints-title")
        yield DataTable(id="checkpoints", cursor_type="row", zebra_stripes=True)
        yield Static("", id="checkpoints-hint")
        yield FittedFooter(FOOTER_KEYS)

    @property
    def today(self) -> date:
        return self.session.clock().date()

    def show(self, snapshot: WorkshopSnapshot, first: bool = False) -> None:
        today = self.today
        due = self.app.current_theme.warning
        rows = []
        for checkpoint in snapshot.checkpoints:
            late = checkpoint.held_on is None and checkpoint.due_on < today
            rows.append((str(checkpoint.id), [
                Text(checkpoint.due_on.isoformat() + (" · not held" if late else ""), style=f"bold {due}" if late else ""),
                Text(checkpoint.held_on.isoformat() if checkpoint.held_on else ""),
                user_text(checkpoint.went_well), user_text(checkpoint.went_wrong),
            ]))
        fill_table(self.query_one("#checkpoints", DataTable), COLUMNS, rows)
        self.query_one("#checkpoints-title", Static).update(user_content(
            f"Checkpoints · {snapshot.workshop.title} · cycle {snapshot.workshop.cycle}"))
        hint = ("No checkpoints yet. Press q for one every quarter from today, or n for a date of your own."
                if not rows else "enter records a checkpoint: when it was held, what went well and wrong. "
                "delete removes one (asks first).")
        self.query_one("#checkpoints-hint", Static).update(hint)

    def _selected(self) -> Checkpoint | None:
        table = self.query_one("#checkpoints", DataTable)
        if self.snapshot is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((c for c in self.snapshot.checkpoints if str(c.id) == key), None)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_schedule_quarterly(self) -> None:
        today = self.today
        self.write(self.session.schedule_checkpoints(self.workshop_id, today),
                   lambda added: f"{len(added)} quarterly checkpoints scheduled, the first on {added[0].due_on}")

    def action_new_checkpoint(self) -> None:
        def chosen(checkpoint: Checkpoint | None) -> None:
            if checkpoint is not None:
                self.write(self.session.add_checkpoint(self.workshop_id, checkpoint),
                           f"Checkpoint on {checkpoint.due_on} added")

        self.app.push_screen(CheckpointDialog(Checkpoint(due_on=quarterly(self.today, 1)[0]), "New checkpoint"),
                             chosen)

    @on(DataTable.RowSelected)
    def action_edit_checkpoint(self) -> None:
        selected = self._selected()
        if selected is None:
            return

        def chosen(checkpoint: Checkpoint | None) -> None:
            if checkpoint is not None:
                self.write(self.session.update_checkpoint(self.workshop_id, checkpoint),
                           f"Checkpoint of {checkpoint.due_on} saved")

        self.app.push_screen(CheckpointDialog(selected, f"Checkpoint due {selected.due_on}"), chosen)

    def action_remove_checkpoint(self) -> None:
        """Ask first, naming the checkpoint by its date and what was recorded at it."""
        selected = self._selected()
        if selected is None or selected.id is None:
            return
        checkpoint_id = selected.id
        recorded = [part for part, text in (("when it was held", selected.held_on), ("what went well",
                    selected.went_well), ("what went wrong", selected.went_wrong)) if text]
        detail = (f"What was recorded at it goes with it: {', '.join(recorded)}. " if recorded else ""
                  ) + "This cannot be undone."

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.write(self.session.remove_checkpoint(self.workshop_id, checkpoint_id),
                           f"Checkpoint due {selected.due_on} removed")

        self.app.push_screen(ConfirmScreen(f"Remove the checkpoint due {selected.due_on}?", detail, yes="Remove"),
                             confirmed)
