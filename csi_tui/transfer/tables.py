"""`export --format csv`: one CSV file per table, for spreadsheets.

Encoding: UTF-8 with a byte-order mark, comma-separated, CRLF line ends (RFC 4180). The mark is
what makes Excel read UTF-8 rather than the local code page; LibreOffice and pandas
(`encoding="utf-8-sig"`) read it too. Numbers use a decimal point.

Text a person typed is defused against formula injection: a cell that starts with = + - @, a tab
or a carriage return gets a leading apostrophe, so a spreadsheet shows it as text and never runs
it. Numbers the app computed are written as numbers and left alone.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from enum import Enum
from collections.abc import Iterable, Sequence
from pathlib import Path

from csi_tui.domain.clock import stamp
from csi_tui.domain.steps import step
from csi_tui.transfer.formats import CSV_TABLES
from csi_tui.transfer.outputs import refuse_folder, write_folder
from csi_tui.store.workshop_store import WorkshopStore

ENCODING = "utf-8-sig"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TABLES = CSV_TABLES  # named in the format registry, which must not load this module's store


def defuse(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return stamp(value)  # UTC, to the second, with Z: as every time csi-tui writes
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    if isinstance(value, Enum):
        return value.value  # its stored text
    return defuse(value)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]],
             context: Sequence[tuple[str, object]] = ()) -> str:
    """The table as CSV; `context`: (column, value) pairs that open every row (the workshop)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # excel dialect: quotes what needs it, CRLF line ends
    writer.writerow([name for name, _ in context] + list(header))
    lead = [_cell(value) for _, value in context]
    writer.writerows(lead + [_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


# The columns every table opens with, named as in the analysis views (docs/schema.md), so that
# the tables of many workshops can be stacked and still say which workshop, site and cycle.
def workshop_context(store: WorkshopStore, workshop_id: int) -> list[tuple[str, object]]:
    workshop = store.workshop(workshop_id)
    return [("workshop_id", workshop.id), ("workshop", workshop.title), ("organisation", workshop.organisation),
            ("cycle", workshop.cycle), ("scope", workshop.scope), ("site_label", workshop.site_label),
            ("facilitator", workshop.facilitator), ("previous_workshop_id", workshop.previous_id),
            ("created_at", workshop.created_at), ("updated_at", workshop.updated_at),
            ("source_file", store.source_file(workshop_id))]


def workshop_tables(store: WorkshopStore, workshop_id: int) -> dict[str, str]:
    """Each table's CSV text, read in one transaction."""
    with store.db.reading():
        snapshot = store.snapshot(workshop_id)
        measurements = {kpi.id: store.measurements(kpi.id or 0, workshop_id) for kpi in snapshot.kpis}
        context = workshop_context(store, workshop_id)
    people = {p.id: p for p in snapshot.participants}
    kpi_names = {kpi.id: kpi.name for kpi in snapshot.kpis}
    labels = {(s.number, f.key): f.label for s in map(step, range(1, 7)) for f in s.fields}
    order = {key: position for position, key in enumerate(labels)}  # as the step screen shows them
    return {
        "answers": csv_text(
            ["step", "question", "field", "label", "answer"],
            [(number, step(number).question, key, labels.get((number, key), key), value)
             for number, fields in sorted(snapshot.answers.items())
             for key, value in sorted(fields.items(), key=lambda kv: order.get((number, kv[0]), len(order)))],
            context,
        ),
        "scores": csv_text(
            ["dimension", "kind", "value", "voice", "perspective", "participant", "evidence"],
            [(s.dimension_key, s.kind, s.value,
              "room" if s.participant_id is None and s.perspective is None
              else "participant" if s.participant_id is not None else "perspective",
              s.perspective, people[s.participant_id].name if s.participant_id in people else None, s.evidence)
             for s in snapshot.scores],
            context,
        ),
        "gap_matrix": csv_text(
            ["rank", "dimension_key", "dimension", "group", "weight", "current", "target", "gap",
             "weighted_gap", "spread", "perception_gap", "covered_by"],
            [(r.rank, r.key, r.name, r.group, r.weight, r.current, r.target, r.gap, r.weighted_gap, r.spread,
              r.perception_gap, ", ".join(r.covered_by)) for r in sorted(snapshot.gap_rows(), key=lambda r: r.rank)],
            context,
        ),
        "participants": csv_text(
            ["id", "name", "role", "perspective"],
            [(p.id, p.name, p.role, p.perspective) for p in snapshot.participants],
            context,
        ),
        "register": csv_text(
            ["number", "raised_on", "raised_by", "description", "justification", "priority", "size", "timescale",
             "owner", "due_on", "status", "closure", "achieved_outcome", "framework", "baseline_value",
             "target_value", "review_on", "dimensions", "kpis", "carried_to_cycle"],
            # A carried item stays listed (this cycle's history) with the cycle it went to: a
            # count of this cycle's items leaves out the rows where carried_to_cycle is set.
            [(i.number, i.raised_on, i.raised_by, i.description, i.justification, i.priority, i.size, i.timescale,
              i.owner, i.due_on, i.status, i.closure, i.achieved_outcome, i.framework, i.baseline_value,
              i.target_value, i.review_on, ", ".join(i.dimension_keys),
              ", ".join(kpi_names.get(k, "") for k in i.kpi_ids), i.carried_to_cycle)
             for i in snapshot.register_items],
            context,
        ),
        "kpis": csv_text(
            ["id", "name", "unit", "direction", "baseline", "short_target", "short_target_on", "long_target",
             "long_target_on", "measurable", "source", "dimension", "latest", "status"],
            [(k.id, k.name, k.unit, k.direction, k.baseline, k.short_target, k.short_target_on, k.long_target,
              k.long_target_on, k.measurable, k.source, k.dimension_key, review.latest, review.status)
             for k, review in zip(snapshot.kpis, snapshot.kpi_reviews, strict=True)],
            context,
        ),
        "measurements": csv_text(
            ["kpi_id", "kpi", "measured_at", "value", "note"],
            [(m.kpi_id, kpi_names[m.kpi_id], m.measured_at, m.value, m.note)
             for kpi in snapshot.kpis for m in measurements[kpi.id]],
            context,
        ),
    }


def table_files(directory: Path) -> list[Path]:
    """The files a CSV export writes into ``directory``."""
    return [directory / f"{name}.csv" for name in TABLES]


def export_csv(store: WorkshopStore, workshop_id: int, directory: Path, force: bool = False) -> list[Path]:
    """Write the tables into ``directory`` (made if need be, its parent must exist). Refuses to
    replace an earlier export unless forced, and a folder holding anything else at all. The folder
    is built beside and swapped in whole (transfer/outputs.py): a failure or a kill half-way never
    leaves old tables mixed with new ones. Returns the files written."""
    targets = table_files(directory)
    refuse_folder(directory, [target.name for target in targets], force, store.files())
    tables = workshop_tables(store, workshop_id)  # read everything before writing anything
    write_folder(directory, {target.name: tables[target.stem].encode(ENCODING) for target in targets})
    return targets


def write_csv(store: WorkshopStore, workshop_id: int, directory: Path, *, force: bool = False) -> str:
    """The format registry's writer for csv: the tables, and the line to tell the person who asked."""
    files = export_csv(store, workshop_id, directory, force=force)
    return f"{len(files)} CSV files (UTF-8 with BOM) written to {directory}"
