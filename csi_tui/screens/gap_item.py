"""`i` on a gap row (the step screens' gap panel and the closing screen): the register item
dialog, prefilled from the dimension and its gap, and saying first when the gap is already
covered or there is none. Nothing is raised until the facilitator saves: one key once raised
duplicates on covered gaps and "from 3 to 3" items on met targets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from csi_tui.domain.gap import GapRow
from csi_tui.domain.models import RegisterItem
from csi_tui.domain.register import gap_note, item_for_gap
from csi_tui.screens.register_item_dialog import RegisterItemDialog
from csi_tui.screens.step import raised

if TYPE_CHECKING:
    from csi_tui.screens.workshop_screen import WorkshopScreen


def ask_item_for_gap(screen: WorkshopScreen, row: GapRow) -> None:
    """Open the dialog over `screen`; on save, raise the item through the session."""
    snapshot = screen.snapshot
    if snapshot is None:
        return
    draft = item_for_gap(row, screen.session.clock().date(), snapshot.workshop.facilitator)

    def chosen(fields: dict[str, Any] | None) -> None:
        if fields is not None:
            item = RegisterItem.model_validate({**draft.model_dump(), **fields})
            screen.write(screen.session.raise_item(screen.workshop_id, item), raised)

    screen.app.push_screen(RegisterItemDialog(draft, snapshot.dimensions, snapshot.kpis,
                                              f"New register item for {row.name}", note=gap_note(row)), chosen)
