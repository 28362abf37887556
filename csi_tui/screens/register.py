"""The CSI register (service improvement plan) of one workshop: every item, filtered and sorted,
overdue items standing out. Items are added, edited and moved along their workflow here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import DataTable, Footer, Input, Static

from csi_tui.domain.figures import counted
from csi_tui.domain.models import RegisterItem, RegisterStatus
from csi_tui.domain.cycle import is_open, live_items
from csi_tui.domain.register import is_overdue, status_label
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.register_item_dialog import RegisterItemDialog, blank_item
from csi_tui.screens.status_dialog import StatusDialog, StatusMove
from csi_tui.screens.workshop_screen import WorkshopScreen
from csi_tui.widgets.safe_input import SafeInput
from csi_tui.widgets.sized_table import fill_table
from csi_tui.widgets.user_text import user_content, user_text

if TYPE_CHECKING:  # the snapshot is read by the session; screens only name it
    from csi_tui.store.read_model import WorkshopSnapshot

FILTERS: list[tuple[str, Callable[[RegisterItem, date], bool]]] = [
    ("all", lambda item, today: True),
    ("open", lambda item, today: is_open(item)),
    ("overdue", is_overdue),
    ("closed or cancelled", lambda item, today: item.status.finished),
]
SORTS: list[tuple[str, Callable[[RegisterItem], tuple[Any, ...]]]] = [
    ("number", lambda item: (item.number,)),
    ("priority", lambda item: (item.priority, item.number)),
    ("due date", lambda item: (item.due_on is None, item.due_on or date.max, item.number)),
    ("status", lambda item: (list(RegisterStatus).index(item.status), item.number)),
    ("owner", lambda item: (item.owner.lower(), item.number)),
]
# The description first after the number: on an 80-column laptop it is what the room reads.
COLUMNS = ("#", "Description", "Status", "Pri", "Due", "Owner", "Size", "Addresses")


class RegisterScreen(WorkshopScreen):
    AUTO_FOCUS = "#items"
    CSS_PATH = "register.tcss"
    BINDINGS = [
        Binding("n", "new_item", "New item", id="register.new", tooltip="Add an item to the register"),
        Binding("e", "edit_item", "Edit item", id="register.edit", tooltip="Edit the selected item (enter too)"),
        Binding("m", "move_item", "Move item", id="register.move",
                tooltip="Move the selected item along its workflow (accept, start, close...)"),
        # Not in the footer (full at 80 columns; a destructive key need not be on show): in the palette.
        Binding("delete", "remove_item", "Remove item", id="register.remove", show=False,
                tooltip="Remove the selected item from the register (asks first)"),
        Binding("f", "next_filter", "Filter", id="register.filter", tooltip="Show all, open, overdue or finished items"),
        Binding("s", "next_sort", "Sort", id="register.sort", tooltip="Sort by number, priority, due date, status, owner"),
        Binding("slash", "search", "Search", id="register.search", tooltip="Find items by their words"),
        Binding("escape", "back", "Back", id="register.back", tooltip="Back to the workshop"),
    ]

    filter_index: reactive[int] = reactive(0, init=False)
    sort_index: reactive[int] = reactive(0, init=False)

    def compose(self) -> ComposeResult:
        yield Static("Register", id="register-title")
        yield SafeInput(placeholder="/ to search descriptions, owners and justifications; enter or escape returns",
                    id="search", compact=True)
        yield DataTable(id="items", cursor_type="row", zebra_stripes=True)
        yield Static("", id="register-empty")
        yield Static("", id="register-status")
        yield Footer(compact=True)

    @property
    def today(self) -> date:
        return self.session.clock().date()

    def show(self, snapshot: WorkshopSnapshot, first: bool = False) -> None:
        today, query = self.today, self.query_one("#search", Input).value.strip().lower()
        filter_name, keep = FILTERS[self.filter_index]
        sort_name, key = SORTS[self.sort_index]
        names = {d.key: d.name for d in snapshot.dimensions}
        kpi_names = {k.id: k.name for k in snapshot.kpis}
        error = self.app.current_theme.error
        rows = []
        items = snapshot.register_items
        for item in sorted(items, key=key):
            if not keep(item, today):
                continue
            words = f"{item.description} {item.owner} {item.justification}".lower()
            if query and query not in words:
                continue
            late = is_overdue(item, today)
            style = f"bold {error}" if late else ""
            addresses = [names.get(k, k) for k in item.dimension_keys] + [
                f"KPI {kpi_names[k]}" for k in item.kpi_ids if k in kpi_names]
            rows.append((str(item.number), [
                Text(f"#{item.number}", style=style),
                user_text(item.description),
                Text(f"{status_label(item)}{' · overdue' if late else ''}", style=style),
                Text(str(item.priority)),
                Text(item.due_on.isoformat() if item.due_on else "", style=style),
                user_text(item.owner), Text(item.size.value), user_text(", ".join(addresses)),
            ]))
        fill_table(self.query_one("#items", DataTable), COLUMNS, rows)
        overdue = sum(is_overdue(item, today) for item in items)
        opened = sum(is_open(item) for item in items)
        carried = len(items) - len(live_items(items))  # counted in the cycle they went to
        workshop = snapshot.workshop
        self.query_one("#register-title", Static).update(user_content(
            f"Register · {workshop.title} · cycle {workshop.cycle} · {counted(len(items) - carried, 'item')}, "
            f"{opened} open, {overdue} overdue" + (f", {carried} carried" if carried else "")))
        self.query_one("#register-status", Static).update(user_content(  # the search as typed
            f"Showing {len(rows)} · filter: {filter_name} (f) · sorted by {sort_name} (s)"
            + (f" · search: {query}" if query else "")))
        empty = self.query_one("#register-empty", Static)
        empty.display = not rows
        empty.update("No register items yet. Press n to add one, or i on a gap matrix row in steps 2-4."
                     if not items else "No item matches this filter or search.")

    def _selected(self) -> RegisterItem | None:
        table = self.query_one("#items", DataTable)
        if self.snapshot is None or not table.row_count:
            return None
        number = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((i for i in self.snapshot.register_items if str(i.number) == number), None)

    def _redraw(self) -> None:
        if self.snapshot is not None:
            self.show(self.snapshot)

    watch_filter_index = watch_sort_index = _redraw

    def action_next_filter(self) -> None:
        self.filter_index = (self.filter_index + 1) % len(FILTERS)

    def action_next_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def _searching(self) -> None:
        self._redraw()

    @on(Input.Submitted, "#search")
    def _searched(self) -> None:
        self.query_one("#items", DataTable).focus()

    def action_back(self) -> None:
        if self.focused is self.query_one("#search", Input):
            self.query_one("#items", DataTable).focus()
            return
        self.dismiss(None)

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_edit_item()

    def action_new_item(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        item = blank_item(self.today, snapshot.workshop.facilitator)

        def chosen(fields: dict[str, Any] | None) -> None:
            if fields is not None:
                new = RegisterItem.model_validate({**item.model_dump(), **fields})
                self.write(self.session.raise_item(self.workshop_id, new),
                           lambda added: f"Register item #{added.number} added")

        self.app.push_screen(RegisterItemDialog(item, snapshot.dimensions, snapshot.kpis, "New register item"), chosen)

    def action_edit_item(self) -> None:
        item, snapshot = self._selected(), self.snapshot
        if item is None or snapshot is None or item.number is None:
            return
        number = item.number

        def chosen(fields: dict[str, Any] | None) -> None:
            if fields is not None:
                self.write(self.session.update_item(self.workshop_id, number, fields),
                           f"Register item #{number} saved")

        self.app.push_screen(RegisterItemDialog(item, snapshot.dimensions, snapshot.kpis,
                                                f"Register item #{number}"), chosen)

    def action_move_item(self) -> None:
        item = self._selected()
        if item is None or item.number is None:
            return
        number = item.number

        def chosen(move: StatusMove | None) -> None:
            if move is not None:
                self.write(self.session.move_item(self.workshop_id, number, move.to, move.closure, move.outcome),
                           f"Register item #{number} is now {move.to.value}")

        self.app.push_screen(StatusDialog(item), chosen)


    def action_remove_item(self) -> None:
        """Ask first, naming the item by number and title."""
        item = self._selected()
        if item is None or item.number is None:
            return
        number = item.number
        links = len(item.dimension_keys) + len(item.kpi_ids)
        detail = (f"Its {links} link{'s' if links != 1 else ''} to gaps and KPIs go with it. " if links else ""
                  ) + "This cannot be undone."

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.write(self.session.remove_item(self.workshop_id, number), f"Register item #{number} removed")

        self.app.push_screen(ConfirmScreen(f"Remove register item #{number} “{item.description}”?", detail,
                                           yes="Remove"), confirmed)
