"""Errors a facilitator may see: each carries one line that says what is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pydantic loads with the models, not before the first paint
    from pydantic import ValidationError


class CsiError(Exception):
    """Base of every error csi-tui reports to a person rather than a traceback."""


class InvalidInput(CsiError):
    """Data a person gave (a flag, a form field, a template file) that cannot be accepted."""


class FileRefused(CsiError):
    """A database file csi-tui will not open; the file has not been touched."""


class NotFound(CsiError):
    """An id that names nothing in this database."""


@dataclass(frozen=True)
class RefusedRow:
    """A row of a file that breaks a rule of the domain, as a read found it: left out of what is
    shown, listed, exported and merged, and named in one line so the file can be mended."""

    table: str
    row: object  # its id (or for an answer, step.field); None when the table has no id
    reason: str
    workshop_id: int | None = None

    def where(self) -> str:
        if self.row is None:  # a rule of several rows together (a scale's levels)
            row = f"its {self.table} rows" if self.workshop_id is not None else f"the {self.table} rows"
        else:
            row = f"{self.table} row {self.row}"
        if self.workshop_id is None or self.table == "workshop":
            return row
        return f"workshop {self.workshop_id}, {row}"

    def __str__(self) -> str:
        return f"{self.where()} refused: {self.reason}"


def describe_refused(rows: list[RefusedRow], shown: int = 3) -> str:
    """A few refused rows in one message (a notification), the rest counted."""
    lines = [str(row) for row in rows[:shown]]
    if len(rows) > shown:
        lines.append(f"and {len(rows) - shown} more")
    told = "1 row of this file breaks csi-tui's rules and is left out" if len(rows) == 1 else (
        f"{len(rows)} rows of this file break csi-tui's rules and are left out")
    return f"{told}:\n" + "\n".join(lines)


def explain_row(error: ValidationError) -> str:
    """explain(), quoting each bad value: a row read from a file is not on screen beside the
    message, as a form's field is ("weight 9: Input should be less than or equal to 5")."""
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if not where or item["type"] == "value_error":  # the domain's own messages quote the value
            parts.append(f"{where}: {message}" if where else message)
            continue
        shown = repr(item.get("input"))
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        parts.append(f"{where} {shown}: {message}")
    return "; ".join(parts)


# pydantic's own words for a field's type, said as a sentence about what was typed.
PLAIN_WORDS = {
    "float_parsing": "{input!r} is not a number",
    "float_type": "{input!r} is not a number",
    "int_parsing": "{input!r} is not a whole number",
    "int_type": "{input!r} is not a whole number",
    "int_from_float": "{input!r} is not a whole number",
    "finite_number": "{input!r} is not a finite number",
    "less_than_equal": "must be at most {le}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "greater_than": "must be more than {gt}",
    "string_too_long": "is longer than {max_length} characters",
    "missing": "is missing",
    "enum": "must be one of {expected}",
    "literal_error": "must be one of {expected}",
}


def plain_message(item: Mapping[str, Any]) -> str:
    """One error of a ValidationError as a sentence: the domain's own message as written (without
    pydantic's "Value error, "), pydantic's type messages in the facilitator's words."""
    if item["type"] == "value_error":
        return str(item["msg"]).removeprefix("Value error, ")
    words = PLAIN_WORDS.get(item["type"])
    if words is not None:
        try:
            return words.format(input=item.get("input"), **item.get("ctx", {}))
        except (KeyError, IndexError):
            pass
    return str(item["msg"]).replace("Input should be", "should be")


def explain(error: ValidationError, prefix: str = "", labels: Mapping[str, str] | None = None) -> str:
    """One line naming each bad field and its problem, in the facilitator's words. `labels` are
    the fields' names as a form shows them ("Due on"); without one a field is named by its key."""
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        if labels is not None:
            where = labels.get(where, where.replace("_", " "))
        message = plain_message(item)
        # A rule of the whole model (model_validator) has no field: its message names its own.
        parts.append(f"{where}: {message}" if where else message)
    return prefix + "; ".join(parts)
