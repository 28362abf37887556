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


def update_table(table: DataTable[Text], headers: Sequence[str], rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
    """Bring the table to `rows`, touching only the cells that changed. One changed score changes
    a few cells of a 340-row matrix: refilling would re-measure every cell. Key rows by position
    (not by what they show) and a row moving up the ranking is a few rewritten cells, where
    DataTable.sort() costs ~50 ms. Falls back to fill_table when the rows, the columns or a
    column's width would change."""
    columns = table.ordered_columns
    same_columns = [str(column.label) for column in columns] == list(headers)
    same_rows = [key for key, _ in rows] == [row.key.value for row in table.ordered_rows]
    if not (same_columns and same_rows):
        fill_table(table, headers, rows)
        return
    changes = []
    for key, cells in rows:
        for column, old, new in zip(columns, table.get_row(key), cells, strict=True):
            if old != new:
                if new.cell_len > column.width:
                    fill_table(table, headers, rows)
                    return
                changes.append((key, column.key, new))
    for key, column_key, new in changes:
        table.update_cell(key, column_key, new)
