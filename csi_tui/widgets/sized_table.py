"""Fill a DataTable with columns sized to their content before any row is drawn.

Textual 8.2.8's DataTable measures auto-width columns on its Idle event and caches rendered rows
by an update count that the measurement does not change: a table drawn between add_row and that
Idle (a busy laptop, a slow projector link) keeps showing header-wide columns. Sizing the
columns ourselves, up front, means no row is ever drawn at the wrong width.

A table that must fit a width is handed the columns chosen for it (column_fit.py): only those
are added, each keyed by its full header, its cells ellipsised where the column was narrowed.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from csi_tui.widgets.column_fit import Fitted, clipped


def fill_table(table: DataTable[Text], headers: Sequence[str], rows: Sequence[tuple[str, Sequence[Text]]],
               fitted: Sequence[Fitted] | None = None) -> None:
    """Replace the table's columns and rows; `rows` are (key, cells) pairs. With `fitted`, only
    those columns, at those widths."""
    if fitted is None:
        widths = [len(header) for header in headers]
        for _, cells in rows:
            for index, cell in enumerate(cells):
                widths[index] = max(widths[index], cell.cell_len)
        fitted = [Fitted(index, header, width) for index, (header, width) in enumerate(zip(headers, widths,
                                                                                          strict=True))]
    cursor_row = table.cursor_row
    table.clear(columns=True)
    for column in fitted:
        table.add_column(column.header, width=column.width, key=headers[column.index])
    for key, cells in rows:
        table.add_row(*(clipped(cells[column.index], column.width) for column in fitted), key=key)
    if table.row_count:
        table.move_cursor(row=min(cursor_row, table.row_count - 1))

