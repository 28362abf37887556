"""The workshop's domain, as pydantic models. No Textual here: the store, the exports and the
command line use these as they are.

Validation messages are written for a facilitator, not a programmer: they say what is wrong with
the value in the words of the workshop ("must not be blank", "is before the raised date").
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, NamedTuple, Self

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

from csi_tui.domain.clock import stamp

from csi_tui.domain.errors import InvalidInput
from csi_tui.domain.steps import step_field_keys
from csi_tui.domain.text import for_display
from csi_tui.domain.vocabulary import (  # noqa: F401 - the models' vocabulary, importable from here as before
    Closure,
    Direction,
    Framework,
    Outcome,
    Perspective,
    RegisterStatus,
    ScoreKind,
    Size,
)

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _not_blank(value: str) -> str:
    value = value.strip()
    if not for_display(value, keep_newlines=False).strip():  # escapes and controls alone show nothing
        raise ValueError("must not be blank")
    return value


def _is_key(value: str) -> str:
    if not _KEY.match(value):
        raise ValueError(
            f"{value!r} is not a valid key (lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit)"
        )
    return value


# Dates and times a workshop can hold. Beyond these a time cannot be shown in every time zone
# (year 1 in local time is before the calendar begins: the home screen crashed on such a file),
# and no improvement cycle was ever run or planned outside them.
EARLIEST_YEAR, LATEST_YEAR = 1900, 9998
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _in_range(year: int, value: object) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        shown = value.isoformat() if isinstance(value, date) else value
        raise ValueError(f"{shown} is not between the years {EARLIEST_YEAR} and {LATEST_YEAR}")


def parse_moment(value: object) -> datetime:
    """A date and time as a workshop holds it: ISO 8601 text (or a datetime), between
    EARLIEST_YEAR and LATEST_YEAR, in UTC when it names no zone ("Times are ISO 8601 text in
    UTC", docs/schema.md), so that times can always be compared and sorted. Not a number: pydantic
    would read 1700000000 as seconds since 1970, which no csi-tui file holds. The merge's SQL
    checks call this same function (store/row_rules.py)."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date and time (ISO 8601, e.g. 2026-03-14T09:30:00+00:00)") from None
    elif isinstance(value, datetime):
        moment = value
    else:
        raise ValueError(f"{value!r} is not a date and time (ISO 8601 text, e.g. 2026-03-14T09:30:00+00:00)")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    _in_range(moment.year, value)
    return moment


def parse_day(value: object) -> date:
    """A date as a workshop holds it: YYYY-MM-DD text (or a date), a real day of the calendar,
    between EARLIEST_YEAR and LATEST_YEAR."""
    if isinstance(value, str):
        try:
            if not _DAY.match(value):
                raise ValueError
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date (YYYY-MM-DD, e.g. 2026-03-14)") from None
    elif isinstance(value, datetime):
        raise ValueError(f"{value!r} is a time, not a date")
    elif isinstance(value, date):
        day = value
    else:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD text, e.g. 2026-03-14)")
    _in_range(day.year, value)
    return day


def is_moment(value: Any) -> bool:
    """parse_moment as a yes or no (for SQL: store/row_rules.py)."""
    try:
        parse_moment(value)
    except ValueError:
        return False
    return True


def is_day(value: Any) -> bool:
    try:
        parse_day(value)
    except ValueError:
        return False
    return True


def is_key(value: Any) -> bool:
    return isinstance(value, str) and bool(_KEY.match(value))


def is_text(value: Any, blank: bool = True) -> bool:
    """Text, not bytes or a number; not blank unless `blank` (what NonBlank accepts)."""
    return isinstance(value, str) and (blank or bool(value.strip()))


NonBlank = Annotated[str, AfterValidator(_not_blank)]
Key = Annotated[str, AfterValidator(_is_key)]
Weight = Annotated[int, Field(ge=1, le=5)]
StepNumber = Annotated[int, Field(ge=1, le=6)]
# Cycles of improvement are years or quarters: a thousand is far past any real programme, and the
# bound keeps a document's 10**30 from reaching SQLite (whose integers end at 2**63).
CycleNumber = Annotated[int, Field(ge=1, le=1000)]
# Written as every time is written (domain/clock.stamp: UTC, to the second, `Z`): JSON documents, CSV.
Moment = Annotated[datetime, BeforeValidator(parse_moment), PlainSerializer(stamp, return_type=str, when_used="json")]
Day = Annotated[date, BeforeValidator(parse_day)]
# Every figure is a finite number: SQLite stores NaN as NULL, JSON has no inf or NaN (pydantic
# writes null, which the import then refuses), and no target can be met by infinity. The model
# config says so for every float; the alias says it where the figures are.
Figure = Annotated[float, Field(allow_inf_nan=False)]


