"""Storage: one SQLite file per facilitator's set of workshops. Imports no Textual.

The names below load on first use (PEP 562): `csi-tui open` checks the file and paints with
store/opening.py alone, before the store and its pydantic models are imported.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csi_tui.store.workshop_store import WorkshopSnapshot, WorkshopStore, open_store
    from csi_tui.store.write_queue import WriteQueue

_HOMES = {
    "WorkshopSnapshot": "csi_tui.store.workshop_store",
    "WorkshopStore": "csi_tui.store.workshop_store",
    "open_store": "csi_tui.store.workshop_store",
    "WriteQueue": "csi_tui.store.write_queue",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
