"""Present mode: the gap matrix as large bars, readable from the back of a room, without the
facilitator's notes. `s` saves the screen as an SVG picture for slides."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from csi_tui.domain.gap import GapRow
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


class PresentScreen(Screen[None]):
    AUTO_FOCUS = None
    DEFAULT_CSS = """
    PresentScreen { background: $background; padding: 1 2; }
    PresentScreen #present-title { text-style: bold; color: $primary; margin-bottom: 1; }
    PresentScreen #legend { color: $text-muted; dock: bottom; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="present.back"),
        Binding("s", "save_picture", "Save picture", id="present.save", tooltip="Save this view as an SVG for slides"),
    ]

    def __init__(self, snapshot: WorkshopSnapshot, pictures_dir: Path) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.pictures_dir = pictures_dir

    def compose(self) -> ComposeResult:
        workshop = self.snapshot.workshop
        yield Static(user_content(f"{workshop.title} · cycle {workshop.cycle}: where we are and where we want to be"),
                     id="present-title")
        scale = self.snapshot.scale
        with VerticalScroll():
            for row in sorted(self.snapshot.gap_rows(), key=lambda r: r.rank):
                yield GapBar(row, scale.lowest, scale.highest)
        yield Static(f"{BAR} now   {TARGET} gap to target   scale {scale.lowest}-{scale.highest}   "
                     "escape: back   s: save picture", id="legend", markup=False)

    def action_save_picture(self) -> None:
        workshop = self.snapshot.workshop
        stem = re.sub(r"[^A-Za-z0-9]+", "-", workshop.title).strip("-").lower() or "workshop"
        folder = self.pictures_dir
        folder.mkdir(parents=True, exist_ok=True)
        path = self.app.save_screenshot(filename=f"{stem}-cycle-{workshop.cycle}-gaps.svg", path=str(folder))
        self.notify(f"Saved {path}", title="Picture saved", markup=False)
