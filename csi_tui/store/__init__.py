"""Storage: one SQLite file per facilitator's set of workshops. Imports no Textual."""

from csi_tui.store.workshop_store import WorkshopStore, connect, open_store, utc_now

__all__ = ["WorkshopStore", "connect", "open_store", "utc_now"]
