"""Fill a DataTable with columns sized to their content before any row is drawn.

Textual 8.2.8's DataTable measures auto-width columns on its Idle event and caches rendered rows
by an update count that the measurement does not change: a table drawn between add_row and that
Idle (a busy laptop, a slow projector link) keeps showing header-wide columns. Sizing the
columns ourselves, up front, means no row is ever drawn at the wrong width.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable


def fill_table(table: DataTable[Text], headers: Sequence[str], rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
    """Replace the table's columns and rows; `rows` are (key, cells) pairs."""
    widths = [len(header) for header in headers]
    for _, cells in rows:
        for index, cell in enumerate(cells):
            widths[index] = max(widths[index], cell.cell_len)
    cursor_row = table.cursor_row
    table.clear(columns=True)
    for header, width in zip(headers, widths, strict=True):
        table.add_column(header, width=width, key=header)
    for key, cells in rows:
        table.add_row(*cells, key=key)
    if table.row_count:
        table.move_cursor(row=min(cursor_row, table.row_count - 1))

