"""Present mode: the gap matrix as large bars, readable from the back of a room, without the
facilitator's notes, a page at a time, then the radar of now against target. `s` saves the
page as an SVG picture for slides."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from csi_tui.domain.gap import GapRow
from csi_tui.widgets.radar import Radar
from csi_tui.widgets.user_text import user_content, user_text

if TYPE_CHECKING:  # the snapshot is read by the session; screens only name it
    from csi_tui.store.read_model import WorkshopSnapshot

BAR = "█"
TARGET = "░"


class GapBar(Static):
    """One dimension: its name, then a bar to where we are and a lighter bar on to the target."""

    DEFAULT_CSS = """
    GapBar { height: 2; margin-bottom: 1; }
    """

    def __init__(self, row: GapRow, lowest: int, highest: int) -> None:
        super().__init__()
        self.row, self.lowest, self.highest = row, lowest, highest

    def render(self) -> Text:
        theme = self.app.current_theme
        row = self.row
        width = max(self.size.width - 16, 10)

        # Proportional to the level itself: level 1 of 5 is a fifth of the bar, not nothing.
        def cells(level: float | None) -> int:
            return 0 if level is None else round(level / max(self.highest, 1) * width)

        now, target = cells(row.current), cells(row.target)
        figures = f"{'–' if row.current is None else f'{row.current:g}'} → {'–' if row.target is None else f'{row.target:g}'}"
        colour = theme.success if row.gap is not None and row.gap <= 0 else theme.error if row.uncovered else theme.warning
        text = user_text(row.name, style="bold")
        text.append("\n")
        text.append(BAR * now, style=str(theme.primary))
        text.append(TARGET * max(target - now, 0), style=str(colour))
        text.append(f"  {figures}", style="bold")
        return text


# Rich's SVG without the window it draws around a terminal (the frame, the three buttons, the
# title) and without fonts fetched from the web: the picture is the room's view, for a slide,
# made on a laptop that may be offline.
PICTURE_SVG = """\
<svg class="rich-terminal" viewBox="0 0 {terminal_width} {terminal_height}" xmlns="http://www.w3.org/2000/svg">
    <style>
    .{unique_id}-matrix {{
        font-family: Fira Code, monospace;
        font-size: {char_height}px;
        line-height: {line_height}px;
        font-variant-east-asian: full-width;
    }}
    {styles}
    </style>
    <defs>
    <clipPath id="{unique_id}-clip-terminal">
      <rect x="0" y="0" width="{terminal_width}" height="{terminal_height}" />
    </clipPath>
    {lines}
    </defs>
    <g clip-path="url(#{unique_id}-clip-terminal)">
    {backgrounds}
    <g class="{unique_id}-matrix">
    {matrix}
    </g>
    </g>
</svg>
"""
BAR_LINES = 3  # a bar's name, the bar, a blank line
FRAME_LINES = 5  # the screen's padding, the title and its margin, the legend


def picture_svg(app: App[object]) -> str:
    """The screen as an SVG picture with nothing around it. As App.export_screenshot draws it
    (Textual pinned exactly: the compositor is not public), with our own SVG template."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_svg(title="", code_format=PICTURE_SVG)


class PresentScreen(Screen[None]):
    """The gap bars a page at a time (as many as the terminal holds), then the radar."""

    AUTO_FOCUS = None
    DEFAULT_CSS = """
    PresentScreen { background: $background; padding: 1 2; }
    PresentScreen #present-title { text-style: bold; color: $primary; margin-bottom: 1; }
    PresentScreen #bars { height: 1fr; }
    PresentScreen Radar { height: 1fr; }
    PresentScreen #legend { color: $text-muted; dock: bottom; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="present.back"),
        Binding("pagedown,right,space", "page(1)", "Next page", id="present.next",
                tooltip="The next page of gaps, then the radar"),
        Binding("pageup,left", "page(-1)", "Previous page", id="present.previous", tooltip="The page before"),
        Binding("home", "page_to(0)", "First page", id="present.first", show=False),
        Binding("end", "page_to(-1)", "Radar", id="present.last", show=False, tooltip="The last page: the radar"),
        Binding("s", "save_picture", "Save picture", id="present.save", tooltip="Save this view as an SVG for slides"),
    ]

    page: reactive[int] = reactive(0, init=False)

    def __init__(self, snapshot: WorkshopSnapshot, pictures_dir: Path) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.pictures_dir = pictures_dir
        self.rows = sorted(snapshot.gap_rows(), key=lambda r: r.rank)
        self.per_page = len(self.rows) or 1

    @property
    def pages(self) -> int:
        """The pages of bars, and the radar's."""
        return max(math.ceil(len(self.rows) / self.per_page), 1) + 1

    @property
    def on_radar(self) -> bool:
        return self.page == self.pages - 1

    def compose(self) -> ComposeResult:
        workshop = self.snapshot.workshop
        yield Static(user_content(f"{workshop.title} · cycle {workshop.cycle}: where we are and where we want to be"),
                     id="present-title")
        scale = self.snapshot.scale
        with Vertical(id="bars"):
            for row in self.rows:
                yield GapBar(row, scale.lowest, scale.highest)
        yield Radar()
        yield Static("", id="legend", markup=False)

    def on_mount(self) -> None:
        radar = self.query_one(Radar)
        radar.show(self.snapshot.dimensions, self.rows, self.snapshot.previous_rows,
                   self.snapshot.scale.lowest, self.snapshot.scale.highest)
        self._fit(self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, height: int) -> None:
        """As many bars a page as the terminal holds; the same first bar stays in view."""
        first = self.page * self.per_page
        self.per_page = max((height - FRAME_LINES) // BAR_LINES, 1)
        page = min(first // self.per_page, self.pages - 1)
        if page == self.page:
            self._show_page()
        self.page = page

    def watch_page(self) -> None:
        self._show_page()

    def _show_page(self) -> None:
        start = self.page * self.per_page
        for index, bar in enumerate(self.query(GapBar)):
            bar.display = start <= index < start + self.per_page
        self.query_one("#bars").display = not self.on_radar
        self.query_one(Radar).display = self.on_radar
        scale = self.snapshot.scale
        # One line at 80 columns: the page count is how the facilitator knows there is more.
        key = f"{BAR} now {TARGET} to target ({scale.lowest}-{scale.highest}) · " if not self.on_radar else ""
        self.query_one("#legend", Static).update(
            f"{key}page {self.page + 1} of {self.pages} · pgdn/pgup · esc back · s save")

    def action_page(self, step: int) -> None:
        self.page = max(0, min(self.pages - 1, self.page + step))

    def action_page_to(self, index: int) -> None:
        self.page = index % self.pages

    def action_save_picture(self) -> None:
        workshop = self.snapshot.workshop
        stem = re.sub(r"[^A-Za-z0-9]+", "-", workshop.title).strip("-").lower() or "workshop"
        folder = self.pictures_dir
        folder.mkdir(parents=True, exist_ok=True)
        what = "radar" if self.on_radar else f"gaps-{self.page + 1}" if self.pages > 2 else "gaps"
        path = folder / f"{stem}-cycle-{workshop.cycle}-{what}.svg"
        path.write_text(picture_svg(self.app), encoding="utf-8")
        self.notify(f"Saved {path}", title="Picture saved", markup=False)
