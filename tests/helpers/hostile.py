"""A generated corpus of hostile inputs: workshop files and JSON documents that start valid (made
through the store and the JSON export) and are then broken the way another tool, a hand edit or
an attacker would break them. tests/test_hostile_files.py runs every one through the command
line and the app.

Each database case is one small function of a raw sqlite3 connection with CHECK constraints off
and foreign keys unenforced (what any other SQLite tool does by default), plus whether the case
breaks a rule of the domain (then csi-tui must name and refuse the bad row) or only looks odd and
must simply work.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from csi_tui.domain.models import Checkpoint, Kpi, Measurement, Participant, RegisterItem, Score, ScoreKind
from csi_tui.store.workshop_store import open_store
from csi_tui.transfer.files import export_json
from tests.conftest import create_workshop, fixed_clock

# The base file: workshop 1 (cycle 1, everything filled in), workshop 2 (its next cycle, linked
# by previous_id) and workshop 3 (another organisation's, the stranger rows are borrowed from).
FIRST, NEXT, STRANGER = 1, 2, 3
KEY = "partners-suppliers"


def make_base(path: Path) -> None:
    with open_store(path, clock=fixed_clock) as store:
        first = create_workshop(store, title="Service desk CSI")
        bea = store.add_participant(first, Participant(name="Bea", role="Sales", perspective="business"))
        ivo = store.add_participant(first, Participant(name="Ivo", perspective="it"))
        for voice, value in ((None, 2), (bea.id, 3), (ivo.id, 2)):
            store.save_score(first, Score(dimension_key=KEY, kind=ScoreKind.CURRENT, value=value,
                                          participant_id=voice, evidence="survey"))
        store.save_score(first, Score(dimension_key=KEY, kind=ScoreKind.TARGET, value=4))
        store.save_answer(first, 1, "vision", "Fewer repeat calls")
        store.save_answer(first, 2, "strengths", "A friendly desk")
        kpi = store.add_kpi(first, Kpi(name="FCR", unit="%", baseline=60, short_target=75, dimension_key=KEY))
        for month, value in ((1, 62), (2, 64)):
            store.add_measurement(first, Measurement(kpi_id=kpi.id, measured_at=datetime(2026, month, 1, tzinfo=UTC),
                                                     value=value))
        store.add_register_item(first, RegisterItem(raised_on=date(2026, 3, 1), description="Supplier review",
                                                    due_on=date(2026, 6, 30), dimension_keys=[KEY], kpi_ids=[kpi.id]))
        store.add_checkpoint(first, Checkpoint(due_on=date(2026, 6, 14), went_well="FCR up"))
        second = store.start_next_cycle(first).id
        store.save_score(second, Score(dimension_key=KEY, kind=ScoreKind.CURRENT, value=3))
        store.set_current_step(second, 2)
        stranger = create_workshop(store, title="Somebody else's")
        store.add_participant(stranger, Participant(name="Zed", perspective="it"))
        store.add_kpi(stranger, Kpi(name="Stranger KPI"))
        assert (first, second, stranger) == (FIRST, NEXT, STRANGER)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


Corrupt = Callable[[sqlite3.Connection], None]


@dataclass(frozen=True)
class DbCase:
    name: str
    corrupt: Corrupt
    refused: bool = True  # breaks a domain rule: named and refused (False: odd but valid)
    shown: int | None = FIRST  # a workshop that still opens (None: the case leaves none to open)


def sql(*statements: str) -> Corrupt:
    def run(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return run


def loosened(table: str, declaration: str, loose: str, *statements: str) -> Corrupt:
    """Rewrite a table's declared schema (as `PRAGMA writable_schema` lets any tool do) to drop a
    constraint, then run the statements the constraint would have stopped."""

    def run(conn: sqlite3.Connection) -> None:
        (version,) = conn.execute("PRAGMA schema_version").fetchone()
        conn.execute("PRAGMA writable_schema = ON")
        cursor = conn.execute("UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = ?",
                              [declaration, loose, table])
        assert cursor.rowcount == 1
        conn.execute(f"PRAGMA schema_version = {version + 1}")
        conn.execute("PRAGMA writable_schema = OFF")
        conn.commit()
        # Reconnect-free: the schema cookie change makes this connection reload the schema.
        for statement in statements:
            conn.execute(statement)

    return run


FIRST_SCORE = f"(SELECT min(id) FROM score WHERE workshop_id = {FIRST})"
PARTICIPANT_SCORE = f"(SELECT min(id) FROM score WHERE workshop_id = {FIRST} AND participant_id IS NOT NULL)"
FIRST_DIMENSION = f"(SELECT id FROM dimension WHERE workshop_id = {FIRST} AND key = '{KEY}')"
STRANGER_DIMENSION = f"(SELECT id FROM dimension WHERE workshop_id = {STRANGER} AND key = '{KEY}')"
FIRST_KPI = f"(SELECT min(id) FROM kpi WHERE workshop_id = {FIRST})"
STRANGER_KPI = f"(SELECT min(id) FROM kpi WHERE workshop_id = {STRANGER})"
FIRST_ITEM = f"(SELECT min(id) FROM register_item WHERE workshop_id = {FIRST})"
FIRST_MEASUREMENT = f"(SELECT min(id) FROM measurement WHERE kpi_id = {FIRST_KPI})"

DB_CASES: list[DbCase] = [
    DbCase("valid", sql(), refused=False),
    # scores
    DbCase("score-99", sql(f"UPDATE score SET value = 99 WHERE id = {FIRST_SCORE}")),
    DbCase("score-minus-7", sql(f"UPDATE score SET value = -7 WHERE id = {FIRST_SCORE}")),
    DbCase("score-three", sql(f"UPDATE score SET value = 'three' WHERE id = {FIRST_SCORE}")),
    DbCase("score-2.5", sql(f"UPDATE score SET value = 2.5 WHERE id = {FIRST_SCORE}")),
    DbCase("score-null", loosened("score", "value INTEGER NOT NULL", "value INTEGER",
                                  f"UPDATE score SET value = NULL WHERE id = {FIRST_SCORE}")),
    DbCase("score-kind-future", sql(f"UPDATE score SET kind = 'future' WHERE id = {FIRST_SCORE}")),
    DbCase("score-perspective-manager", sql(f"UPDATE score SET perspective = 'manager' WHERE id = {FIRST_SCORE}")),
    DbCase("score-blob-evidence", sql(f"UPDATE score SET evidence = X'00FF10' WHERE id = {FIRST_SCORE}")),
    # Bookkeeping no model carries and nothing reads: not a rule (store/row_rules.py).
    DbCase("score-garbage-updated-at", sql(f"UPDATE score SET updated_at = 'teatime' WHERE id = {FIRST_SCORE}"),
           refused=False),
    DbCase("score-participant-of-another-workshop",
           sql(f"UPDATE score SET participant_id = (SELECT id FROM participant WHERE workshop_id = {STRANGER}) "
               f"WHERE id = {PARTICIPANT_SCORE}")),
    DbCase("score-participant-missing", sql(f"UPDATE score SET participant_id = 999 WHERE id = {PARTICIPANT_SCORE}")),
    DbCase("score-perspective-not-the-participants",
           sql(f"UPDATE score SET perspective = CASE perspective WHEN 'it' THEN 'business' ELSE 'it' END "
               f"WHERE id = {PARTICIPANT_SCORE}")),
    DbCase("score-dimension-of-another-workshop",
           sql(f"UPDATE score SET dimension_id = {STRANGER_DIMENSION} WHERE id = {FIRST_SCORE}")),
    DbCase("score-dimension-missing", sql(f"UPDATE score SET dimension_id = 99999 WHERE id = {FIRST_SCORE}")),
    # dimensions and the scale
    DbCase("weight-9", sql(f"UPDATE dimension SET weight = 9 WHERE id = {FIRST_DIMENSION}")),
    DbCase("weight-text", sql(f"UPDATE dimension SET weight = 'heavy' WHERE id = {FIRST_DIMENSION}")),
    DbCase("bad-dimension-key", sql(f"UPDATE dimension SET key = 'Bad Key!' WHERE id = {FIRST_DIMENSION}")),
    DbCase("blank-dimension-name", sql(f"UPDATE dimension SET name = '  ' WHERE id = {FIRST_DIMENSION}")),
    DbCase("empty-scale", sql(f"DELETE FROM scale_level WHERE workshop_id = {FIRST}"), shown=NEXT),
    DbCase("scale-with-a-hole", sql(f"DELETE FROM scale_level WHERE workshop_id = {FIRST} AND value = 3"),
           shown=NEXT),
    DbCase("scale-level-blank-name", sql(f"UPDATE scale_level SET name = '' WHERE workshop_id = {FIRST}"),
           shown=NEXT),
    DbCase("scale-level-42", sql(f"UPDATE scale_level SET value = 42 WHERE workshop_id = {FIRST} AND value = 5"),
           shown=NEXT),
    # answers
    DbCase("answer-unknown-field", sql(f"INSERT INTO answer VALUES ({FIRST}, 1, 'secret', 'x', "
                                       "'2026-03-14T09:30:00+00:00')")),
    DbCase("answer-step-9", sql(f"INSERT INTO answer VALUES ({FIRST}, 9, 'vision', 'x', '2026-03-14T09:30:00+00:00')")),
    DbCase("answer-blob", sql(f"UPDATE answer SET value = X'DEADBEEF' WHERE workshop_id = {FIRST} AND step = 1")),
    DbCase("answer-blob-utf8", sql(f"UPDATE answer SET value = X'6869' WHERE workshop_id = {FIRST} AND step = 1")),
    DbCase("answer-null", loosened("answer", "value TEXT NOT NULL", "value TEXT",
                                   f"UPDATE answer SET value = NULL WHERE workshop_id = {FIRST} AND step = 1")),
    # the workshop row
    DbCase("year-1-updated-at", sql(f"UPDATE workshop SET updated_at = '0001-01-01T00:00:00+00:00' WHERE id = {FIRST}"),
           shown=NEXT),
    DbCase("year-9999-updated-at",
           sql(f"UPDATE workshop SET updated_at = '9999-12-31T23:59:59+00:00' WHERE id = {FIRST}"), shown=NEXT),
    DbCase("garbage-created-at", sql(f"UPDATE workshop SET created_at = 'last tuesday' WHERE id = {FIRST}"),
           shown=NEXT),
    DbCase("numeric-created-at", sql(f"UPDATE workshop SET created_at = 1700000000 WHERE id = {FIRST}"), shown=NEXT),
    DbCase("site-label-blob", sql(f"UPDATE workshop SET site_label = X'00ff' WHERE id = {FIRST}"), shown=NEXT),
    DbCase("naive-updated-at", sql(f"UPDATE workshop SET updated_at = '2026-03-14T10:00:00' WHERE id = {FIRST}"),
           refused=False),
    DbCase("current-step-0", sql(f"UPDATE workshop SET current_step = 0 WHERE id = {FIRST}"), shown=NEXT),
    DbCase("current-step-7", sql(f"UPDATE workshop SET current_step = 7 WHERE id = {FIRST}"), shown=NEXT),
    DbCase("anonymous-5", sql(f"UPDATE workshop SET anonymous = 5 WHERE id = {FIRST}"), shown=NEXT),
    DbCase("cycle-0", sql(f"UPDATE workshop SET cycle = 0 WHERE id = {FIRST}"), shown=NEXT),
    DbCase("blank-title", sql(f"UPDATE workshop SET title = '   ' WHERE id = {FIRST}"), shown=NEXT),
    DbCase("bad-scale-id", sql(f"UPDATE workshop SET scale_id = 'Not A Key' WHERE id = {FIRST}"), shown=NEXT),
    DbCase("previous-is-itself", sql(f"UPDATE workshop SET previous_id = id WHERE id = {NEXT}")),
    DbCase("previous-loop", sql(f"UPDATE workshop SET previous_id = {NEXT} WHERE id = {FIRST}"), shown=STRANGER),
    DbCase("previous-missing", sql(f"UPDATE workshop SET previous_id = 999 WHERE id = {NEXT}")),
    # KPIs and measurements
    DbCase("inf-measurement", sql(f"UPDATE measurement SET value = 9e999 WHERE id = {FIRST_MEASUREMENT}")),
    DbCase("minus-inf-target", sql(f"UPDATE kpi SET short_target = -9e999 WHERE id = {FIRST_KPI}")),
    DbCase("text-baseline", sql(f"UPDATE kpi SET baseline = 'sixty' WHERE id = {FIRST_KPI}")),
    DbCase("measurement-null", loosened("measurement", "value REAL NOT NULL", "value REAL",
                                        f"UPDATE measurement SET value = NULL WHERE id = {FIRST_MEASUREMENT}")),
    DbCase("measured-at-garbage", sql(f"UPDATE measurement SET measured_at = 'yesterday' WHERE id = {FIRST_MEASUREMENT}")),
    DbCase("measured-at-naive", sql(f"UPDATE measurement SET measured_at = '2026-01-15T08:00:00' "
                                    f"WHERE id = {FIRST_MEASUREMENT}"), refused=False),
    DbCase("kpi-direction-sideways", sql(f"UPDATE kpi SET direction = 'sideways' WHERE id = {FIRST_KPI}")),
    DbCase("kpi-measurable-3", sql(f"UPDATE kpi SET measurable = 3 WHERE id = {FIRST_KPI}")),
    DbCase("kpi-target-date-garbage", sql(f"UPDATE kpi SET short_target_on = '2026-02-30' WHERE id = {FIRST_KPI}")),
    DbCase("kpi-dimension-of-another-workshop",
           sql(f"UPDATE kpi SET dimension_id = {STRANGER_DIMENSION} WHERE id = {FIRST_KPI}")),
    # the register
    DbCase("register-garbage-raised-on", sql(f"UPDATE register_item SET raised_on = 'soon' WHERE id = {FIRST_ITEM}")),
    DbCase("register-due-before-raised",
           sql(f"UPDATE register_item SET due_on = '2020-01-01' WHERE id = {FIRST_ITEM}")),
    DbCase("register-status-done", sql(f"UPDATE register_item SET status = 'done' WHERE id = {FIRST_ITEM}")),
    DbCase("register-closure-while-open",
           sql(f"UPDATE register_item SET closure = 'successful' WHERE id = {FIRST_ITEM}")),
    DbCase("register-priority-0", sql(f"UPDATE register_item SET priority = 0 WHERE id = {FIRST_ITEM}")),
    DbCase("register-links-a-strangers-dimension",
           sql(f"INSERT INTO register_item_dimension VALUES ({FIRST_ITEM}, {STRANGER_DIMENSION})")),
    DbCase("register-links-a-strangers-kpi", sql(f"INSERT INTO register_item_kpi VALUES ({FIRST_ITEM}, {STRANGER_KPI})")),
    # the first cycle's item, carried to the next: the mark names a later cycle
    DbCase("register-carried-to-cycle-1",
           sql(f"UPDATE register_item_carried SET to_cycle = 1 WHERE item_id = {FIRST_ITEM}")),
    DbCase("register-carried-to-cycle-soon",
           sql(f"UPDATE register_item_carried SET to_cycle = 'soon' WHERE item_id = {FIRST_ITEM}")),
    # checkpoints and participants
    DbCase("checkpoint-garbage-due-on", sql(f"UPDATE checkpoint SET due_on = 'next quarter' WHERE workshop_id = {FIRST}")),
    DbCase("participant-perspective-manager",
           sql(f"UPDATE participant SET perspective = 'manager' WHERE workshop_id = {FIRST} AND name = 'Ivo'")),
    DbCase("participant-blank-name", sql(f"UPDATE participant SET name = '' WHERE workshop_id = {FIRST} AND name = 'Ivo'")),
]


def build_db_case(base: Path, case: DbCase, path: Path) -> Path:
    shutil.copyfile(base, path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")  # as any other tool may
    conn.execute("BEGIN")
    case.corrupt(conn)
    if conn.in_transaction:
        conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for leftover in ("-wal", "-shm"):
        path.with_name(path.name + leftover).unlink(missing_ok=True)
    return path


# --- JSON documents ---------------------------------------------------------------------------


def export_base_document(base: Path, path: Path) -> dict[str, Any]:
    with open_store(base, clock=fixed_clock) as store:
        export_json(store, FIRST, path, force=True)
    return json.loads(path.read_text(encoding="utf-8"))


Edit = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class JsonCase:
    name: str
    make: Callable[[dict[str, Any]], bytes]  # the valid document in, the file's bytes out
    accepted: bool | None = False  # True: a valid document, imported (exit 0); None: either, cleanly


def edited(edit: Edit) -> Callable[[dict[str, Any]], bytes]:
    def make(document: dict[str, Any]) -> bytes:
        copy = json.loads(json.dumps(document))
        edit(copy)
        return json.dumps(copy).encode()  # allow_nan: Infinity and NaN as Python writes them

    return make


def raw(data: bytes) -> Callable[[dict[str, Any]], bytes]:
    return lambda document: data


def replaced(old: str, new: str) -> Callable[[dict[str, Any]], bytes]:
    def make(document: dict[str, Any]) -> bytes:
        text = json.dumps(document)
        assert old in text, old
        return text.replace(old, new, 1).encode()

    return make


def put(path: str, value: Any) -> Edit:
    """Set one value: path is dotted keys and list indexes ("kpis.0.baseline")."""

    def edit(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return edit


def drop(path: str) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]

    return edit


def both(*edits: Edit) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        for one in edits:
            one(document)

    return edit


def valid(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()


def deep(depth: int) -> Callable[[dict[str, Any]], bytes]:
    return raw(b'{"workshop": ' + b"[" * depth + b"]" * depth + b"}")


JSON_CASES: list[JsonCase] = [
    JsonCase("valid", valid, accepted=True),
    JsonCase("not-json", raw(b"title,organisation\nService desk,Acme\n")),
    JsonCase("empty", raw(b"")),
    JsonCase("only-whitespace", raw(b"  \n\t ")),
    JsonCase("bom", lambda document: b"\xef\xbb\xbf" + valid(document), accepted=None),
    JsonCase("utf16", lambda document: valid(document).decode().encode("utf-16")),
    JsonCase("latin1-garbage", raw(b'{"format": "csi-tui workshop", "title": "\xe9\xff"}')),
    JsonCase("array-not-object", raw(b"[]")),
    JsonCase("document-in-an-array", lambda document: json.dumps([document]).encode()),
    JsonCase("null", raw(b"null")),
    JsonCase("a-number", raw(b"1e999")),
    JsonCase("workshop-is-an-array", edited(put("workshop", []))),
    JsonCase("scores-is-an-object", edited(put("scores", {}))),
    JsonCase("scale-is-null", edited(put("scale", None))),
    JsonCase("missing-workshop", edited(drop("workshop"))),
    JsonCase("missing-scale", edited(drop("scale"))),
    JsonCase("missing-title", edited(drop("workshop.title"))),
    JsonCase("unknown-top-level-key", edited(put("secret", 1))),
    JsonCase("wrong-format", edited(put("format", "csi-tui workshops"))),
    JsonCase("version-3", edited(put("version", 3))),  # a version this csi-tui does not know
    # The previous cycle a document names: linked only when the target holds it, never guessed.
    JsonCase("previous-in-no-file", edited(put("previous", {"title": "Elsewhere", "cycle": 1,
                                                            "created_at": "2026-01-05T09:00:00Z"})), accepted=True),
    JsonCase("previous-bad-time", edited(put("previous", {"title": "x", "cycle": 1, "created_at": "yesterday"}))),
    JsonCase("previous-cycle-0", edited(put("previous", {"title": "x", "cycle": 0,
                                                         "created_at": "2026-01-05T09:00:00Z"}))),
    JsonCase("site-label-not-text", edited(put("workshop.site_label", 7))),
    JsonCase("cycle-is-text", edited(put("workshop.cycle", "two"))),
    JsonCase("cycle-0", edited(put("workshop.cycle", 0))),
    JsonCase("cycle-huge", edited(put("workshop.cycle", 10**30))),
    JsonCase("current-step-9", edited(put("workshop.current_step", 9))),
    JsonCase("anonymous-5", edited(put("workshop.anonymous", 5))),
    JsonCase("year-1-updated-at", edited(put("workshop.updated_at", "0001-01-01T00:00:00Z"))),
    JsonCase("created-at-number", edited(put("workshop.created_at", 1700000000))),
    JsonCase("measurement-inf", edited(put("kpis.0.measurements.0.value", float("inf")))),
    JsonCase("measurement-nan", edited(put("kpis.0.measurements.0.value", float("nan")))),
    JsonCase("measurement-1e999", replaced('"value": 62.0', '"value": 1e999')),
    JsonCase("baseline-minus-1e999", replaced('"baseline": 60.0', '"baseline": -1e999')),
    JsonCase("target-nan", edited(put("kpis.0.short_target", float("nan")))),
    JsonCase("score-for-a-missing-participant", edited(put("scores.1.participant_id", 99))),
    JsonCase("score-for-a-huge-participant", edited(put("scores.1.participant_id", 10**30))),
    JsonCase("score-unknown-dimension", edited(put("scores.0.dimension_key", "no-such-dimension"))),
    JsonCase("score-99", edited(put("scores.0.value", 99))),
    JsonCase("score-is-text", edited(put("scores.0.value", "three"))),
    JsonCase("score-kind-future", edited(put("scores.0.kind", "future"))),
    JsonCase("two-scores-for-one-voice",
             edited(lambda d: d["scores"].append({**d["scores"][0], "value": 1}))),
    JsonCase("duplicate-participant-ids", edited(lambda d: d["participants"].append(dict(d["participants"][0])))),
    JsonCase("duplicate-kpi-ids", edited(lambda d: d["kpis"].append({**d["kpis"][0], "name": "Other"}))),
    JsonCase("duplicate-dimension-keys", edited(lambda d: d["dimensions"].append(dict(d["dimensions"][0])))),
    JsonCase("no-dimensions", edited(put("dimensions", []))),
    JsonCase("scale-of-one-level", edited(lambda d: d["scale"].update(levels=d["scale"]["levels"][:1]))),
    JsonCase("weight-9", edited(put("dimensions.0.weight", 9))),
    JsonCase("bad-dimension-key", edited(put("dimensions.0.key", "Bad Key!"))),
    JsonCase("answer-unknown-field", edited(lambda d: d["answers"].append({"step": 1, "field": "secret", "value": "x"}))),
    JsonCase("two-answers-for-one-field",
             edited(lambda d: d["answers"].append({**d["answers"][0], "value": "other"}))),
    JsonCase("register-item-names-a-missing-kpi", edited(put("register_items.0.kpi_ids", [99]))),
    JsonCase("register-item-unknown-dimension", edited(put("register_items.0.dimension_keys", ["nowhere"]))),
    JsonCase("kpi-unknown-dimension", edited(put("kpis.0.dimension_key", "nowhere"))),
    JsonCase("due-before-raised", edited(put("register_items.0.due_on", "2020-01-01"))),
    JsonCase("checkpoint-garbage-date", edited(put("checkpoints.0.held_on", "whenever"))),
    JsonCase("duplicate-json-keys", replaced('"title": ', '"title": "First", "title": '), accepted=None),
    JsonCase("lone-surrogate-title", replaced('"title": "Service desk CSI"', '"title": "Service \\ud800 desk"')),
    JsonCase("nul-in-title", edited(put("workshop.title", "Service\x00desk")), accepted=True),
    JsonCase("huge-title", edited(put("workshop.title", "x" * 2_000_000)), accepted=True),
    JsonCase("deep-nesting", deep(100_000)),
    JsonCase("deep-nesting-small", deep(300)),
    JsonCase("truncated", lambda document: valid(document)[:-40]),
]
