"""An answer changed in two places at once (two windows, or another program): both texts side by
side, and the facilitator keeps one or both. Nothing was overwritten before this choice."""

from __future__ import annotations

from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from csi_tui.widgets.user_text import user_content

Keep = Literal["mine", "theirs", "both"]


class ConflictDialog(ModalScreen[Keep]):
    AUTO_FOCUS = "#both"  # the choice that loses nothing
    BINDINGS = [
        Binding("m", "keep('mine')", "Keep mine", id="conflict.mine"),
        Binding("t", "keep('theirs')", "Keep theirs", id="conflict.theirs"),
        Binding("b", "keep('both')", "Keep both", id="conflict.both"),
    ]
    DEFAULT_CSS = """
    ConflictDialog .dialog { width: 90%; max-width: 120; }
    ConflictDialog #texts { height: auto; max-height: 16; }
    ConflictDialog #texts VerticalScroll { width: 1fr; height: auto; max-height: 14; padding: 0 1; }
    """

    def __init__(self, where: str, theirs: str, mine: str) -> None:
        super().__init__()
        self.where = where
        self.theirs = theirs
        self.mine = mine

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(user_content(f"{self.where} was changed elsewhere while you typed"), classes="dialog-title")
            with Horizontal(id="texts"):
                with VerticalScroll():
                    yield Label("In the file now (theirs)", classes="field-label")
                    yield Static(user_content(self.theirs or "(empty)", keep_newlines=True), id="theirs")
                with VerticalScroll():
                    yield Label("What you typed (mine)", classes="field-label")
                    yield Static(user_content(self.mine or "(empty)", keep_newlines=True), id="mine")
            yield Static("Both texts are in the change log whatever you keep.", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Keep both (b)", id="both", variant="primary", compact=True)
                yield Button("Keep mine (m)", id="mine-button", compact=True)
                yield Button("Keep theirs (t)", id="theirs-button", compact=True)

    def action_keep(self, keep: Keep) -> None:
        self.dismiss(keep)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss({"both": "both", "mine-button": "mine", "theirs-button": "theirs"}[event.button.id or "both"])
