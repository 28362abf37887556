"""The facilitator's session with one workshop file: the one road from the UI (and later the
room's web server) to the store.

It owns the writer thread, the answers typed but not yet saved, failed saves, the timeboxes of
this sitting, and the change signal every open screen subscribes to. Screens call its named
intents (`save_answer`, `record_score`, `raise_item`, ...); each intent is one transaction on the
writer thread and returns a Future. Reads (`snapshot`, `workshops`, ...) run on the calling
thread, which is a worker's, with a connection of their own.

Lazy boundary (pyproject.toml, [tool.importlinter]): the store, its pydantic models and the
transfer writers load on the writer thread or in the first read, never when this module is
imported, so the app paints its first screen before pydantic is imported (docs/performance.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from csi_tui.domain.clock import Clock, utc_now
from csi_tui.domain.timebox import Timebox
from csi_tui.domain.rounds import Round, RoundState, Vote, VoteRefused
from csi_tui.domain.vocabulary import Perspective, ScoreKind
from csi_tui.domain.voice import Voice
from csi_tui.session.answers import AnswerKey, Answers
from csi_tui.session.broadcast import Broadcast
from csi_tui.session.undo import UndoHistory
from csi_tui.session.writer import Writer
from csi_tui.settings import Settings, load_settings, save_settings
from csi_tui.store.connection import Database
from csi_tui.store.opening import changes_since, connect, current_step, data_version, last_change

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from csi_tui.domain.models import (
        Checkpoint,
        Closure,
        Kpi,
        Measurement,
        Outcome,
        Participant,
        RegisterItem,
        RegisterStatus,
        Workshop,
        WorkshopRow,
    )
    from csi_tui.domain.errors import RefusedRow
    from csi_tui.domain.measurement_file import RejectedRow
    from csi_tui.store.answers import AnswerConflict
    from csi_tui.store.read_model import WorkshopSnapshot
    from csi_tui.store.undo import Undone
    from csi_tui.store.workshop_store import WorkshopStore
    from csi_tui.workshops import NewWorkshop

T = TypeVar("T")
AUTOSAVE_DELAY = 0.4  # seconds of quiet before typed text is saved; the brief allows at most 0.5
SaveState = Literal["saved", "editing", "saving", "waiting", "failed"]
RETRY_SECONDS = 0.5  # between tries while another program holds the file (each try waits 5 s)


def is_locked(error: BaseException) -> bool:
    """SQLite's "database is locked" or "busy": another connection holds the write lock."""
    return isinstance(error, sqlite3.OperationalError) and any(
        word in str(error).lower() for word in ("locked", "busy"))


def why_not_saved(error: BaseException) -> str:
    """One line a facilitator can act on. SQLite says "disk I/O error" when the disk fills up
    mid-write (or the file may not grow), which reads like a broken disk; say the likely cause."""
    said = str(error)
    if isinstance(error, sqlite3.Error) and any(
            words in said.lower() for words in ("disk i/o error", "disk is full")):
        return f"the disk is full or the file cannot grow ({said})"
    return said


@dataclass(frozen=True)
class Change:
    """Something was committed to the file: by this session (workshop known) or by anyone else."""

    workshop_id: int | None = None
    answers_only: bool = False  # only typed answers: nothing a screen redraws after it opened
    # What the change log says was written since the last news, by anyone: (workshop id, entity,
    # entity id), e.g. (3, "answer", "2.strengths"), a score's id cut to its dimension's key
    # (3, "score", "incident"). None: not known (a program that
    # writes without the log, or a purged log), so whoever listens reads everything again.
    records: frozenset[tuple[int, str, str]] | None = None

    def scores_of(self, workshop_id: int) -> frozenset[str] | None:
        """The dimensions of this workshop whose scores are all that changed in it, answers
        aside (empty: none of its scores); None when anything else of it changed, or the change
        is not known: read the workshop again."""
        if self.records is None:
            return None
        keys = set()
        for workshop, entity, entity_id in self.records:
            if workshop != workshop_id or entity == "answer":
                continue
            if entity != "score":
                return None
            keys.add(entity_id.split("/", 1)[0])  # dimension/kind/participant/perspective
        return frozenset(keys)

    def answers_of(self, workshop_id: int) -> bool:
        """Whether answers of this workshop changed (always, when the change is not known)."""
        return self.records is None or any(
            workshop == workshop_id and entity == "answer" for workshop, entity, _ in self.records)