class Model(BaseModel):
    # extra="forbid" so that a typo in a user's template file is named, not silently dropped.
    # allow_inf_nan=False: no float of ours is ever inf or NaN (see Figure).
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


# --- scales and templates ---------------------------------------------------------------------


class ScaleLevel(Model):
    value: Annotated[int, Field(ge=0, le=10)]
    name: NonBlank
    description: NonBlank


class MaturityScale(Model):
    id: Key
    name: NonBlank
    description: str = ""
    levels: Annotated[list[ScaleLevel], Field(min_length=2)]

    @model_validator(mode="after")
    def _levels_are_consecutive(self) -> Self:
        values = [level.value for level in self.levels]
        expected = list(range(values[0], values[0] + len(values)))
        if values != expected:
            raise ValueError(f"levels must be consecutive and ascending, got {values}")
        return self

    @property
    def lowest(self) -> int:
        return self.levels[0].value

    @property
    def highest(self) -> int:
        return self.levels[-1].value

    def level(self, value: int) -> ScaleLevel:
        return self.levels[value - self.lowest]


class TemplateDimension(Model):
    key: Key
    name: NonBlank
    group: str = ""
    weight: Weight = 3
    description: str = ""


class AssessmentTemplate(Model):
    id: Key
    name: NonBlank
    description: str = ""
    default_scale: Key
    dimensions: Annotated[list[TemplateDimension], Field(min_length=1)]

    @model_validator(mode="after")
    def _keys_are_unique(self) -> Self:
        seen: set[str] = set()
        for dimension in self.dimensions:
            if dimension.key in seen:
                raise ValueError(f"dimension key {dimension.key!r} appears twice")
            seen.add(dimension.key)
        return self


# --- the workshop -----------------------------------------------------------------------------


class WorkshopDraft(Model):
    """What a facilitator types to create a workshop."""

    title: NonBlank
    organisation: str = ""
    scope: str = ""
    facilitator: str = ""
    site_label: str = ""  # a site or team, for portfolios across sites (merge --label, or the app)
    template_id: NonBlank
    scale_id: Key
    anonymous: bool = False


class Workshop(WorkshopDraft):
    id: int
    cycle: CycleNumber = 1
    previous_id: int | None = None
    created_at: Moment
    updated_at: Moment
    current_step: StepNumber = 1

    @model_validator(mode="after")
    def _not_its_own_previous_cycle(self) -> Self:
        # A cycle that follows itself sends every walk of the chain round for ever (the KPI trend).
        if self.previous_id == self.id:
            raise ValueError("a workshop cannot be its own previous cycle")
        return self


class WorkshopRow(NamedTuple):
    """A workshop as the home list shows it: the fields of a Workshop that passed the domain's
    rules, and its next checkpoint due, without a model per row (a portfolio lists 10,000)."""

    id: int
    title: str
    organisation: str
    cycle: int
    current_step: int
    updated_at: datetime
    next_review: date | None  # the next checkpoint not yet held, due today or later


class Dimension(Model):
    id: int | None = None
    key: Key
    name: NonBlank
    group: str = ""
    weight: Weight = 3
    position: int = 0


class Participant(Model):
    id: int | None = None
    name: Annotated[NonBlank, Field(description="a name, or an alias in an anonymous workshop")]
    role: str = ""
    perspective: Perspective


class Score(Model):
    """One maturity score. No participant means the room's consensus (optionally one
    perspective's consensus); a participant's score carries that participant's perspective."""

    dimension_key: Key
    kind: ScoreKind
    value: int
    perspective: Perspective | None = None
    participant_id: int | None = None
    evidence: str = ""

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence.strip())


class ScoreRow(NamedTuple):
    """A score as read back for display: the same fields as Score, without a model per row
    (the live gap matrix re-reads 8,000 of them at 340 dimensions x 12 people)."""

    dimension_key: str
    kind: ScoreKind
    value: int
    perspective: Perspective | None
    participant_id: int | None
    evidence: str

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence.strip())


