"""The room's join address as a QR code a phone can read off a projector, and the address below.

The code is drawn with half blocks from segno's module matrix: each character is one module wide
and two modules tall (its upper and lower half), which a terminal's 1:2 cells make about square.
It is dark on light whatever the theme, because phone cameras look for dark modules on a light
ground (an inverted code fails on many of them), and it keeps a quiet zone of light modules
around it, which the readers need to find the code. It is drawn at the largest whole scale that
fits, so the back of the room can scan it, and it is plain characters only: no escape sequence
or picture protocol, so tmux, a screen capture and every terminal show the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

QUIET_ZONE = 2  # modules of light around the code: readers cope with 2, 4 is the standard's
ERROR_LEVEL = "m"  # 15% of the code can be lost (a projector's glare, a head in the way)
# Dark on light, fixed: a theme's colours (the projector's black background) would invert it.
CODE_STYLE = "#000000 on #ffffff"
UPPER, LOWER, BOTH, NEITHER = "▀", "▄", "█", " "
TOO_SMALL = "Make the terminal larger to show the QR code."


def modules(url: str) -> list[list[bool]]:
    """The code's modules with its quiet zone, True for dark, row by row."""
    import segno  # only when a room opens (the app starts without it)

    code = segno.make(url, error=ERROR_LEVEL)
    return [[bool(cell) for cell in row] for row in code.matrix_iter(scale=1, border=QUIET_ZONE)]


def scaled(grid: Sequence[Sequence[bool]], scale: int) -> list[list[bool]]:
    """Each module as `scale` by `scale` dots."""
    return [[cell for cell in row for _ in range(scale)] for row in grid for _ in range(scale)]


def half_blocks(dots: Sequence[Sequence[bool]]) -> list[str]:
    """Two rows of dots per line of characters; an odd last row gets a light row below it (the
    quiet zone grows by half a module)."""
    rows = [list(row) for row in dots]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    glyph = {(True, True): BOTH, (True, False): UPPER, (False, True): LOWER, (False, False): NEITHER}
    return ["".join(glyph[top, bottom] for top, bottom in zip(upper, lower, strict=True))
            for upper, lower in zip(rows[::2], rows[1::2], strict=True)]


def fitting_scale(size: int, width: int, height: int) -> int:
    """The largest whole scale at which a code of `size` modules a side (quiet zone included)
    fits `width` columns and `height` lines; 0 when it does not fit even at 1."""
    if size <= 0:
        return 0
    return max(0, min(width // size, (2 * height) // size))


def address_lines(url: str, width: int) -> list[str]:
    """The join address as shown under the code: one line when it fits; otherwise broken after
    "/r/", so the room token, which a person typing the address copies character by character,
    stays whole on a line of its own (folded further only where even that does not fit)."""
    width = max(width, 1)
    if len(url) <= width:
        return [url]
    head, after, token = url.partition("/r/")
    parts = [head + after, token] if after else [url]
    return [part[start:start + width] for part in parts for start in range(0, len(part), width)]


class JoinCode(Widget):
    """The QR code of `url` as large as the widget allows, the address below it while there is
    room; `url_shown` says whether it is (the screen shows it elsewhere when not)."""

    DEFAULT_CSS = """
    JoinCode { width: 1fr; height: 1fr; text-align: center; }
    """

    url_shown: reactive[bool] = reactive(True, init=False)

    def __init__(self, url: str = "", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.url = ""
        self.scale = 0
        self._grid: list[list[bool]] = []
        self._lines: list[str] = []
        if url:
            self.show(url)

    def show(self, url: str) -> None:
        self.url = url
        self._grid = modules(url) if url else []
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        width, height = self.content_size.width, self.content_size.height
        size = len(self._grid)
        below = len(address_lines(self.url, width)) if self.url else 0
        scale = fitting_scale(size, width, height - below)
        shown = True
        if not scale and fitting_scale(size, width, height):
            # The code matters more than the address, which the screen then shows beside it.
            scale, shown = fitting_scale(size, width, height), False
        self.scale = scale
        self._lines = half_blocks(scaled(self._grid, scale)) if scale else []
        self.url_shown = shown
        self.refresh()

    def render(self) -> Text:
        text = Text(justify="center", no_wrap=False, overflow="fold")
        if self._grid and not self._lines:
            text.append(TOO_SMALL + "\n", style="italic")
        for line in self._lines:
            text.append(line, style=CODE_STYLE)
            text.append("\n")
        if self.url and self.url_shown:
            text.append("\n".join(address_lines(self.url, self.content_size.width)), style="bold")
        return text

