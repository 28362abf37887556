"""Storage: one SQLite file per facilitator's set of workshops. Imports no Textual.

Import from the submodules (the store is csi_tui.store.workshop_store). This package imports
nothing itself: `csi-tui open` checks the file and paints with store/opening.py alone, before the
store and its pydantic models load.
"""
