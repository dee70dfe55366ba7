"""The follower of the log: the case and its engine at one tree size, swapped whole.

Readers take ``current()`` (one attribute read: no lock) and keep that snapshot for the
whole request, so a page is consistent with one tree size while a write is being folded.
A writer folds new records under the fold lock and swaps the snapshot in one assignment.
``catch_up`` reads the log from the snapshot's size, so records appended by another
process (or by ``habeas import`` beside the server) are folded too; ``Watcher`` calls it
when PostgreSQL notifies an append, and on a short poll otherwise.

The fold itself is one function, ``Follower.fold(snapshot, records) -> Snapshot``; today it
reads the case back from the log and builds a new engine (or, for records that only add new
objects, extends the last case), and an incremental engine can replace it without changing
any caller.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pydantic

from habeas.bundle.records import CASE_KIND, case_from_records
from habeas.domain import KIND_TO_SECTION, SECTIONS, Case, Entity, RecordRef
from habeas.law import Engine
from habeas.ledger import Ledger, Record
from habeas.service.background import Background

#: The channel a writer notifies after each append (PostgreSQL); the payload is the new size.
CHANNEL = "habeas_log"
#: How often a follower looks at the log's size when nothing notified it.
POLL_SECONDS = 0.25


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The case at one tree size, its engine, and answers computed from them.

    Answers (the audit, the matrix, a lens's redacted case) are cached here, so they live
    exactly as long as the tree size they were computed for. Two requests asking the same
    question share one computation; a request asking another question never waits.
    """

    size: int
    case: Case
    engine: Engine
    _answers: dict[Any, Future[Any]] = field(default_factory=dict, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def answer(self, key: Any, work: Callable[[], Any]) -> Any:
        with self._guard:  # held only to find or place the future, never while computing
            found = self._answers.get(key)
            mine = found is None
            if found is None:
                found = self._answers[key] = Future()
        if mine:
            try:
                found.set_result(work())
            except BaseException as error:
                found.set_exception(error)
                with self._guard:
                    self._answers.pop(key, None)
        return found.result()


    def grown(self, size: int) -> Snapshot:
        """The same case and engine at a larger tree size, when the records between do not
        touch the case: its answers stay (they depend on the case alone)."""
        return Snapshot(size, self.case, self.engine, self._answers, self._guard)


def build(case: Case, size: int) -> Snapshot:
    return Snapshot(size, case, Engine(case))


class Follower:
    """Owns the current snapshot of one ledger."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._fold_lock = threading.Lock()
        size = ledger.size()
        self._snapshot = build(case_from_records(ledger.scan(0, size)), size)

    def current(self) -> Snapshot:
        """The latest snapshot; never waits for a write."""
        return self._snapshot

    def advance(self, records: Sequence[Record]) -> Snapshot:
        """Fold ``records`` (just appended, in seq order) into the snapshot and swap it.

        Records the snapshot already holds are skipped; if some record between the
        snapshot and ``records`` is missing (another process appended it), the gap is read
        from the log first, so the snapshot always holds a prefix of the log.
        """
        with self._fold_lock:
            snapshot = self._snapshot
            fresh = [r for r in records if r.seq >= snapshot.size]
            if not fresh:
                return snapshot
            if fresh[0].seq != snapshot.size:
                fresh = list(self.ledger.scan(snapshot.size, fresh[-1].seq + 1))
            self._snapshot = self.fold(snapshot, fresh)
            return self._snapshot

    def catch_up(self) -> Snapshot:
        """Fold whatever the log holds past the snapshot: others' appends."""
        size = self.ledger.size()
        snapshot = self._snapshot
        if size <= snapshot.size:
            return snapshot
        return self.advance(list(self.ledger.scan(snapshot.size, size)))

    def fold(self, snapshot: Snapshot, records: Sequence[Record]) -> Snapshot:
        """The snapshot after ``records`` (which follow it exactly). Replaceable by an
        incremental engine's fold; this one extends the case when every record only adds
        a new object, and reads the whole log back otherwise."""
        size = records[-1].seq + 1
        if not any(r.kind in KIND_TO_SECTION or r.kind == CASE_KIND or r.retracts is not None
                   for r in records):
            return snapshot.grown(size)  # receipts and the like: the same case, one size on
        extended = _extend(snapshot.case, records)
        if extended is None:
            extended = case_from_records(self.ledger.scan(0, size))
        return build(extended, size)


def _extend(case: Case, records: Sequence[Record]) -> Case | None:
    """``case`` plus the new objects ``records`` add, or ``None`` when any record does
    more (corrects, retracts, replaces an id, sets the case header)."""
    sections: dict[str, dict[str, Entity]] = {}
    refs = dict(case.refs)
    tz = ZoneInfo(case.timezone)
    for record in records:
        section = KIND_TO_SECTION.get(record.kind)
        if record.corrects is not None or record.retracts is not None:
            return None
        if section is None:
            if record.kind == CASE_KIND:
                return None
            continue  # records of other layers (receipts, acknowledgements) are not objects
        obj_id = str(record.payload.get("id", ""))
        if obj_id in case.section(section) or obj_id in sections.get(section, {}):
            return None
        try:
            obj = SECTIONS[section][1].model_validate(record.payload, context={"tz": tz})
        except pydantic.ValidationError:
            return None  # the full read names the record and the problem
        sections.setdefault(section, dict(case.section(section)))[obj_id] = obj
        refs[(section, obj_id)] = RecordRef(record.seq, record.leaf_hash.hex())
    extended = dataclasses.replace(case, refs=refs, **sections)  # type: ignore[arg-type]
    return None if extended.problems() else extended


class Watcher(Background):
    """A thread that keeps a follower up with the log: on PostgreSQL it LISTENs for the
    writers' NOTIFY and polls as a fallback; on SQLite it polls the log's size."""

    def __init__(self, follower: Follower, on_advance: Callable[[Snapshot], None],
                 *, poll: float = POLL_SECONDS) -> None:
        super().__init__("habeas-follower")
        self._follower = follower
        self._on_advance = on_advance
        self._poll = poll

    def _run(self) -> None:
        log = logging.getLogger("habeas.follower")
        listener = _Listener.open(self._follower.ledger.store.url)
        try:
            while not self._stop.is_set():
                try:
                    before = self._follower.current().size
                    after = self._follower.catch_up()
                    if after.size != before:
                        self._on_advance(after)
                except Exception:  # a bad read must not stop following for good
                    log.exception("following the log failed")
                if listener is None:
                    self._stop.wait(self._poll)
                    continue
                try:
                    listener.wait(self._poll, self._stop)
                except Exception:
                    log.warning("lost the LISTEN connection; polling the log from now on")
                    listener.close()
                    listener = None
        finally:
            if listener is not None:
                listener.close()


class _Listener:
    """A PostgreSQL connection LISTENing on ``CHANNEL``."""

    #: The longest one wait blocks, so that stopping the watcher is prompt.
    SLICE = 0.5

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    @classmethod
    def open(cls, url: str) -> _Listener | None:
        """A listener, or ``None`` when the ledger is not on PostgreSQL (or LISTEN fails,
        and the poll alone keeps the follower up)."""
        if not url.startswith(("postgresql://", "postgres://")):
            return None
        import psycopg

        try:
            conn = psycopg.connect(url, autocommit=True)
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            logging.getLogger("habeas.follower").warning("LISTEN failed; polling the log")
            return None
        return cls(conn)

    def wait(self, timeout: float, stop: threading.Event) -> None:
        """Until a NOTIFY arrives, ``timeout`` seconds pass, or ``stop`` is set."""
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            for _ in self._conn.notifies(timeout=min(left, self.SLICE), stop_after=1):
                return

    def close(self) -> None:
        self._conn.close()
