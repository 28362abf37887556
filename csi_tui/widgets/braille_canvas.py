"""A canvas of braille dots, two across and four down per character cell, so a terminal draws
lines eight times finer than with whole characters. Layers are drawn in order; a cell that
several layers touch takes the colour of the last one (the one that matters most), and its dots
are all of theirs. Text (labels) is written over the dots, whole characters at a time."""

from __future__ import annotations

from rich.text import Text

# The bit of each dot in a braille character, by (x, y) within its 2x4 cell (Unicode's order).
DOT_BITS = {(0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (1, 0): 0x08,
            (1, 1): 0x10, (1, 2): 0x20, (0, 3): 0x40, (1, 3): 0x80}
BRAILLE = 0x2800


class BrailleCanvas:
    def __init__(self, columns: int, rows: int) -> None:
        self.columns, self.rows = columns, rows
        self._dots = [[0] * columns for _ in range(rows)]
        self._styles: list[list[str]] = [[""] * columns for _ in range(rows)]
        self._text: dict[tuple[int, int], tuple[str, str]] = {}

    @property
    def width(self) -> int:  # in dots
        return self.columns * 2

    @property
    def height(self) -> int:
        return self.rows * 4

    def dot(self, x: float, y: float, style: str) -> None:
        dx, dy = round(x), round(y)
        if 0 <= dx < self.width and 0 <= dy < self.height:
            column, row = dx // 2, dy // 4
            self._dots[row][column] |= DOT_BITS[(dx % 2, dy % 4)]
            self._styles[row][column] = style

    def line(self, x0: float, y0: float, x1: float, y1: float, style: str, every: int = 1) -> None:
        """A straight line of dots; `every` > 1 draws a dotted one."""
        steps = max(int(max(abs(x1 - x0), abs(y1 - y0))), 1)
        for step in range(0, steps + 1, every):
            share = step / steps
            self.dot(x0 + (x1 - x0) * share, y0 + (y1 - y0) * share, style)

    def free(self, column: int, row: int, length: int) -> bool:
        """Whether text of this length fits here without covering other text or leaving the canvas."""
        if row < 0 or row >= self.rows or column < 0 or column + length > self.columns:
            return False
        return not any((c, row) in self._text for c in range(column - 1, column + length + 1))

    def write(self, column: int, row: int, text: str, style: str = "") -> None:
        for offset, character in enumerate(text):
            if 0 <= column + offset < self.columns and 0 <= row < self.rows:
                self._text[(column + offset, row)] = (character, style)

    def lines(self) -> list[Text]:
        result = []
        for row in range(self.rows):
            line = Text(no_wrap=True, end="")
            for column in range(self.columns):
                if (column, row) in self._text:
                    character, style = self._text[(column, row)]
                    line.append(character, style=style)
                elif bits := self._dots[row][column]:
                    line.append(chr(BRAILLE + bits), style=self._styles[row][column])
                else:
                    line.append(" ")
            result.append(line)
        return result
