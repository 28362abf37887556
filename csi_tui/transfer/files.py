"""Exports to a file and imports from one. An export never replaces an existing file unless asked
to (force), never lands on a file the command reads or on anything but a regular file, and is
written whole beside its destination first (transfer/outputs.py), so a failed export leaves
nothing half-written where the facilitator looks for it. An import only reads its source."""

from __future__ import annotations

import codecs
import os
import sqlite3
from pathlib import Path

from pydantic import ValidationError

from csi_tui.domain.clock import stamp

from csi_tui.domain.errors import CsiError, FileRefused, InvalidInput, explain
from csi_tui.transfer.document import WorkshopDocument, import_document, workshop_document
from csi_tui.transfer.formats import export_format, export_formats
from csi_tui.transfer.outputs import not_written, refuse_file, refuse_reads, write_whole
from csi_tui.store.workshop_store import WorkshopStore, open_store, read_store


def refuse_overwrite(store: WorkshopStore, path: Path, force: bool) -> None:
    """Everything that stops an export to ``path`` before anything is read or written."""
    refuse_file(path, force, store.files())


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def history(store: WorkshopStore, workshop_id: int) -> list[int]:
    """The workshop and the earlier cycles it grew from, oldest first."""
    chain = []
    current: int | None = workshop_id
    while current is not None and current not in chain:
        chain.append(current)
        current = store.workshop(current).previous_id
    return chain[::-1]


def export_json(store: WorkshopStore, workshop_id: int, path: Path, force: bool = False) -> WorkshopDocument:
    refuse_overwrite(store, path, force)
    document = workshop_document(store, workshop_id)
    write_whole(path, (document.model_dump_json(indent=2) + "\n").encode("utf-8"))
    return document


def export_database(store: WorkshopStore, workshop_id: int, path: Path, with_history: bool = False,
                    force: bool = False) -> list[int]:
    """A standalone database file holding the workshop (and with history its earlier cycles,
    linked as in the source); it has the same schema and opens in the app. Returns the ids in it."""
    refuse_overwrite(store, path, force)
    chain = history(store, workshop_id) if with_history else [workshop_id]
    documents = [workshop_document(store, wid) for wid in chain]
    partial = _partial(path)
    # SQLite writes the copy under a name of its own beside the destination (with its -wal and
    # -shm while open); a leftover from a killed export is cleared first, a failure cleans up.
    leftovers = (partial, partial.with_name(partial.name + "-wal"), partial.with_name(partial.name + "-shm"))
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    ids: list[int] = []
    try:
        with open_store(partial, clock=store.clock) as target:
            previous = None
            for document in documents:
                previous = import_document(target, document, previous_id=previous)
                ids.append(previous)
            target.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            target.db.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to hand over
        os.replace(partial, path)
    except BaseException as error:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise not_written(path, error) from None
        if isinstance(error, sqlite3.Error):  # a full disk reaches SQLite first
            raise CsiError(f"{path}: could not be written ({error}); nothing was changed") from None
        raise
    return ids


def export_report(store: WorkshopStore, workshop_id: int, path: Path, kind: str, force: bool = False,
                  template: Path | None = None) -> None:
    """`template`: an organisation's own Jinja2 file in place of the shipped one; it is loaded (and
    a broken one refused, in one line) before anything is written."""
    from csi_tui.transfer.report import build_report, load_template, render

    load_template(kind, template)  # a missing or broken template is named before the file is touched
    refuse_overwrite(store, path, force)
    snapshot = store.snapshot(workshop_id)
    report = build_report(snapshot, store.measurements_of(workshop_id, snapshot.kpis))
    write_whole(path, render(report, kind, template).encode("utf-8"))


def _written(workshop_id: int, path: Path) -> str:
    return f"Workshop {workshop_id} written to {path}"


# The registry's writers (formats.py names them): each exports one format and returns the line to
# tell the person who asked.

def write_json(store: WorkshopStore, workshop_id: int, path: Path, *, force: bool = False) -> str:
    export_json(store, workshop_id, path, force=force)
    return _written(workshop_id, path)


def write_database(store: WorkshopStore, workshop_id: int, path: Path, *, with_history: bool = False,
                   force: bool = False) -> str:
    ids = export_database(store, workshop_id, path, with_history=with_history, force=force)
    return f"{len(ids)} workshop{'s' if len(ids) != 1 else ''} written to {path}"


