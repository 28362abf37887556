"""The facilitator's prompts for the step: questions to put to the room. Hidden while presenting."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from csi_tui.domain.steps import Step


class GuidancePanel(VerticalScroll, can_focus=False):
    DEFAULT_CSS = """
    GuidancePanel { width: 30%; min-width: 24; max-width: 40; border-left: tall $primary 40%; padding: 0 1; background: $boost; }
    GuidancePanel .title { text-style: bold; color: $primary; margin-bottom: 1; }
    GuidancePanel .prompt { margin-bottom: 1; }
    """

    def __init__(self, step: Step, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.step = step

    def compose(self) -> ComposeResult:
        yield Static("Ask the room", classes="title")
        for prompt in self.step.guidance:
            yield Static(f"• {prompt}", classes="prompt", markup=False)
