"""A one-line field that draws its value without control characters.

The value is kept exactly as typed, pasted or loaded from the file, so opening a form rewrites
nothing; only what reaches the terminal is cleaned (widgets/user_text.py says why not whole
sequences here). Every Input in the app is one of these."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widgets import Input

from csi_tui.widgets.user_text import draw_without_controls


class SafeInput(Input):
    # Input sets its virtual size (the text's width, for scrolling it sideways) on every change of
    # its value, and Widget's virtual_size asks for a layout of the whole screen when it changes:
    # a layout per keystroke. A field of fixed size needs none (Input asks for one itself when its
    # size is `auto`); its scroll limits read the virtual size directly.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def render_line(self, y: int) -> Strip:
        return draw_without_controls(super().render_line(y))
