"""Where a screen asks to go. Screens post these; the app routes them (app.py, "Routing"), so no
screen imports another screen or the app, and which screen follows which lives in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from textual.message import Message

if TYPE_CHECKING:  # annotations only: the step screen paints before the models load
    from csi_tui.domain.vocabulary import ScoreKind
    from csi_tui.domain.models import Workshop, WorkshopRow
    from csi_tui.store.read_model import WorkshopSnapshot


@dataclass
class OpenStep(Message):
    workshop_id: int
    step: int


@dataclass
class OpenClosing(Message):
    workshop_id: int


@dataclass
class OpenRegister(Message):
    workshop_id: int


@dataclass
class OpenKpis(Message):
    workshop_id: int


@dataclass
class OpenCheckpoints(Message):
    workshop_id: int


@dataclass
class OpenRoom(Message):
    """The room for a scoring step: phones join and score `kind` blind."""

    workshop_id: int
    kind: ScoreKind


@dataclass
class OpenPresent(Message):
    snapshot: WorkshopSnapshot


@dataclass
class OpenHome(Message):
    """Back to the list of workshops."""


@dataclass
class AskExport(Message):
    """The export dialog for a workshop, then the export."""

    workshop: Workshop | WorkshopRow  # a step's workshop, or a row of the home list


@dataclass
class TimeboxChosen(Message):
    """The facilitator set a step's timebox: the app remembers it for the next start."""

    step: int
    minutes: int


# A step's side panel: the facilitator's prompts, the gap matrix (steps 2-4), or neither.
SidePanel = Literal["guidance", "gaps", "none"]


@dataclass
class SidePanelChosen(Message):
    """The facilitator showed or hid a step's side panel (f1, f2): the app opens the next step
    the same way, for this sitting."""

    panel: SidePanel
