"""Storage: one SQLite file per facilitator's set of workshops. Imports no Textual."""

from csi_tui.store.workshop_store import WorkshopSnapshot, WorkshopStore, connect, open_store, utc_now
from csi_tui.store.write_queue import WriteQueue

__all__ = ["WorkshopSnapshot", "WorkshopStore", "WriteQueue", "connect", "open_store", "utc_now"]
