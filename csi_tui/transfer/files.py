"""Exports to a file and imports from one. An export never replaces an existing file unless asked
to (force), and is written beside its destination first, so a failed export leaves nothing
half-written where the facilitator looks for it."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from csi_tui.domain.errors import FileRefused, InvalidInput, explain
from csi_tui.transfer.document import WorkshopDocument, import_document, workshop_document
from csi_tui.transfer.formats import export_format, export_formats
from csi_tui.store.workshop_store import WorkshopStore, open_store



def refuse_overwrite(path: Path, force: bool) -> None:
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory; give a file name to export to")
    if path.exists() and not force:
        raise InvalidInput(f"{path} already exists; add --force to replace it")
    if not path.parent.is_dir():
        raise InvalidInput(f"{path.parent} does not exist")


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
    refuse_overwrite(path, force)
    document = workshop_document(store, workshop_id)
    partial = _partial(path)
    partial.write_text(document.model_dump_json(indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return document


def export_database(store: WorkshopStore, workshop_id: int, path: Path, with_history: bool = False,
                    force: bool = False) -> list[int]:
    """A standalone database file holding the workshop (and with history its earlier cycles,
    linked as in the source); it has the same schema and opens in the app. Returns the ids in it."""
    refuse_overwrite(path, force)
    chain = history(store, workshop_id) if with_history else [workshop_id]
    documents = [workshop_document(store, wid) for wid in chain]
    partial = _partial(path)
    for leftover in (partial, partial.with_name(partial.name + "-wal"), partial.with_name(partial.name + "-shm")):
        leftover.unlink(missing_ok=True)
    ids: list[int] = []
    with open_store(partial, clock=store.clock) as target:
        previous = None
        for document in documents:
            previous = import_document(target, document, previous_id=previous)
            ids.append(previous)
        target.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        target.db.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to hand over
    os.replace(partial, path)
    return ids


def export_report(store: WorkshopStore, workshop_id: int, path: Path, kind: str, force: bool = False) -> None:
    from csi_tui.transfer.report import build_report, render_html, render_markdown

    refuse_overwrite(path, force)
    report = build_report(store.snapshot(workshop_id))
    text = render_html(report) if kind == "html" else render_markdown(report)
    partial = _partial(path)
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


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


def write_markdown(store: WorkshopStore, workshop_id: int, path: Path, *, force: bool = False) -> str:
    export_report(store, workshop_id, path, "md", force=force)
    return _written(workshop_id, path)


def write_html(store: WorkshopStore, workshop_id: int, path: Path, *, force: bool = False) -> str:
    export_report(store, workshop_id, path, "html", force=force)
    return _written(workshop_id, path)


def export_workshop(store: WorkshopStore, workshop_id: int, kind: str, path: Path, with_history: bool = False,
                    force: bool = False) -> str:
    """Export in one of the registry's formats (formats.py); returns the line to tell the person
    who asked. with_history reaches only the formats that can include earlier cycles; the others
    ignore it, as the command line always has."""
    fmt = export_format(kind)
    if fmt is None:
        keys = ", ".join(known.key for known in export_formats())
        raise InvalidInput(f"unknown export format {kind!r} (choose from {keys})")
    write = fmt.resolve_writer()
    if fmt.with_history:
        return write(store, workshop_id, path, with_history=with_history, force=force)
    return write(store, workshop_id, path, force=force)


def read_document(path: Path) -> WorkshopDocument:
    try:
        return WorkshopDocument.model_validate_json(path.read_bytes())
    except ValidationError as error:
        raise InvalidInput(f"{path}: not a csi-tui workshop document ({explain(error)})") from None
    except OSError as error:
        raise FileRefused(f"{path}: {error.strerror}") from None


def import_file(store: WorkshopStore, path: Path) -> list[int]:
    """Bring in the workshops of a JSON document or a csi-tui database under new ids; cycles
    that were linked stay linked. Returns the new ids, oldest first."""
    if path.suffix.lower() == ".json":
        return [import_document(store, read_document(path))]
    with open_store(path, clock=store.clock) as source:
        workshops = sorted(source.workshops(), key=lambda w: (w.cycle, w.id))
        documents = [(w.id, w.previous_id, workshop_document(source, w.id)) for w in workshops]
    new_ids: dict[int, int] = {}
    with store.db.atomic():
        for old_id, previous_id, document in documents:
            new_ids[old_id] = import_document(store, document, previous_id=new_ids.get(previous_id or 0))
    return list(new_ids.values())

