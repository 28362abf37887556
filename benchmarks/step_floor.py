"""The floor under csi-tui's start-up: the demo's step screen (step 5) built from plain Textual
widgets, with none of csi-tui's code (no store, no pydantic). It has the same widget tree as
StepScreen on that step: the header's four statics, the cycle review's two titles and two tables,
a label and a text area per field, the prompts, and a compact footer with the screen's fifteen
keys; and, once painted, as much content: 34 review rows, 5 KPI rows, two answers. Whatever this costs over the bare app, no change to csi-tui's own code can remove
while it shows that screen; benchmarks/run.py measures it in the same run as both."""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static, TextArea

# Step 5's text, copied so this file imports nothing of csi-tui (csi_tui/steps.py holds the original).
QUESTION = "Step 5 of 6 · Did we get there?"
FIELDS = ("Checkpoints and review dates", "Initiative outcomes", "What went well", "What went wrong")
PROMPTS = ("When do we check again? Quarterly beats yearly.", "Which targets were achieved, partly achieved or missed?",
           "What corrective action does each missed target need?")
REVIEW_COLUMNS = ("Dimension", "Then", "Previous target", "Now", "Result")
KPI_COLUMNS = ("KPI", "Baseline", "Target", "Now", "Result")
KEYS = [Binding(key, key, key.upper()) for key in
        ("ctrl+n", "ctrl+o", "ctrl+g", "ctrl+r", "ctrl+t", "f1", "f2", "escape", "f3", "f5", "f9", "ctrl+l", "f4")]


class FloorScreen(Screen[None]):
    BINDINGS = KEYS
    CSS = """
    #header { height: 2; background: $panel; }
    #where { width: 1fr; padding: 0 1; }
    #status { width: auto; height: 2; }
    #review { height: auto; }
    #review DataTable { height: auto; }
    #body { height: 1fr; }
    #answers { width: 1fr; padding: 0 1; }
    TextArea { height: auto; min-height: 3; max-height: 10; }
    #guidance { width: 40; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="header"):
            with Vertical(id="where"):
                yield Static(QUESTION)
                yield Static("", id="workshop")
            with Vertical(id="status"):
                yield Static("15:00")
                yield Static("Saved")
        with Horizontal(id="body"):
            with VerticalScroll(id="answers"):
                with Vertical(id="review"):
                    yield Static("Last cycle's targets against today")
                    yield DataTable()
                    yield Static("KPIs against their targets")
                    yield DataTable()
                for label in FIELDS:
                    yield Label(label)
                    yield TextArea(soft_wrap=True)
            with VerticalScroll(id="guidance"):
                yield Static("Ask the room")
                for prompt in PROMPTS:
                    yield Static(f"• {prompt}")
        yield Footer(compact=True)


    def on_mount(self) -> None:
        # As csi-tui fills its screen after the first frame, from its first read.
        self.call_after_refresh(self.fill)

    def fill(self) -> None:
        self.query_one("#workshop", Static).update("Service desk CSI programme · cycle 2")
        review, kpis = self.query(DataTable)
        review.add_columns(*REVIEW_COLUMNS)
        review.add_rows((f"Practice number {n:02d} management", "2.5", "3", "2", "missed") for n in range(34))
        kpis.add_columns(*KPI_COLUMNS)
        kpis.add_rows((f"KPI number {n}", "40 %", "60 %", "52 %", "partly") for n in range(5))
        areas = self.query(TextArea)
        areas[0].load_text("Quarterly; August review held.")
        areas[1].load_text("Problem review runs weekly.")


class FloorApp(App[None]):
    BINDINGS = [Binding("ctrl+q", "quit", "Quit"), Binding("f8", "noop", "Projector")]

    def on_mount(self) -> None:
        self.push_screen(FloorScreen())


if __name__ == "__main__":
    FloorApp().run()
