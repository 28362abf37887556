"""Many session files into one portfolio file for analysis.

Each source is checked read-only (the same refusals as opening a file, though an analyst's own
views and full-text tables are welcome, in the sources and in the portfolio), attached read-only
(nothing created or changed beside it: see store/guard.reading), and copied
table by table with INSERT ... SELECT in SQLite itself, ids moved past those already in the
portfolio, so a thousand files merge about as fast as SQLite can copy them. Each file is its own
transaction: a bad file is rolled back, reported and skipped, and an interrupted merge keeps every
file it finished (running it again skips those as duplicates).

Before anything of a source is copied, inside its transaction, every row of it is checked against
the domain's rules by SQL that mirrors the models (store/row_rules.py): a file with one row the app
would refuse (a score of 99, a weight of 9, a link to another workshop's KPI) is skipped whole, with
one line naming the table, the row and the rule, so nothing in a portfolio fails to list or open.

A workshop is recognised by its fingerprint: a hash of its own row without ids. `updated_at`
moves with every change csi-tui makes, so two files holding the same workshop at the same moment
share a fingerprint, while a later export of an edited workshop does not.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

from csi_tui.domain.clock import stamp, utc_now
from csi_tui.domain.errors import CsiError
from csi_tui.store import gap_rows, guard, row_rules
from csi_tui.store.opening import PRAGMAS, open_file
from csi_tui.store.schema import carried_guess

IDENTITY = ("title", "organisation", "scope", "facilitator", "template_id", "scale_id", "anonymous",
            "cycle", "current_step", "created_at", "updated_at")


class MergeOutcome(StrEnum):
    MERGED = "merged"
    DUPLICATE = "duplicate"  # every workshop in it was in the portfolio already
    REFUSED = "refused"


@dataclass(frozen=True)
class FileResult:
    path: Path
    outcome: MergeOutcome
    merged: int = 0
    duplicates: int = 0
    reason: str = ""


@dataclass
class MergeReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def merged(self) -> int:
        return sum(result.merged for result in self.files)

    @property
    def duplicates(self) -> int:
        return sum(result.duplicates for result in self.files)

    @property
    def refused(self) -> list[FileResult]:
        return [result for result in self.files if result.outcome is MergeOutcome.REFUSED]


Progress = Callable[[FileResult], None]


def fingerprint(row: Iterable[object]) -> str:
    return hashlib.sha256("\x1f".join("" if v is None else str(v) for v in row).encode()).hexdigest()


# (target table and columns, SELECT from the attached source). {table} placeholders are this
# file's id offsets; only rows of workshops in temp.merge_map (new to the portfolio) are copied.
# Parents come before their children, so the foreign keys hold at every statement.
_COPIES: list[tuple[str, str]] = [
    ("scale_level (workshop_id, value, name, description)",
     "SELECT m.new_id, s.value, s.name, s.description FROM src.scale_level s "
     "JOIN temp.merge_map m ON m.old_id = s.workshop_id"),
    ("dimension (id, workshop_id, key, name, group_name, weight, position)",
     "SELECT s.id + {dimension}, m.new_id, s.key, s.name, s.group_name, s.weight, s.position "
     "FROM src.dimension s JOIN temp.merge_map m ON m.old_id = s.workshop_id"),
    ("participant (id, workshop_id, name, role, perspective)",
     "SELECT s.id + {participant}, m.new_id, s.name, s.role, s.perspective FROM src.participant s "
     "JOIN temp.merge_map m ON m.old_id = s.workshop_id"),
    ("score (id, workshop_id, dimension_id, kind, value, perspective, participant_id, evidence, updated_at)",
     "SELECT s.id + {score}, m.new_id, s.dimension_id + {dimension}, s.kind, s.value, s.perspective, "
     "s.participant_id + {participant}, s.evidence, s.updated_at FROM src.score s "
     "JOIN temp.merge_map m ON m.old_id = s.workshop_id"),
    ("answer (workshop_id, step, field, value, updated_at)",
     "SELECT m.new_id, s.step, s.field, s.value, s.updated_at FROM src.answer s "
     "JOIN temp.merge_map m ON m.old_id = s.workshop_id"),
    ("kpi (id, workshop_id, name, unit, direction, baseline, short_target, short_target_on, long_target, "
     "long_target_on, measurable, source, dimension_id)",
     "SELECT s.id + {kpi}, m.new_id, s.name, s.unit, s.direction, s.baseline, s.short_target, "
     "s.short_target_on, s.long_target, s.long_target_on, s.measurable, s.source, "
     "s.dimension_id + {dimension} FROM src.kpi s JOIN temp.merge_map m ON m.old_id = s.workshop_id"),
    ("measurement (id, kpi_id, measured_at, value, note)",
     "SELECT s.id + {measurement}, s.kpi_id + {kpi}, s.measured_at, s.value, s.note FROM src.measurement s "
     "JOIN src.kpi k ON k.id = s.kpi_id JOIN temp.merge_map m ON m.old_id = k.workshop_id"),
    ("register_item (id, workshop_id, number, raised_on, raised_by, description, justification, priority, "
     "size, timescale, owner, due_on, status, closure, achieved_outcome, framework, baseline_value, "
     "target_value, review_on)",
     "SELECT s.id + {register_item}, m.new_id, s.number, s.raised_on, s.raised_by, s.description, "
     "s.justification, s.priority, s.size, s.timescale, s.owner, s.due_on, s.status, s.closure, "
     "s.achieved_outcome, s.framework, s.baseline_value, s.target_value, s.review_on "
     "FROM src.register_item s JOIN temp.merge_map m ON m.old_id = s.workshop_id"),
    ("register_item_dimension (item_id, dimension_id)",
     "SELECT s.item_id + {register_item}, s.dimension_id + {dimension} FROM src.register_item_dimension s "
     "JOIN src.register_item r ON r.id = s.item_id JOIN temp.merge_map m ON m.old_id = r.workshop_id"),
    ("register_item_kpi (item_id, kpi_id)",
     "SELECT s.item_id + {register_item}, s.kpi_id + {kpi} FROM src.register_item_kpi s "
     "JOIN src.register_item r ON r.id = s.item_id JOIN temp.merge_map m ON m.old_id = r.workshop_id"),
    # Entity ids in the log stay as the source file wrote them; workshop_source names that file.
    ("change_log (workshop_id, at, entity, entity_id, field, old_value, new_value)",
     "SELECT m.new_id, s.at, s.entity, s.entity_id, s.field, s.old_value, s.new_value FROM src.change_log s "
     "JOIN temp.merge_map m ON m.old_id = s.workshop_id ORDER BY s.id"),
]
_CHECKPOINTS = (
    "checkpoint (id, workshop_id, due_on, held_on, went_well, went_wrong)",
    "SELECT s.id + {checkpoint}, m.new_id, s.due_on, s.held_on, s.went_well, s.went_wrong "
    "FROM src.checkpoint s JOIN temp.merge_map m ON m.old_id = s.workshop_id",
)
# Items a later cycle carried on (history, left out of the counts). A source made before m0004
# holds no such marks but both copies open: the marks are found the way m0004 finds them in place.
_CARRIED = (
    "register_item_carried (item_id, to_cycle)",
    "SELECT s.item_id + {register_item}, s.to_cycle FROM src.register_item_carried s "
    "JOIN src.register_item r ON r.id = s.item_id JOIN temp.merge_map m ON m.old_id = r.workshop_id",
)
_CARRIED_GUESSED = (
    "register_item_carried (item_id, to_cycle)",
    "SELECT id + {register_item}, guess FROM (SELECT r.id, " + carried_guess("src").replace("{", "{{").replace("}", "}}")
    + " AS guess FROM src.register_item r JOIN temp.merge_map m ON m.old_id = r.workshop_id) WHERE guess IS NOT NULL",
)
_ID_TABLES = ("dimension", "participant", "score", "kpi", "measurement", "register_item", "checkpoint")


class Portfolio:
    """An open portfolio file being merged into. Use as a context manager."""

    def __init__(self, path: Path, label: str | None = None) -> None:
        # The guard, creation and migrations, as for any file we write; a foreign trigger is still
        # refused, but an analyst's views may stay (this is their file; trusted_schema=OFF).
        open_file(path, allow_views=True).close()
        self.path = path
        self.label = label  # the site or team label given to every workshop merged now (None: the source's)
        self.conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}", uri=True, isolation_level=None)
        for pragma in PRAGMAS:
            self.conn.execute(pragma)
        row_rules.register_functions(self.conn)  # the domain's own checks, for each source's rows
        self.conn.execute("CREATE TEMP TABLE merge_map (old_id INTEGER PRIMARY KEY, new_id INTEGER NOT NULL)")
        columns = ", ".join(IDENTITY)
        self.known: dict[str, int] = {
            fingerprint(row[1:]): row[0] for row in self.conn.execute(f"SELECT id, {columns} FROM workshop")
        }

    def __enter__(self) -> Portfolio:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()

    def merge_file(self, source: Path) -> FileResult:
        try:
            # Checked, then attached through the URI that reads it without creating anything
            # beside it (a private copy when it must be, removed when this block ends).
            with guard.reading(source) as reading:
                return self._merge_attached(source, reading)
        except CsiError as error:
            return FileResult(source, MergeOutcome.REFUSED, reason=str(error))

    def _merge_attached(self, source: Path, reading: guard.Reading) -> FileResult:
        applied = reading.applied
        conn = self.conn
        conn.execute("ATTACH DATABASE ? AS src", [reading.uri])
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                # Every row of the source keeps the domain's rules, or none of the file is copied:
                # a portfolio of 1,980 workshops must not fail to list for one score of 99.
                tables = {name for (name,) in conn.execute("SELECT name FROM src.sqlite_master WHERE type = 'table'")}
                tables |= {f"workshop.{name}" for (name,) in conn.execute(
                    "SELECT name FROM pragma_table_info('workshop', 'src') WHERE name = 'site_label'")}
                broken = row_rules.first_broken_row(conn, "src", tables)
                if broken is not None:
                    conn.execute("ROLLBACK")
                    breaks = "break" if broken.row is None else "breaks"  # "its scale_level rows break"
                    return FileResult(source, MergeOutcome.REFUSED, reason=(
                        f"{source}: {broken.where()} {breaks} a rule: {broken.reason}; nothing of it was merged"))
                fresh, duplicates = self._copy(source, has_checkpoints="m0002_checkpoints" in applied,
                                               has_carried="m0004_carried_items" in applied,
                                               has_label="m0005_portfolio" in applied)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            return FileResult(source, MergeOutcome.REFUSED, reason=f"{source}: could not be merged ({error})")
        finally:
            conn.execute("DETACH DATABASE src")
        # Only after the commit: a rolled-back file must not leave its workshops looking merged.
        self.known.update(fresh)
        merged = len(fresh)
        if not merged:
            return FileResult(source, MergeOutcome.DUPLICATE, duplicates=duplicates)
        return FileResult(source, MergeOutcome.MERGED, merged=merged, duplicates=duplicates)

    def _copy(self, source: Path, has_checkpoints: bool, has_carried: bool,
              has_label: bool) -> tuple[list[tuple[str, int]], int]:
        conn = self.conn
        conn.execute("DELETE FROM temp.merge_map")
        (next_id,) = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM main.workshop").fetchone()
        columns = ", ".join(IDENTITY)
        rows = conn.execute(f"SELECT id, previous_id, {columns} FROM src.workshop ORDER BY cycle, id").fetchall()
        in_portfolio: dict[int, int] = {}  # source id -> portfolio id, merged now or before
        fresh: list[tuple[str, int]] = []
        for old_id, previous_id, *identity in rows:
            mark = fingerprint(identity)
            if mark in self.known:
                in_portfolio[old_id] = self.known[mark]
                continue
            new_id = next_id
            next_id += 1
            conn.execute(
                f"INSERT INTO main.workshop (id, previous_id, {columns}) SELECT ?, ?, {columns} "
                "FROM src.workshop WHERE id = ?",
                [new_id, in_portfolio.get(previous_id) if previous_id is not None else None, old_id],
            )
            conn.execute("INSERT INTO temp.merge_map VALUES (?, ?)", [old_id, new_id])
            in_portfolio[old_id] = new_id
            fresh.append((mark, new_id))
        if fresh:
            offsets = {table: conn.execute(f"SELECT coalesce(max(id), 0) FROM main.{table}").fetchone()[0]
                       for table in _ID_TABLES}
            extra = ([_CHECKPOINTS] if has_checkpoints else []) + [_CARRIED if has_carried else _CARRIED_GUESSED]
            for target, select in _COPIES + extra:
                conn.execute(f"INSERT INTO main.{target} {select.format(**offsets)}")
            if self.label is not None:
                conn.execute(f"UPDATE main.workshop SET site_label = ? WHERE id {gap_rows.MERGED}", [self.label])
            elif has_label:
                conn.execute("UPDATE main.workshop SET site_label = (SELECT s.site_label FROM src.workshop s JOIN temp.merge_map m "
                             f"ON m.old_id = s.id WHERE m.new_id = main.workshop.id) WHERE id {gap_rows.MERGED}")
            # Computed afresh from the copied scores (a source's own gap rows are never trusted).
            gap_rows.refresh(conn, gap_rows.MERGED)
            at = stamp(utc_now())
            conn.executemany("INSERT INTO main.workshop_source VALUES (?, ?, ?, ?)",
                             [(new_id, str(source), mark, at) for mark, new_id in fresh])
        return fresh, len(rows) - len(fresh)


def _same_file(source: Path, target: Path) -> bool:
    """Through symbolic links (both resolved) and hard links (samefile) alike."""
    try:
        if source.resolve() == target.resolve():
            return True
    except RuntimeError:  # a loop of links: no file at all, which opening the source will say
        return False
    try:
        return os.path.samefile(source, target)
    except OSError:
        return False


def merge_files(sources: Iterable[Path], target: Path, progress: Progress | None = None,
                label: str | None = None) -> MergeReport:
    """Merge every source into the target (created if need be); report each file's outcome.
    `label`: the site or team label of every workshop merged now (else each keeps the source's)."""
    report = MergeReport()
    with Portfolio(target, label=label) as portfolio:
        for source in sources:
            if _same_file(source, target):
                result = FileResult(source, MergeOutcome.REFUSED, reason=f"{source}: is the portfolio being merged into")
            else:
                result = portfolio.merge_file(source)
            report.files.append(result)
            if progress is not None:
                progress(result)
    return report
