"""The workshop's fixed vocabularies: perspectives, score kinds, register statuses, KPI
directions, verdicts. Plain enums with no pydantic, so screens can name them before the models
load (docs/performance.md); models.py and cycle.py use them from here."""

from __future__ import annotations

from enum import StrEnum


class Perspective(StrEnum):
    """Whose view a score gives, after the Service Gap model: the customer's or the provider's."""

    BUSINESS = "business"
    IT = "it"


class ScoreKind(StrEnum):
    CURRENT = "current"  # step 2: where are we now?
    TARGET = "target"  # step 3: where do we want to be?


class RegisterStatus(StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    APPROVED = "approved"
    IN_PROGRESS = "in progress"
    ON_HOLD = "on hold"
    MONITORING = "monitoring"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """Closed or cancelled: no more work on it, and it no longer covers a gap or counts as open."""
        return self in (RegisterStatus.CLOSED, RegisterStatus.CANCELLED)


class Closure(StrEnum):
    SUCCESSFUL = "successful"
    UNSUCCESSFUL = "unsuccessful"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    COST_REDUCTION = "cost reduction"
    TIME_SAVINGS = "time savings"
    CUSTOMER_SATISFACTION = "customer satisfaction"
    QUALITY_IMPROVEMENT = "quality improvement"
    REVENUE = "revenue"


class Size(StrEnum):
    SMALL = "S"
    MEDIUM = "M"
    LARGE = "L"
    EXTRA_LARGE = "XL"


class Framework(StrEnum):
    ITIL = "ITIL"
    DEVOPS = "DevOps"
    COBIT = "COBIT"
    LEAN = "Lean"
    OTHER = "other"


class Direction(StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"  # lower is better


class Achievement(StrEnum):
    ACHIEVED = "achieved"
    PARTLY = "partly"
    MISSED = "missed"