class StepAnswer(Model):
    step: StepNumber
    field: str
    value: str

    @model_validator(mode="after")
    def _field_belongs_to_step(self) -> Self:
        known = step_field_keys(self.step)
        if self.field not in known:
            raise ValueError(
                f"step {self.step} has no field {self.field!r} (it has {', '.join(known)})"
            )
        return self


class RegisterItem(Model):
    """One row of the CSI register (service improvement plan)."""

    id: int | None = None
    number: int | None = None
    raised_on: Day
    raised_by: str = ""
    description: NonBlank
    justification: str = ""
    priority: Annotated[int, Field(ge=1, le=5)] = 3
    size: Size = Size.MEDIUM
    timescale: str = ""
    owner: str = ""
    due_on: Day | None = None
    status: RegisterStatus = RegisterStatus.NEW
    closure: Closure | None = None
    achieved_outcome: Outcome | None = None
    framework: Framework = Framework.ITIL
    baseline_value: str = ""
    target_value: str = ""
    review_on: Day | None = None
    dimension_keys: list[Key] = []
    kpi_ids: list[int] = []
    # Set when the next cycle took the item over: this copy stays as history, the later cycle's
    # is the live one, so this one is left out of every count (domain/cycle.py, is_open).
    carried_to_cycle: Annotated[int, Field(ge=2, le=1000)] | None = None

    @model_validator(mode="after")
    def _dates_and_closure_agree(self) -> Self:
        if self.due_on is not None and self.due_on < self.raised_on:
            raise ValueError(
                f"the due date {self.due_on} is before the raised date {self.raised_on}"
            )
        finished = self.status.finished
        if self.closure is not None and not finished:
            raise ValueError("a closure code is given only when the item is closed or cancelled")
        return self


class Kpi(Model):
    id: int | None = None
    name: NonBlank
    unit: str = ""
    direction: Direction = Direction.HIGHER
    baseline: Figure | None = None
    short_target: Figure | None = None
    short_target_on: Day | None = None
    long_target: Figure | None = None
    long_target_on: Day | None = None
    measurable: bool = True
    source: str = ""
    dimension_key: Key | None = None


class Measurement(Model):
    id: int | None = None
    kpi_id: int
    measured_at: Moment
    value: Figure
    note: str = ""


class Checkpoint(Model):
    """A review date of the improvement programme (step 5: did we get there?)."""

    id: int | None = None
    due_on: Day
    held_on: Day | None = None
    went_well: str = ""
    went_wrong: str = ""


class ChangeLogEntry(Model):
    id: int
    workshop_id: int
    at: Moment
    entity: str
    entity_id: str
    field: str
    old_value: str | None
    new_value: str | None


def check_score(score: Score, scale: MaturityScale, dimension_keys: set[str]) -> None:
    """Refuse a score that does not fit its workshop: unknown dimension or off the scale."""
    if score.dimension_key not in dimension_keys:
        raise InvalidInput(f"unknown dimension {score.dimension_key!r} for this workshop")
    if not scale.lowest <= score.value <= scale.highest:
        raise InvalidInput(
            f"score {score.value} is outside the {scale.name} scale "
            f"({scale.lowest}-{scale.highest})"
        )


_KINDS = frozenset(kind.value for kind in ScoreKind)
_PERSPECTIVES = frozenset(perspective.value for perspective in Perspective)


def score_row_problem(value: object, kind: object, perspective: object, evidence: object,
                      scale: MaturityScale) -> str | None:
    """What is wrong with a stored score's own fields, or None: the rules of Score and
    check_score, checked without building a model (the live gap matrix re-reads thousands of
    scores; see ScoreRow). The links (dimension, participant) are the store's to check."""
    if type(value) is not int:  # noqa: E721 - bool and float are not scores; SQLite gives int, float, str, bytes
        return f"value {value!r} is not a whole number"
    if not scale.lowest <= value <= scale.highest:
        return f"value {value} is outside the {scale.name} scale ({scale.lowest}-{scale.highest})"
    if kind not in _KINDS:
        return f"kind {kind!r} is not one of {', '.join(sorted(_KINDS))}"
    if perspective is not None and perspective not in _PERSPECTIVES:
        return f"perspective {perspective!r} is not one of {', '.join(sorted(_PERSPECTIVES))}"
    if not isinstance(evidence, str):
        return "evidence is not text"
    return None
