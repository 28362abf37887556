"""Many generated session files, as facilitators would hand them to an analyst: each one a
standalone `export --format db` file holding one workshop. For the merge benchmark and tests.

One session is built through the store and exported; the rest are byte copies with their
workshop row made distinct (title, organisation, times), which is what makes a different
workshop to the merge, at a fraction of the cost of building each one.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from csi_tui.transfer.files import export_database
from csi_tui.domain.models import Participant, Perspective, Score, ScoreKind, WorkshopDraft
from csi_tui.store.workshop_store import open_store
from csi_tui.templates import load_scale, load_template

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def base_session(folder: Path, template: str = "itil4-practices", participants: int = 6) -> Path:
    """One realistic session file: every participant scores every dimension, current and target."""
    chosen, scale = load_template(template), load_scale("itil4-capability")
    with open_store(folder / "source.db", clock=lambda: START) as store:
        draft = WorkshopDraft(title="Session", organisation="Org", facilitator="Ann", template_id=chosen.id,
                              scale_id=scale.id)
        workshop_id = store.create_workshop(draft, chosen, scale).id
        people = [store.add_participant(workshop_id, Participant(
            name=f"Person {n}", perspective=Perspective.BUSINESS if n % 2 else Perspective.IT)).id
            for n in range(participants)]
        with store.db.atomic():
            for d, dimension in enumerate(chosen.dimensions):
                for p, person in enumerate(people):
                    current = 1 + (d + p) % 4
                    store.save_score(workshop_id, Score(dimension_key=dimension.key, kind=ScoreKind.CURRENT,
                                                        value=current, participant_id=person, evidence="survey"))
                    store.save_score(workshop_id, Score(dimension_key=dimension.key, kind=ScoreKind.TARGET,
                                                        value=min(current + 1, 5), participant_id=person))
            store.save_answer(workshop_id, 1, "vision", "Faster fixes")
        base = folder / "base.db"
        export_database(store, workshop_id, base)
    (folder / "source.db").unlink()
    for extra in folder.glob("source.db-*"):
        extra.unlink()
    return base


def generate_sessions(folder: Path, count: int, template: str = "itil4-practices",
                      participants: int = 6) -> list[Path]:
    """``count`` distinct session files in ``folder``, named session-0000.db and on."""
    folder.mkdir(parents=True, exist_ok=True)
    base = base_session(folder, template, participants)
    files = []
    for n in range(count):
        target = folder / f"session-{n:04d}.db"
        shutil.copyfile(base, target)
        moment = (START + timedelta(hours=n)).isoformat()
        with sqlite3.connect(target) as conn:
            conn.execute("UPDATE workshop SET title = ?, organisation = ?, created_at = ?, updated_at = ?",
                         [f"Session {n}", f"Team {n % 17}", moment, moment])
        conn.close()
        files.append(target)
    base.unlink()
    return files
