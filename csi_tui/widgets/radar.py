"""A radar of the maturity levels: one spoke per dimension, clockwise from the top in the
template's order, and a line joining where we are now, where we want to be and, from the second
cycle on, where we were last cycle. Drawn in braille dots, so it needs no graphics and shows on
any terminal and projector; each spoke is labelled with the start of its dimension's name."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.text import Text
from textual.widget import Widget

from csi_tui.domain.text import for_display
from csi_tui.widgets.braille_canvas import BrailleCanvas

if TYPE_CHECKING:  # the snapshot and gap rows are the session's; the widget only draws
    from csi_tui.domain.gap import GapRow
    from csi_tui.domain.models import Dimension

LABEL_WIDTH = 13  # "Organizations" whole; longer first words are cut
LINE = "━━"


@dataclass(frozen=True)
class Spoke:
    name: str  # the dimension's: user text, through the display rule when drawn
    now: float | None
    target: float | None
    previous: float | None  # last cycle's "now", from cycle 2 on


def short_labels(names: Sequence[str], width: int = LABEL_WIDTH) -> list[str]:
    """The first word of each dimension's name, which is what people call it aloud; where several
    share it ("Service desk", "Service level management"), its start and the next word."""
    words = [for_display(name, keep_newlines=False).split() or ["?"] for name in names]
    firsts = [w[0] for w in words]
    labels = []
    for split in words:
        label = split[0]
        if firsts.count(label) > 1 and len(split) > 1:
            label = f"{label[:4]}.{split[1]}"
        labels.append(label if len(label) <= width else label[:width - 1] + "…")
    return labels


def spokes(dimensions: Sequence[Dimension], rows: Sequence[GapRow],
           previous_rows: Sequence[GapRow] | None) -> list[Spoke]:
    now = {row.key: row for row in rows}
    before = {row.key: row.current for row in previous_rows or []}
    return [Spoke(d.name, now[d.key].current if d.key in now else None,
                  now[d.key].target if d.key in now else None, before.get(d.key)) for d in dimensions]


class Radar(Widget):
    DEFAULT_CSS = """
    Radar { height: 22; min-height: 12; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.spokes: list[Spoke] = []
        self.highest = 5
        self.lowest = 1
        self.has_previous = False

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _: self.refresh(), init=False)

    def show(self, dimensions: Sequence[Dimension], rows: Sequence[GapRow],
             previous_rows: Sequence[GapRow] | None, lowest: int, highest: int) -> None:
        self.spokes = spokes(dimensions, rows, previous_rows)
        self.lowest, self.highest = lowest, highest
        self.has_previous = previous_rows is not None
        self.refresh()

    def _colours(self) -> dict[str, str]:
        theme = self.app.current_theme
        return {"axis": "dim", "now": f"bold {theme.primary}",
                "target": f"bold {theme.warning}", "previous": f"{theme.secondary}"}

    def legend(self) -> Text:
        colours = self._colours()
        line = Text(no_wrap=True, end="")
        line.append(LINE, style=colours["now"])
        line.append(" now  ")
        line.append(LINE, style=colours["target"])
        line.append(" target  ")
        if self.has_previous:
            line.append(LINE, style=colours["previous"])
            line.append(" last cycle's now  ")
        line.append(f"scale {self.lowest}-{self.highest}, the rim is {self.highest}", style="dim")
        return line

    def render(self) -> RenderableType:
        width, height = self.size
        if len(self.spokes) < 3:
            return Text("A radar needs three dimensions or more.", style="dim")
        canvas = BrailleCanvas(max(width, 1), max(height - 1, 1))
        self.draw(canvas)
        return Text("\n", no_wrap=True).join([*canvas.lines(), self.legend()])

    def draw(self, canvas: BrailleCanvas) -> None:
        colours = self._colours()
        label_width = min(LABEL_WIDTH, max(canvas.columns // 5, 3))
        # Braille dots are about square on a terminal: two across and four down per character.
        radius = max(min((canvas.columns - 2 * (label_width + 1)), (canvas.rows - 2) * 2), 2)
        cx, cy = canvas.width / 2, canvas.height / 2
        count = len(self.spokes)

        def point(index: int, level: float) -> tuple[float, float]:
            angle = 2 * math.pi * index / count
            share = level / max(self.highest, 1)
            return cx + radius * share * math.sin(angle), cy - radius * share * math.cos(angle)

        for index in range(count):  # the spokes, dotted, under everything
            x, y = point(index, self.highest)
            canvas.line(cx, cy, x, y, colours["axis"], every=3)
        for index in range(count):  # the rim
            canvas.line(*point(index, self.highest), *point((index + 1) % count, self.highest), colours["axis"], every=2)
        # Least important first: a cell two lines cross takes the colour of the later one.
        for series in ("previous", "target", "now"):
            values = [getattr(spoke, series) for spoke in self.spokes]
            for index, value in enumerate(values):
                following = values[(index + 1) % count]
                if value is not None and following is not None:
                    canvas.line(*point(index, value), *point((index + 1) % count, following), colours[series])
                elif value is not None:
                    canvas.dot(*point(index, value), colours[series])
        self._label(canvas, label_width, point)

    def _label(self, canvas: BrailleCanvas, label_width: int,
               point: Callable[[int, float], tuple[float, float]]) -> None:
        """Each spoke's name just past the rim, moved a line up or down, or cut to three letters,
        rather than written over another."""
        labels = short_labels([spoke.name for spoke in self.spokes], label_width)
        for index, label in enumerate(labels):
            x, y = point(index, self.highest * 1.08)
            column, row = int(x // 2), int(y // 4)
            for text in (label, label[:3]):
                side = x - canvas.width / 2
                start = column if side > 2 else column - len(text) + 1 if side < -2 else column - len(text) // 2
                for shift in (0, -1, 1):
                    if canvas.free(start, row + shift, len(text)):
                        canvas.write(start, row + shift, text, "bold")
                        break
                else:
                    continue
                break
