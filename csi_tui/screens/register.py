"""The CSI register (service improvement plan) of one workshop: every item, filtered and sorted,
overdue items standing out. Items are added, edited and moved along their workflow here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import compress
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import var
from textual.widgets import Input, Static

from csi_tui.domain.figures import counted
from csi_tui.domain.models import RegisterItem, RegisterStatus
from csi_tui.domain.cycle import is_open, live_items
from csi_tui.domain.register import is_overdue, status_label
from csi_tui.screens.confirm import ConfirmScreen
from csi_tui.screens.register_item_dialog import RegisterItemDialog, blank_item
from csi_tui.screens.status_dialog import StatusDialog, StatusMove
from csi_tui.screens.workshop_screen import WorkshopScreen
from csi_tui.widgets.column_fit import Column, full_line
from csi_tui.widgets.line_table import LineTable
from csi_tui.widgets.safe_input import SafeInput
from csi_tui.widgets.status_line import StatusLine
from csi_tui.widgets.user_text import user_content, user_text
from csi_tui.widgets.fitted_footer import FittedFooter

if TYPE_CHECKING:  # the snapshot is read by the session; screens only name it
    from csi_tui.store.read_model import WorkshopSnapshot

FILTERS: list[tuple[str, Callable[[RegisterItem, date], bool]]] = [
    ("all", lambda item, today: True),
    ("open", lambda item, today: is_open(item)),
    ("overdue", is_overdue),
    ("closed or cancelled", lambda item, today: item.status.finished),
]
# A status's place in the workflow, looked up once: listing the enum for each of 2,000 items
# took several milliseconds on the first sort by status.
STATUS_ORDER = {status: place for place, status in enumerate(RegisterStatus)}
SORTS: list[tuple[str, Callable[[RegisterItem], tuple[Any, ...]]]] = [
    ("number", lambda item: (item.number,)),
    ("priority", lambda item: (item.priority, item.number)),
    ("due date", lambda item: (item.due_on is None, item.due_on or date.max, item.number)),
    ("status", lambda item: (STATUS_ORDER[item.status], item.number)),
    ("owner", lambda item: (item.owner.lower(), item.number)),
]
# The description first after the number: on an 80-column laptop it is what the room reads.
# rank: what a narrowing table keeps longest. Who owns an item, where it stands and when it is
# due are what a review asks of each row; a status or an owner is never cut mid-word: the
# priority and the size go first, and the full line below the table gives them back.
COLUMNS = (
    Column("#", rank=0),
    Column("Description", rank=1, shrink_to=24),
    Column("Status", rank=2),
    Column("Pri", rank=6),
    Column("Due", rank=4),
    Column("Owner", rank=3),
    Column("Size", rank=7),
    Column("Addresses", "Addr.", rank=5, shrink_to=10, note=True),
)
HEADERS = [column.header for column in COLUMNS]


@dataclass(frozen=True)
class ItemLine:
    """An item as the table draws it, built once per load: a search or a sort only picks and
    orders these, so no cell is built or measured again on a keystroke."""

    item: RegisterItem
    key: str  # the item's number, as the table keys its row
    cells: list[Text]
    words: str  # what a search looks in, lower-cased
    widths: tuple[int, ...]  # each cell's width, for the columns' widths over every item


@dataclass(frozen=True)
class Picked:
    """The rows one sort and filter show, in order, as parallel lists: the table takes the keys
    and cells as they are (LineTable.show_rows), and a search keeps the rows whose words match."""

    keys: list[str]
    cells: list[list[Text]]
    words: list[str]


# The keys the footer shows, most important first: at 80 columns the last give way, never
# the way back, quit or the projector (widgets/fitted_footer.py).
FOOTER_KEYS = (("register.new", "New"), ("register.edit", "Edit"), ("register.move", "Move"), "register.filter",
               "register.sort", "register.search", "register.back", "app.quit", "app.projector", "app.help")

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

    # `var`, not `reactive`: a filter or a sort redraws the table (_redraw), and a reactive of the
    # screen would also repaint every line of the screen behind it on each press of f or s.
    filter_index: var[int] = var(0, init=False)
    sort_index: var[int] = var(0, init=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines: list[ItemLine] = []  # every item of the load, in the register's own order
        self._by_key: dict[str, ItemLine] = {}
        self._natural: list[int] = []  # the columns' widths over every item, measured once per load
        # Per sort and filter, once asked for, until the next load: the rows they show, in order,
        # and each row's search words. A sort, a filter or an erased search hands the table the
        # lists made before; a search makes one pass over the words and keeps the matching keys
        # and cells (2,000 items: nothing else is built on a keystroke).
        self._picked: dict[tuple[int, int], Picked] = {}
        self._shown: dict[str, object] = {}  # what each line of text last showed (see _update)
        # The item the full line shows: its line is built again only for another item (or one
        # built again at a load), not on every keystroke that leaves the cursor where it was.
        self._line_shown: ItemLine | None | bool = False
        self._built_for: tuple[object, ...] = ()  # what every item's cells were built against

    def compose(self) -> ComposeResult:
        yield Static("Register", id="register-title")
        yield SafeInput(placeholder="/ to search descriptions, owners and justifications; enter or escape returns",
                    id="search", compact=True)
        yield LineTable(id="items")
        yield Static("", id="register-empty")
        yield StatusLine(id="register-line")
        yield Static("", id="register-status")
        yield FittedFooter(FOOTER_KEYS)

    def on_mount(self) -> None:
        # Overdue items are drawn in the theme's error colour: the projector theme redraws them.
        self.watch(self.app, "theme", lambda _: self._rebuild(), init=False)
        self.watch(self.query_one("#items", LineTable), "cursor_row", lambda _: self._show_line(), init=False)

    @property
    def today(self) -> date:
        return self.session.clock().date()

    def show(self, snapshot: WorkshopSnapshot, first: bool = False) -> None:
        self._build(snapshot)
        items = snapshot.register_items
        today = self.today
        overdue = sum(is_overdue(item, today) for item in items)
        opened = sum(is_open(item) for item in items)
        carried = len(items) - len(live_items(items))  # counted in the cycle they went to
        workshop = snapshot.workshop
        self._update("#register-title", user_content(
            f"Register · {workshop.title} · cycle {workshop.cycle} · {counted(len(items) - carried, 'item')}, "
            f"{opened} open, {overdue} overdue" + (f", {carried} carried" if carried else "")))
        self._redraw()

    def _build(self, snapshot: WorkshopSnapshot) -> None:
        """Every item's cells and search words, and the columns' widths over all of them. An item
        that has not changed since the last load keeps its line: a change to one item of 2,000
        builds one line, and the table draws one row again."""
        today = self.today
        names = {d.key: d.name for d in snapshot.dimensions}
        kpi_names = {k.id: k.name for k in snapshot.kpis}
        error = f"bold {self.app.current_theme.error}"
        context = (today, error, names, kpi_names)
        earlier = self._by_key if context == self._built_for else {}
        self._built_for = context
        lines = []
        for item in snapshot.register_items:
            line = earlier.get(str(item.number))
            lines.append(line if line is not None and line.item == item else
                         self._item_line(item, today, error, names, kpi_names))
        self.lines = lines
        self._by_key = {line.key: line for line in lines}
        self._natural = [max(column, default=0) for column in zip(*(line.widths for line in lines))] or [0] * len(
            COLUMNS)
        self._picked.clear()

    @staticmethod
    def _item_line(item: RegisterItem, today: date, error: str, names: dict[str, str], kpi_names: dict[int | None, str]
              ) -> ItemLine:
        late = is_overdue(item, today)
        style = error if late else ""
        addresses = [names.get(k, k) for k in item.dimension_keys] + [
            f"KPI {kpi_names[k]}" for k in item.kpi_ids if k in kpi_names]
        cells = [
            Text(f"#{item.number}", style=style),
            user_text(item.description),
            Text(f"{status_label(item)}{' · overdue' if late else ''}", style=style),
            Text(str(item.priority)),
            Text(item.due_on.isoformat() if item.due_on else "", style=style),
            user_text(item.owner), Text(item.size.value), user_text(", ".join(addresses)),
        ]
        return ItemLine(item, str(item.number), cells, f"{item.description} {item.owner} {item.justification}".lower(),
                        tuple(cell.cell_len for cell in cells))

    def _rebuild(self) -> None:
        if self.snapshot is not None:
            self._build(self.snapshot)
            self._redraw()

    def _update(self, selector: str, content: object) -> None:
        """Change a line's text when it changed, without laying out the screen: these lines are
        one line high, or fill a fixed space. (The full line, whose height follows its text, is a
        StatusLine: laid out only when its number of lines changes.)"""
        if self._shown.get(selector) != content:
            self._shown[selector] = content
            self.query_one(selector, Static).update(content, layout=False)  # type: ignore[arg-type]

    def _redraw(self) -> None:
        """Pick and order the lines built at the load: no cell is built or measured here."""
        if self.snapshot is None:
            return
        query = self.query_one("#search", Input).value.strip().lower()
        filter_name, keep = FILTERS[self.filter_index]
        sort_name, key = SORTS[self.sort_index]
        picked = self._picked.get((self.sort_index, self.filter_index))
        if picked is None:
            today = self.today
            lines = [line for line in sorted(self.lines, key=lambda line: key(line.item)) if keep(line.item, today)]
            picked = self._picked[self.sort_index, self.filter_index] = Picked(
                [line.key for line in lines], [line.cells for line in lines], [line.words for line in lines])
        keys, cells = picked.keys, picked.cells
        if query:
            matches = [query in words for words in picked.words]
            keys, cells = list(compress(keys, matches)), list(compress(cells, matches))
        self.query_one("#items", LineTable).show_rows(COLUMNS, keys, cells, natural=self._natural)
        self._show_line()
        self._update("#register-status", user_content(  # the search as typed
            f"Showing {len(keys)} · filter: {filter_name} (f) · sorted by {sort_name} (s)"
            + (f" · search: {query}" if query else "")))
        empty = self.query_one("#register-empty", Static)
        if empty.display == bool(keys):
            empty.display = not keys
        self._update("#register-empty", "No register items yet. Press n to add one, or i on a gap matrix row in "
                     "steps 2-4." if not self.lines else "No item matches this filter or search.")

    def _show_line(self) -> None:
        """The selected item in full, below the table: what a narrow table leaves out."""
        table = self.query_one("#items", LineTable)
        line = self._by_key.get(table.cursor_key or "")
        if line is self._line_shown:
            return
        self._line_shown = line
        # Laid out only when its number of lines changes: moving along the rows, or a search
        # keystroke that puts the cursor on another item, most often only repaints it.
        self.query_one("#register-line", StatusLine).show(
            full_line(HEADERS, line.cells) if line else Text(""))

    def _selected(self) -> RegisterItem | None:
        line = self._by_key.get(self.query_one("#items", LineTable).cursor_key or "")
        return line.item if line is not None else None

    def watch_filter_index(self) -> None:
        self._redraw()

    def watch_sort_index(self) -> None:
        self._redraw()

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
        self.query_one("#items", LineTable).focus()

    def action_back(self) -> None:
        if self.focused is self.query_one("#search", Input):
            self.query_one("#items", LineTable).focus()
            return
        self.dismiss(None)

    @on(LineTable.RowSelected, "#items")
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
