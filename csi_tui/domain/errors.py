"""Errors a facilitator may see: each carries one line that says what is wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

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


def explain(error: ValidationError, prefix: str = "") -> str:
    """One line naming each bad field and its problem, in the facilitator's words."""
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "value"
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return prefix + "; ".join(parts)
