"""Migration m0005: a portfolio that holds at scale (issue 17). Kept beside schema.py, which
lists it among the steps, so that each module stays small.

- `gap_row`: the gap matrix kept up to date on every write (store/gap_rows.py), backfilled here
  for the workshops already in the file.
- `workshop.site_label`: a site or team label, set by `csi-tui merge --label` and in the app.
- Indexes so the views filtered to one workshop answer from indexes: the gap rows by workshop,
  the KPIs by workshop (the register has its (workshop_id, number) key already); and for
  questions across the portfolio (the Datasette canned queries, data/datasette/metadata.json):
  gap rows by weighted gap, register item links by dimension.
- The three views dropped and created again (store/portfolio_views.py): they read the table,
  and carry the workshop's scope, label, facilitator, previous cycle, dates and source file.
"""

from __future__ import annotations

from csi_tui.store import gap_rows
from csi_tui.store.gap_rows import Executes
from csi_tui.store.portfolio_views import GAP_MATRIX_VIEW_V5, KPI_STATUS_VIEW_V5, REGISTER_VIEW_V5


def m0005_portfolio(db: Executes) -> None:
    """Gap rows kept up to date, a site/team label, indexes for one workshop, views that read them."""
    db.execute("ALTER TABLE workshop ADD COLUMN site_label TEXT NOT NULL DEFAULT ''")
    db.execute(gap_rows.GAP_ROW_TABLE)
    db.execute(gap_rows.GAP_ROW_INDEX)
    db.execute("CREATE INDEX kpi_workshop ON kpi (workshop_id)")
    # Across a portfolio: the largest weighted gaps first, and whether an item addresses a dimension.
    db.execute("CREATE INDEX gap_row_weighted ON gap_row (weighted_gap)")
    db.execute("CREATE INDEX register_item_dimension_dimension ON register_item_dimension (dimension_id)")
    gap_rows.refresh(db)  # every workshop already in the file
    for view in ("gap_matrix", "register_overview", "kpi_status"):
        db.execute(f"DROP VIEW IF EXISTS {view}")
    for view in (GAP_MATRIX_VIEW_V5, REGISTER_VIEW_V5, KPI_STATUS_VIEW_V5):
        db.execute(view)
