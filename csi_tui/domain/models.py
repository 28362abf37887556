"""The workshop's domain, as pydantic models. No Textual here: the store, the exports and the
command line use these as they are.

Validation messages are written for a facilitator, not a programmer: they say what is wrong with
the value in the words of the workshop ("must not be blank", "is before the raised date").
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, NamedTuple, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from csi_tui.domain.errors import InvalidInput
from csi_tui.domain.steps import step_field_keys
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
    if not value:
        raise ValueError("must not be blank")
    return value


def _is_key(value: str) -> str:
    if not _KEY.match(value):
        raise ValueError(
            f"{value!r} is not a valid key (lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit)"
        )
    return value


NonBlank = Annotated[str, AfterValidator(_not_blank)]
Key = Annotated[str, AfterValidator(_is_key)]
Weight = Annotated[int, Field(ge=1, le=5)]
StepNumber = Annotated[int, Field(ge=1, le=6)]


class Model(BaseModel):
    # extra="forbid" so that a typo in a user's template file is named, not silently dropped.
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


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
    template_id: NonBlank
    scale_id: Key
    anonymous: bool = False


class Workshop(WorkshopDraft):
    id: int
    cycle: Annotated[int, Field(ge=1)] = 1
    previous_id: int | None = None
    created_at: datetime
    updated_at: datetime
    current_step: StepNumber = 1


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
    raised_on: date
    raised_by: str = ""
    description: NonBlank
    justification: str = ""
    priority: Annotated[int, Field(ge=1, le=5)] = 3
    size: Size = Size.MEDIUM
    timescale: str = ""
    owner: str = ""
    due_on: date | None = None
    status: RegisterStatus = RegisterStatus.NEW
    closure: Closure | None = None
    achieved_outcome: Outcome | None = None
    framework: Framework = Framework.ITIL
    baseline_value: str = ""
    target_value: str = ""
    review_on: date | None = None
    dimension_keys: list[Key] = []
    kpi_ids: list[int] = []

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
    baseline: float | None = None
    short_target: float | None = None
    short_target_on: date | None = None
    long_target: float | None = None
    long_target_on: date | None = None
    measurable: bool = True
    source: str = ""
    dimension_key: Key | None = None


class Measurement(Model):
    id: int | None = None
    kpi_id: int
    measured_at: datetime
    value: float
    note: str = ""


class Checkpoint(Model):
    """A review date of the improvement programme (step 5: did we get there?)."""

    id: int | None = None
    due_on: date
    held_on: date | None = None
    went_well: str = ""
    went_wrong: str = ""


class ChangeLogEntry(Model):
    id: int
    workshop_id: int
    at: datetime
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