def write_markdown(store: WorkshopStore, workshop_id: int, path: Path, *, force: bool = False,
                   template: Path | None = None) -> str:
    export_report(store, workshop_id, path, "md", force=force, template=template)
    return _written(workshop_id, path)


def write_html(store: WorkshopStore, workshop_id: int, path: Path, *, force: bool = False,
               template: Path | None = None) -> str:
    export_report(store, workshop_id, path, "html", force=force, template=template)
    return _written(workshop_id, path)


def export_workshop(store: WorkshopStore, workshop_id: int, kind: str, path: Path, with_history: bool = False,
                    force: bool = False, template: Path | None = None) -> str:
    """Export in one of the registry's formats (formats.py); returns the line to tell the person
    who asked. with_history reaches only the formats that can include earlier cycles; the others
    ignore it, as the command line always has. `template` (a report's own Jinja2 file) only the
    reports take: anything else refuses it rather than ignore it."""
    fmt = export_format(kind)
    if fmt is None:
        keys = ", ".join(known.key for known in export_formats())
        raise InvalidInput(f"unknown export format {kind!r} (choose from {keys})")
    write = fmt.resolve_writer()
    if template is not None:
        if not fmt.templated:
            reports = " and ".join(known.key for known in export_formats() if known.templated)
            raise InvalidInput(f"--template is for the {reports} reports, not {kind}")
        return write(store, workshop_id, path, force=force, template=template)
    if fmt.with_history:
        return write(store, workshop_id, path, with_history=with_history, force=force)
    return write(store, workshop_id, path, force=force)


def read_document(path: Path) -> WorkshopDocument:
    try:
        # A UTF-8 byte-order mark (Notepad and some editors write one) is not part of the JSON.
        return WorkshopDocument.model_validate_json(path.read_bytes().removeprefix(codecs.BOM_UTF8))
    except ValidationError as error:
        raise InvalidInput(f"{path}: not a csi-tui workshop document ({explain(error)})") from None
    except OSError as error:
        raise FileRefused(f"{path}: {error.strerror}") from None


Source = list[tuple[int, int | None, WorkshopDocument]]  # (id, previous cycle's id, document)


def read_source(path: Path) -> Source:
    """Everything an import brings, read before anything is written: a JSON document, or every
    workshop of a csi-tui database, read-only (an older one upgraded in memory, never in place; a
    missing or empty one refused, not created). Cycles oldest first."""
    if path.suffix.lower() == ".json":
        return [(0, None, read_document(path))]
    with read_store(path) as source:
        workshops = sorted(source.workshops(), key=lambda w: (w.cycle, w.id))
        try:
            documents = [(w.id, w.previous_id, workshop_document(source, w.id, "imported")) for w in workshops]
        except InvalidInput as error:
            raise InvalidInput(f"{path}: {error}") from None  # which file, as every refusal of an import
        refused = source.refused
    if refused:
        # Rows that break the domain's rules are not brought in, and neither is the rest: an
        # import is all or nothing, and a copy with holes in it would not say what the file held.
        more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
        raise InvalidInput(f"{path}: not imported: {refused[0]}{more}")
    return documents


def import_file(store: WorkshopStore, path: Path) -> list[int]:
    """Bring in the workshops of a JSON document or a csi-tui database under new ids; cycles
    that were linked stay linked. Returns the new ids, oldest first."""
    refuse_reads(path, store.files(), role="being imported into")  # nor its -wal: not a source
    return import_source(store, read_source(path), source=path)


def import_source(store: WorkshopStore, documents: Source, source: Path | None = None) -> list[int]:
    """Add what read_source read, all or nothing. Returns the new ids, oldest first. `source`:
    the file it came from, recorded in workshop_source as a merge records it (the analysis views
    and CSV tables name it)."""
    from csi_tui.transfer.merge import IDENTITY, fingerprint

    new_ids: dict[int, int] = {}
    with store.db.atomic():
        for old_id, previous_id, document in documents:
            new_ids[old_id] = import_document(store, document, previous_id=new_ids.get(previous_id or 0))
        if source is not None:
            at = stamp(store.clock())
            for workshop_id in new_ids.values():
                row = store.db.execute(f"SELECT {', '.join(IDENTITY)} FROM workshop WHERE id = ?",
                                       [workshop_id]).fetchone()
                store.db.execute("INSERT INTO workshop_source VALUES (?, ?, ?, ?)",
                                 [workshop_id, str(source), fingerprint(row), at])
    return list(new_ids.values())

