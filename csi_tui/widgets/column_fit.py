"""Which columns of a table fit a width, and how wide each is drawn.

A projector at 200 columns and a laptop at 80 show the same table: rather than cut the right-hand
columns (or scroll sideways a character per key), a table first narrows its notes (evidence, what
covers a gap) down to a floor with an ellipsis, then abbreviates its headers, then narrows the
names too, and then drops the least important column and tries again. What is left out is on the selected row's full line,
drawn below the table (`full_line`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

CELL_PADDING = 2  # a space either side of every cell, in both table widgets


@dataclass(frozen=True)
class Column:
    """A column as the facilitator reads it. `rank`: 0 is kept longest; the highest goes first."""

    header: str
    short: str = ""  # the abbreviated header; the full one when empty
    rank: int = 0
    shrink_to: int = 0  # a text column may narrow to this many cells (0: never narrowed)
    note: bool = False  # a note narrows before any header is abbreviated; a name only after
    separator: bool = False  # a bar between groups of columns: never drawn with nothing after it

    @property
    def abbreviated(self) -> str:
        return self.short or self.header


@dataclass(frozen=True)
class Fitted:
    """A column that is shown: its place among all columns, its header and its width."""

    index: int
    header: str
    width: int


def cell_width(cell: Text | str) -> int:
    """How many cells a table cell takes: a Text, or a plain str (line_table.py). Printable ASCII
    is one cell a character, measured without a lookup per character (10,000 workshops' titles)."""
    if isinstance(cell, str):
        return len(cell) if cell.isascii() and cell.isprintable() else cell_len(cell)
    return cell.cell_len


def natural_widths(columns: Sequence[Column], rows: Sequence[Sequence[Text | str]]) -> list[int]:
    """The width of each column's widest cell."""
    widths = [0] * len(columns)
    for cells in rows:
        for index, cell in enumerate(cells):
            widths[index] = max(widths[index], cell_width(cell))
    return widths


def fit_columns(columns: Sequence[Column], natural: Sequence[int], available: int) -> list[Fitted]:
    """The columns to show in `available` cells, in their own order. With no width known yet
    (a table not laid out), every column at its natural width."""
    shown = list(range(len(columns)))
    if available <= 0:
        return [Fitted(i, columns[i].header, max(natural[i], len(columns[i].header))) for i in shown]
    while True:
        for abbreviate, names in ((False, False), (True, False), (True, True)):
            headers = {i: columns[i].abbreviated if abbreviate else columns[i].header for i in shown}
            widths = {i: max(natural[i], len(headers[i])) for i in shown}
            excess = sum(widths.values()) + CELL_PADDING * len(shown) - available
            # Notes give way first, down to their floor; names only after that.
            excess = _narrow(columns, headers, widths, [i for i in shown if columns[i].note], excess)
            if names:
                excess = _narrow(columns, headers, widths, [i for i in shown if not columns[i].note], excess)
            if excess <= 0 or (names and len(shown) == 1):
                while len(shown) > 1 and columns[shown[-1]].separator:
                    shown.pop()
                return [Fitted(i, headers[i], widths[i]) for i in shown]
        shown.remove(max(shown, key=lambda i: (columns[i].rank, i)))


def _narrow(columns: Sequence[Column], headers: dict[int, str], widths: dict[int, int], narrowing: list[int],
            excess: int) -> int:
    """Take `excess` cells from the `narrowing` columns, a cell at a time from the widest, so a
    long name and a long note end up alike; what could not be taken."""
    floors = {i: max(columns[i].shrink_to, len(headers[i])) for i in narrowing if columns[i].shrink_to}
    while excess > 0:
        room = [i for i in floors if widths[i] > floors[i]]
        if not room:
            break
        widths[max(room, key=lambda i: widths[i])] -= 1
        excess -= 1
    return excess


def clipped(cell: Text, width: int) -> Text:
    """The cell as drawn in `width` cells: an ellipsis where it was narrowed."""
    if cell.cell_len <= width:
        return cell
    shown = cell.copy()
    shown.truncate(width, overflow="ellipsis")
    return shown


def full_line(headers: Sequence[str], cells: Sequence[Text]) -> Text:
    """The selected row in full, every column named: `Name · Now 2 · Target 4 · …`. The cells
    are already display-safe (user text went through widgets/user_text.py)."""
    line = Text(no_wrap=False, end="")
    line.append_text(cells[0])
    for header, cell in zip(headers[1:], cells[1:], strict=True):
        line.append(" · ")
        if not cell.plain.startswith(f"{header} "):  # a level named "Level 3" needs no "Level" before it
            line.append(f"{header} ", style="dim")
        line.append_text(cell if cell.plain else Text("–"))
    return line