@dataclass(eq=False)
class _Write(Generic[T]):
    """One intent's job and what waits for it, kept across tries."""

    job: Callable[[WorkshopStore], T]
    outcome: Future[T]
    change: Change
    announce_failure: bool
    answer: tuple[AnswerKey, str] | None = None  # for a typed answer: which field, and its text


class WorkshopSession:
    def __init__(self, path: Path, clock: Clock = utc_now, settings_path: Path | None = None) -> None:
        self.path = path
        self.clock = clock
        # The facilitator's remembered settings (settings.py); None: remember nothing (benchmarks).
        self.settings_path = settings_path
        self.settings = load_settings(settings_path) if settings_path else Settings()
        self.changed: Broadcast[Change] = Broadcast()
        self.failed: Broadcast[str] = Broadcast()  # one line per save that did not reach the disk
        self.save_state: Broadcast[SaveState] = Broadcast()
        # An answer changed here and elsewhere at once; and a field's text replaced by a choice.
        self.conflicted: Broadcast[tuple[AnswerKey, AnswerConflict]] = Broadcast()
        self.answer_replaced: Broadcast[tuple[AnswerKey, str]] = Broadcast()
        self.timeboxes: dict[tuple[int, int], Timebox] = {}  # (workshop id, step), for this sitting
        self.answers = Answers()
        self.history = UndoHistory()  # what ctrl+z can undo: this sitting's own changes
        self.writer = Writer(path, clock)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._context: contextvars.Context | None = None
        self._debounce: asyncio.TimerHandle | None = None
        self._writes: list[_Write[Any]] = []  # asked for, not yet landed or failed; oldest first
        self._waiting: set[_Write[Any]] = set()  # saves held up by another program's lock
        self._last_failed = False
        self._watch: Database | None = None
        self._seen_version = 0
        self._seen_change = 0  # the newest change-log row already told

    # --- life -----------------------------------------------------------------------------------

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start watching the file; news is published on `loop`, the UI's."""
        self._loop = loop
        # Listeners run in the context of whoever attached (the app's): Textual finds its active
        # app through a context variable, which the writer thread's callbacks would not carry.
        self._context = contextvars.copy_context()
        # PRAGMA data_version reads a counter from shared memory: microseconds, no table, no lock.
        self._watch = connect(self.path)
        self._seen_version = data_version(self._watch)
        self._seen_change = last_change(self._watch)

    def notice_changes(self) -> bool:
        """Publish a Change if anyone committed since the last look (called on a slow timer)."""
        if self._watch is None:
            return False
        version = data_version(self._watch)
        if version == self._seen_version:
            return False
        self._seen_version = version
        self.changed.publish(self._news(Change()))
        return True

    def _news(self, change: Change) -> Change:
        """`change` with what the change log says was written since the last news: one read of
        the log's newest rows by id, so that a burst of writes (a room voting) is told once and
        screens redraw only the records it touched."""
        assert self._watch is not None
        since = changes_since(self._watch, self._seen_change)
        if since is None:  # the log was purged below what we saw: start again from its end
            self._seen_change = last_change(self._watch)
            return change
        self._seen_change, records = since
        return replace(change, records=frozenset(records)) if records else change

    def current_step(self, workshop_id: int) -> int:
        """The step a workshop was left at (plain sqlite3: asked before the first paint)."""
        assert self._watch is not None, "attach() first"
        return current_step(self._watch, workshop_id)

    def drain(self, timeout: float = 30.0) -> None:
        """Wait until every save asked for so far has run (not on the UI thread)."""
        self.writer.drain(timeout)

    def finish_saves(self) -> None:
        """Finish every save already asked for, then stop the writer. Blocks: call it from a
        thread, after flush_answers() on the UI's."""
        self.writer.close()

    def close(self) -> None:
        """Finish every save and let go of the file (on the thread that attached)."""
        self.writer.close()
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    # --- reads: on the calling thread, with a connection of their own ---------------------------

    def _read(self, read: Callable[[WorkshopStore], T]) -> T:
        from csi_tui.store.workshop_store import WorkshopStore  # the named lazy boundary

        with WorkshopStore.connect(self.path, self.clock) as store:
            return read(store)

    def snapshot(self, workshop_id: int) -> WorkshopSnapshot:
        return self._read(lambda store: store.snapshot(workshop_id))

    def rescore(self, snapshot: WorkshopSnapshot, dimensions: frozenset[str]) -> WorkshopSnapshot:
        """`snapshot` after the scores of these dimensions changed: only theirs read (a worker's
        job, as snapshot is); the gap matrix computed again for those rows only."""
        return self._read(lambda store: store.rescore(snapshot, dimensions))

    def workshop_list(self, first: int | None = None) -> tuple[list[WorkshopRow], list[RefusedRow]]:
        """Every workshop in the file, newest change first, each with its next checkpoint due, and
        the rows that read left out because they break the domain's rules (to be named). `first`:
        only the newest so many, for a list to show while it reads the rest."""
        today = self.clock().date()
        return self._read(lambda store: (store.workshop_rows(today, first), store.refused))

    def participants(self, workshop_id: int) -> list[Participant]:
        return self._read(lambda store: store.participants(workshop_id))

    def kpi_trend(self, workshop_id: int, kpi_id: int) -> list[tuple[int, Measurement]]:
        return self._read(lambda store: store.kpi_trend(workshop_id, kpi_id))

    # --- timeboxes of this sitting --------------------------------------------------------------

    def timebox(self, workshop_id: int, step: int) -> Timebox:
        minutes = self.settings.timeboxes.get(step)  # the facilitator's own, from an earlier sitting
        fresh = Timebox(seconds=minutes * 60) if minutes else Timebox.for_step(step)
        return self.timeboxes.setdefault((workshop_id, step), fresh)

    def set_timebox(self, workshop_id: int, step: int, timebox: Timebox) -> None:
        self.timeboxes[(workshop_id, step)] = timebox

    # --- what is remembered across restarts ----------------------------------------------------

    def remember(self, settings: Settings) -> None:
        """Keep these settings for the next start; raises OSError when the config folder cannot
        be written (the settings still hold for this sitting)."""
        self.settings = settings
        if self.settings_path is not None:
            save_settings(self.settings_path, settings)

    # --- answers as they are typed -------------------------------------------------------------

    def answer_on_screen(self, workshop_id: int, step: int, field: str, stored: str) -> str:
        return self.answers.on_screen((workshop_id, step, field), stored)

    def has_heard(self, workshop_id: int, step: int, field: str, text: str) -> bool:
        """Whether `text` is the latest this session knows of for the field (a key typed an
        instant ago may not have reached type_answer yet)."""
        return self.answers.known((workshop_id, step, field)) in (None, text)

    def type_answer(self, workshop_id: int, step: int, field: str, text: str) -> None:
        """Typed text: saved once typing pauses for AUTOSAVE_DELAY (or on flush_answers)."""
        key: AnswerKey = (workshop_id, step, field)
        if key not in self.answers.pending and text == self._on_the_way().get(key):
            return  # a field's Changed message heard after its text was handed over (quitting)
        if not self.answers.edit(key, text):
            return
        self._publish_state()
        if self._loop is None:
            self.flush_answers()
            return
        if self._debounce is not None:
            self._debounce.cancel()
        self._debounce = self._loop.call_later(AUTOSAVE_DELAY, self.flush_answers)

    def flush_answers(self) -> None:
        """Hand every pending answer (and any that failed before) to the writer now."""
        if self._debounce is not None:
            self._debounce.cancel()
            self._debounce = None
        for (workshop_id, step, field), text in self.answers.take().items():
            self.save_answer(workshop_id, step, field, text)

    async def settle(self, timeout: float) -> None:
        """Wait (on the UI's loop) until no save is in flight, or `timeout` has passed."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._writes and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)

    def unsaved_summary(self) -> str:
        """What quitting now would lose, in a facilitator's words ("" when nothing)."""
        parts = []
        if answers := len(self._unsaved_answers()):
            parts.append(f"{answers} answer{'s' if answers != 1 else ''}")
        if others := sum(write.answer is None for write in self._writes):
            parts.append(f"{others} other change{'s' if others != 1 else ''} (scores, items...)")
        return " and ".join(parts)

    def _on_the_way(self) -> dict[AnswerKey, str]:
        """Answers handed to the writer that have not landed or failed yet: the newest of each."""
        return dict(write.answer for write in self._writes if write.answer is not None)

    def _unsaved_answers(self) -> dict[AnswerKey, str]:
        """Typed, failed, or still waiting on the writer: the newest text of each field."""
        return {**self._on_the_way(), **self.answers.unsaved()}

    def save_everything_now(self, timeout: float) -> dict[AnswerKey, str]:
        """For leaving with nobody at the keyboard (the terminal hung up): hand every typed answer
        to the writer and wait for it here, blocking. Returns the answers that did not reach the
        file (a full disk, another program's lock, a text changed elsewhere too). The writer moves
        `answers.saved` as each one lands, so this needs none of the callbacks it queues on the
        loop, which may never run once the app is being taken down."""
        self.flush_answers()
        with contextlib.suppress(TimeoutError):
            self.writer.drain(timeout)
        return {key: text for key, text in self._unsaved_answers().items() if self.answers.saved.get(key) != text}

    def keep_unsaved(self, clock_stamp: str | None = None, answers: dict[AnswerKey, str] | None = None) -> Path:
        """Write the answers not yet saved (or `answers`) to a JSON file beside the database, for
        the facilitator to paste back later. Returns its path; raises OSError if it cannot."""
        stamp = clock_stamp or self.clock().strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.unsaved-{stamp}.json")
        kept = self._unsaved_answers() if answers is None else answers
        rows = [{"workshop_id": workshop_id, "step": step, "field": field, "text": text}
                for (workshop_id, step, field), text in sorted(kept.items())]
        partial = target.with_name(f".{target.name}.partial")
        try:
            partial.write_text(json.dumps({"database": str(self.path), "unsaved_answers": rows},
                                          ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            os.replace(partial, target)
        except OSError:
            partial.unlink(missing_ok=True)
            raise
        return target

    # --- intents: each one transaction on the writer thread -------------------------------------

    def save_answer(self, workshop_id: int, step: int, field: str, text: str) -> Future[None]:
        key: AnswerKey = (workshop_id, step, field)
        saved = self.answers.saved

        def save(store: WorkshopStore) -> AnswerConflict | None:
            # The base is read and moved here, on the writer thread, in the order saves run: a
            # second save queued before the first landed is based on the first, not a conflict.
            conflict = store.save_answer(workshop_id, step, field, text, based_on=saved.get(key))
            if conflict is None:
                saved[key] = text
            return conflict

        saving = self._write(workshop_id, self.history.undoable(workshop_id, save, lambda conflict: conflict is None),
                             answer=(key, text))
        saving.add_done_callback(lambda done: self._on_loop(self._answer_settled, key, text, done))
        return saving

    def record_score(self, workshop_id: int, dimension_key: str, kind: ScoreKind, voice: Voice, value: int,
                     evidence: str, weight: int | None = None) -> Future[None]:
        """One voice's score for a dimension, with the dimension's weight when scoring targets:
        both, or neither."""

        def record(store: WorkshopStore) -> None:
            from csi_tui.domain.models import Score

            score = Score(dimension_key=dimension_key, kind=kind, value=value, evidence=evidence,
                          participant_id=voice.participant_id, perspective=voice.perspective)
            with store.transaction():
                store.save_score(workshop_id, score)
                if weight is not None:
                    store.set_weight(workshop_id, dimension_key, weight)

        return self._write(workshop_id, self.history.undoable(workshop_id, record))

    def set_weight(self, workshop_id: int, dimension_key: str, weight: int) -> Future[None]:
        return self._write(workshop_id, self.history.undoable(
            workshop_id, lambda store: store.set_weight(workshop_id, dimension_key, weight)))

    def set_current_step(self, workshop_id: int, step: int) -> Future[Workshop]:
        return self._write(workshop_id, lambda store: store.set_current_step(workshop_id, step))

    def set_site_label(self, workshop_id: int, label: str) -> Future[Workshop]:
        """The site or team label the analysis views and CSV tables carry (merge --label sets it too)."""
        return self._write(workshop_id, lambda store: store.update_workshop(workshop_id, site_label=label.strip()))

    def add_participant(self, workshop_id: int, participant: Participant) -> Future[Participant]:
        return self._write(workshop_id, lambda store: store.add_participant(workshop_id, participant))

    def remove_participant(self, workshop_id: int, participant_id: int) -> Future[None]:
        """The participant and their scores; undoable."""
        return self._write(workshop_id, self.history.undoable(
            workshop_id, lambda store: store.remove_participant(workshop_id, participant_id)))

    # --- the room: blind rounds from phones (docs/room.md) ---------------------------------------

    def open_round(self, workshop_id: int, kind: ScoreKind, dimension_keys: Sequence[str] | None = None
                   ) -> Future[Round]:
        """A new round of `kind` (every dimension when None); a round still open is closed first."""
        return self._write(workshop_id, lambda store: store.open_round(workshop_id, kind, dimension_keys))

    def close_round(self, workshop_id: int, round_id: int) -> Future[Round]:
        return self._write(workshop_id, lambda store: store.set_round_state(workshop_id, round_id, RoundState.CLOSED))

    def reveal_round(self, workshop_id: int, round_id: int) -> Future[Round]:
        """Show the round's votes on the projector: it takes no more votes."""
        return self._write(workshop_id,
                           lambda store: store.set_round_state(workshop_id, round_id, RoundState.REVEALED))

    def join_room(self, workshop_id: int, name: str, perspective: Perspective) -> Future[Participant]:
        """Someone joined from a phone: a participant of the workshop (VoteRefused: the name's rules)."""
        return self._write(workshop_id, lambda store: store.join_room(workshop_id, name, perspective),
                           announce_failure=False)

    def cast_votes(self, workshop_id: int, round_id: int, votes: Sequence[Vote]) -> Future[list[tuple[Vote, str]]]:
        """A batch of votes from the room in one transaction; the refused come back with a reason.
        A phone's refused vote is the phone's to show, not the facilitator's: no failure line."""
        return self._write(workshop_id, lambda store: store.cast_votes(workshop_id, round_id, votes),
                           announce_failure=False)

    def rounds(self, workshop_id: int) -> list[Round]:
        """The workshop's rounds, oldest first (a read: off the UI loop where it matters)."""
        return self._read(lambda store: store.rounds(workshop_id))

    def round_votes(self, round_id: int) -> list[Vote]:
        """Each participant's last vote in a round (a read)."""
        return self._read(lambda store: store.round_votes(round_id))

    def participant_score_count(self, workshop_id: int, participant_id: int) -> int:
        """How many scores go with a participant who is removed (the question says so)."""
        return self._read(lambda store: store.participant_score_count(workshop_id, participant_id))

    def create_workshop(self, new: NewWorkshop) -> Future[Workshop]:
        return self._write(None, lambda store: store.create_workshop(new.draft, new.template, new.scale))

    def delete_workshop(self, workshop_id: int) -> Future[None]:
        return self._write(workshop_id, lambda store: store.delete_workshop(workshop_id))

    def raise_item(self, workshop_id: int, item: RegisterItem) -> Future[RegisterItem]:
        """A new register item; one with no "raised by" is raised by the workshop's facilitator."""

        def raise_(store: WorkshopStore) -> RegisterItem:
            raised_by = item.raised_by or store.workshop(workshop_id).facilitator
            return store.add_register_item(workshop_id, item.model_copy(update={"raised_by": raised_by}))

        return self._write(workshop_id, self.history.undoable(workshop_id, raise_))

    def update_item(self, workshop_id: int, number: int, changes: dict[str, Any]) -> Future[RegisterItem]:
        return self._write(workshop_id, lambda store: store.update_register_item(workshop_id, number, **changes))

    def move_item(self, workshop_id: int, number: int, to: RegisterStatus, closure: Closure | None = None,
                  outcome: Outcome | None = None) -> Future[RegisterItem]:
        return self._write(workshop_id, self.history.undoable(
            workshop_id, lambda store: store.change_register_status(workshop_id, number, to, closure, outcome)))

    def remove_item(self, workshop_id: int, number: int) -> Future[None]:
        """The register item and its links to dimensions and KPIs."""
        return self._write(workshop_id, lambda store: store.remove_register_item(workshop_id, number))

    def define_kpi(self, workshop_id: int, kpi: Kpi) -> Future[Kpi]:
        return self._write(workshop_id, lambda store: store.add_kpi(workshop_id, kpi))

    def update_kpi(self, workshop_id: int, kpi: Kpi) -> Future[Kpi]:
        return self._write(workshop_id, lambda store: store.update_kpi(workshop_id, kpi))

    def remove_kpi(self, workshop_id: int, kpi_id: int) -> Future[int]:
        """The KPI, its measurements and its links to register items; resolves to how many
        measurements went with it."""
        return self._write(workshop_id, lambda store: store.remove_kpi(workshop_id, kpi_id))

    def measurement_count(self, workshop_id: int, kpi_id: int) -> int:
        return self._read(lambda store: store.measurement_count(workshop_id, kpi_id))

    def record_measurement(self, workshop_id: int, measurement: Measurement) -> Future[Measurement]:
        return self._write(workshop_id, lambda store: store.add_measurement(workshop_id, measurement))

    def import_measurements(self, workshop_id: int, kpi_id: int, path: Path
                            ) -> Future[tuple[int, list[RejectedRow]]]:
        """A CSV file of measurements for one KPI: good rows kept, bad rows named."""

        def import_(store: WorkshopStore) -> tuple[int, list[RejectedRow]]:
            from csi_tui.domain.errors import CsiError

            try:
                text = path.read_text(encoding="utf-8-sig")  # -sig: spreadsheets often start with a BOM
            except UnicodeDecodeError:
                raise CsiError(f"{path}: not a UTF-8 text file (save it from the spreadsheet as CSV UTF-8)") from None
            except OSError as error:
                raise CsiError(f"{path}: {error.strerror}") from None
            return store.import_measurements(workshop_id, kpi_id, text)

        return self._write(workshop_id, import_)

    def add_checkpoint(self, workshop_id: int, checkpoint: Checkpoint) -> Future[Checkpoint]:
        return self._write(workshop_id, lambda store: store.add_checkpoint(workshop_id, checkpoint))

    def update_checkpoint(self, workshop_id: int, checkpoint: Checkpoint) -> Future[Checkpoint]:
        return self._write(workshop_id, lambda store: store.update_checkpoint(workshop_id, checkpoint))

    def remove_checkpoint(self, workshop_id: int, checkpoint_id: int) -> Future[None]:
        return self._write(workshop_id, lambda store: store.remove_checkpoint(workshop_id, checkpoint_id))

    def undo(self, workshop_id: int) -> Future[Undone | None]:
        """Undo this sitting's newest undoable change to the workshop (a score, an answer, a
        weight, a participant's removal, an item's move, a new item), in one transaction that is
        logged like any change. Resolves to what was undone, or None when nothing is left. A
        change that has been changed since, elsewhere, is refused (and leaves the history)."""
        self.flush_answers()  # what was typed lands first, and is the newest change

        def undo(store: WorkshopStore) -> Undone | None:
            ids = self.history.pop(workshop_id)
            if ids is None:
                return None
            try:
                undone = store.undo_change(workshop_id, ids)
            except sqlite3.OperationalError as error:
                if is_locked(error):  # the session tries the job again: the step must still be there
                    self.history.put_back(workshop_id, ids)
                raise
            for (step, field), text in undone.answers.items():
                self.answers.saved[(workshop_id, step, field)] = text  # the base of the next typing
            return undone

        undoing = self._write(workshop_id, undo, announce_failure=False)
        undoing.add_done_callback(lambda done: self._on_loop(self._undone, workshop_id, done))
        return undoing

    def _undone(self, workshop_id: int, done: Future[Undone | None]) -> None:
        """Fields on screen show an undone answer's text (a step fills its fields only once)."""
        if done.exception() is None and (undone := done.result()) is not None:
            for (step, field), text in undone.answers.items():
                self.answer_replaced.publish(((workshop_id, step, field), text))

    def schedule_checkpoints(self, workshop_id: int, start: date) -> Future[list[Checkpoint]]:
        """One checkpoint a quarter for a year from `start`."""
        return self._write(workshop_id, lambda store: store.schedule_quarterly(workshop_id, start))

    def start_next_cycle(self, workshop_id: int, keep_participants: bool = False) -> Future[Workshop]:
        """The next cycle, open items moved into it; with `keep_participants`, the same people
        (not their scores)."""
        return self._write(workshop_id, lambda store: store.start_next_cycle(workshop_id, keep_participants))

    def export(self, workshop_id: int, kind: str, path: Path, with_history: bool = False,
               force: bool = False, make_folder: Path | None = None) -> Future[str]:
        """Export on the writer thread after everything typed so far, so the export holds it.
        A refused export is told by the caller, not as a failed save."""
        self.flush_answers()

        def export(store: WorkshopStore) -> str:
            from csi_tui.transfer.files import export_workshop

            if make_folder is not None:
                make_folder.mkdir(parents=True, exist_ok=True)
            return export_workshop(store, workshop_id, kind, path, with_history=with_history, force=force)

        return self._write(workshop_id, export, announce_failure=False)

    # --- plumbing -------------------------------------------------------------------------------

    def _write(self, workshop_id: int | None, job: Callable[[WorkshopStore], T],
               announce_failure: bool = True, answer: tuple[AnswerKey, str] | None = None) -> Future[T]:
        """Queue a job; the Future resolves once it has landed, or failed for a reason other than
        another program holding the file (that is waited out: see _retry_later)."""
        outcome: Future[T] = Future()
        write = _Write(job, outcome, Change(workshop_id, answers_only=answer is not None), announce_failure, answer)
        self._writes.append(write)
        self._publish_state()
        self._attempt(write)
        return outcome

    def _attempt(self, write: _Write[Any]) -> None:
        self.writer.put(write.job).add_done_callback(lambda done: self._on_loop(self._written, write, done))

    def _on_loop(self, callback: Callable[..., None], *args: Any) -> None:
        """Run a writer-thread completion on the UI's loop, where listeners live."""
        loop = self._loop
        if loop is None or loop.is_closed():
            callback(*args)
            return
        try:
            loop.call_soon_threadsafe(callback, *args, context=self._context)
        except RuntimeError:  # the loop closed while the writer finished (quitting)
            callback(*args)

    def _written(self, write: _Write[Any], done: Future[Any]) -> None:
        error = done.exception()
        if error is not None and is_locked(error) and self._loop is not None and not self._loop.is_closed():
            self._retry_later(write)
            return
        self._writes.remove(write)
        if error is not None:
            self._last_failed = write.announce_failure or self._last_failed
            if isinstance(error, VoteRefused):  # a phone's name or vote the rules refused: not a fault
                log.info("the room refused: %s", error)
            else:  # the traceback too: a failed save is what a support report is usually about
                log.error("a save failed: %s", why_not_saved(error), exc_info=error)
            if write.announce_failure:
                self.failed.publish(why_not_saved(error))
            write.outcome.set_exception(error)
        else:
            self._last_failed = False
            change = write.change
            if self._watch is not None:  # our own commit: no need to hear of it again from the poll
                self._seen_version = data_version(self._watch)
                change = self._news(change)
            self.changed.publish(change)
            write.outcome.set_result(done.result())
        self._publish_state()

    def _retry_later(self, write: _Write[Any]) -> None:
        """Another program holds the file's write lock longer than the busy timeout (a merge into
        it, sqlite3 in a transaction): keep the save, say so, and try again until it lands."""
        assert self._loop is not None
        self._waiting.add(write)
        self._publish_state()

        def again() -> None:
            self._waiting.discard(write)
            self._attempt(write)

        self._loop.call_later(RETRY_SECONDS, again)

    def _answer_settled(self, key: AnswerKey, text: str, done: Future[Any]) -> None:
        if done.exception() is not None:
            self.answers.refused(key, text)
        elif (conflict := done.result()) is not None:
            # Changed elsewhere since this text was begun: nothing overwritten, the facilitator
            # chooses (resolve_conflict); until then the text counts as unsaved.
            self.answers.failed.pop(key, None)
            self.answers.conflicts[key] = conflict
            self.conflicted.publish((key, conflict))
        else:
            self.answers.landed(key, text)
        self._publish_state()

    def resolve_conflict(self, key: AnswerKey, keep: Literal["mine", "theirs", "both"]) -> str:
        """Settle an answer changed in two places; returns the text the field now holds."""
        conflict = self.answers.conflicts.pop(key)
        self.answers.saved[key] = conflict.theirs  # the new base: what the file holds
        text = {"mine": conflict.mine, "theirs": conflict.theirs,
                "both": f"{conflict.theirs}\n\n{conflict.mine}"}[keep]
        if text != conflict.theirs:
            self.save_answer(*key, text)
        if keep != "mine":
            self.answer_replaced.publish((key, text))
        self._publish_state()
        return text

    def _publish_state(self) -> None:
        self.save_state.publish(self.state())

    def state(self) -> SaveState:
        if self._waiting:
            return "waiting"
        if self._writes:
            return "saving"
        if self.answers.pending:
            return "editing"
        if self.answers.failed or self.answers.conflicts or self._last_failed:
            return "failed"
        return "saved"
