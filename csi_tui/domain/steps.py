"""The six CSI questions: what each step asks, the fields it records and the prompts a
facilitator can put to the room. Plain data, shared by the screens, the store and the exports."""

from __future__ import annotations

from dataclasses import dataclass

from csi_tui.domain.errors import InvalidInput


@dataclass(frozen=True)
class StepField:
    key: str
    label: str


@dataclass(frozen=True)
class Step:
    number: int
    question: str
    short: str  # one word for tight places: the home list, the go-to dialog
    fields: tuple[StepField, ...]
    guidance: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "What is the vision?",
        "Vision",
        (
            StepField("vision", "Vision statement"),
            StepField("problem", "Problem being solved"),
            StepField("objectives", "Business objectives it serves"),
            StepField("focus", "Focus areas"),
            StepField("scope", "Scope"),
        ),
        (
            "Which business objective does this improvement serve?",
            "Is the focus service quality, compliance, security, cost or customer satisfaction?",
            "Who is in scope: one team, a department, the whole IT organisation?",
        ),
    ),
    Step(
        2,
        "Where are we now?",
        "Baseline",
        (
            StepField("strengths", "Strengths"),
            StepField("weaknesses", "Weaknesses"),
            StepField("risks", "Risks"),
            StepField("baseline_notes", "Baseline measurements and notes"),
        ),
        (
            "What evidence backs each score? A score without evidence is an opinion.",
            "Where do business and IT see things differently?",
            "What do we measure today, and what would we need to measure?",
        ),
    ),
    Step(
        3,
        "Where do we want to be?",
        "Targets",
        (
            StepField("short_term_targets", "Short-term measurable targets"),
            StepField("long_term_targets", "Long-term measurable targets"),
            StepField("priorities", "Business priorities and target dates"),
        ),
        (
            "Which dimensions matter most to the business right now?",
            "What would 'good enough' look like? Not every dimension needs the top level.",
            "What should we measure, and what can we measure?",
        ),
    ),
    Step(
        4,
        "How do we get there?",
        "Plan",
        (
            StepField("approach", "Approach"),
            StepField("frameworks", "Frameworks and practices used"),
            StepField("gap_notes", "Notes on the gap analysis"),
        ),
        (
            "Which gaps are largest once weighted by business priority?",
            "Which register item closes which gap, who owns it, and by when?",
            "Which KPI will show that the gap is closing?",
        ),
    ),
    Step(
        5,
        "Did we get there?",
        "Review",
        (
            StepField("checkpoints", "Checkpoints and review dates"),
            StepField("outcomes", "Initiative outcomes"),
            StepField("went_well", "What went well"),
            StepField("went_wrong", "What went wrong"),
        ),
        (
            "When do we check again? Quarterly beats yearly.",
            "Which targets were achieved, partly achieved or missed?",
            "What corrective action does each missed target need?",
        ),
    ),
    Step(
        6,
        "How do we keep the momentum going?",
        "Momentum",
        (
            StepField("successes", "Successes to celebrate"),
            StepField("lessons", "Lessons learned"),
            StepField("changed_objectives", "Changed business objectives"),
            StepField("next_focus", "Focus for the next cycle"),
        ),
        (
            "What success can we celebrate and tell others about?",
            "What have the business objectives become since we started?",
            "What should the next cycle focus on?",
        ),
    ),
)

def step(number: int) -> Step:
    """The step of that number; InvalidInput for any other (a file's current_step of 0 or 7 would
    otherwise be step 6, or no step at all)."""
    if type(number) is not int or not 1 <= number <= len(STEPS):  # noqa: E721 - not bool, not str
        raise InvalidInput(f"there is no step {number!r}; the steps are 1 to {len(STEPS)}")
    return STEPS[number - 1]


def step_field_keys(number: int) -> tuple[str, ...]:
    return tuple(field.key for field in step(number).fields)
