"""Request handling for writes: new objects, bundle imports, acknowledgements, and the
guard's receipts.

A write validates against the latest snapshot, appends with the tree size it validated
against (so a write by another process in between is noticed and the write validated
again), hands the records to the follower, which swaps in the new snapshot, then raises
their alerts. Writes in this process take turns on one lock; readers never take it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from habeas.bundle import parse_bundle
from habeas.bundle.records import import_case
from habeas.domain import SECTIONS, Entity
from habeas.errors import IntegrityError, NotFoundError, Problem, ValidationError
from habeas.law import Action, Interpretation
from habeas.ledger import Ledger, Record, RecordDraft
from habeas.service import entry, scope
from habeas.service.access import Permission, Principal
from habeas.service.clock import Clock, iso
from habeas.service.database import Database
from habeas.service.follower import CHANNEL, Follower, Snapshot
from habeas.service.idempotency import Requests, fingerprint
from habeas.service.obligations import Obligations
from habeas.service.outbox import Outbox
from habeas.service.views import Views

#: The kind of the record each guard decision leaves in the ledger (docs/ledger.md).
RECEIPT_KIND = "guard.receipt"
#: How many times a write is validated again when another process appended meanwhile.
RETRIES = 5

_WRITE_PERMISSION = {
    "events": Permission.record_movement,
    "movements": Permission.record_movement,
    "orders": Permission.enter_order,
    "notices": Permission.enter_order,
    "motions": Permission.enter_order,
    **{section: Permission.append for section in SECTIONS
       if section not in ("events", "movements", "orders", "notices", "motions")},
}


T = TypeVar("T")


class Writes:
    """Everything that appends to the ledger on a principal's behalf."""

    def __init__(self, ledger: Ledger, db: Database, follower: Follower, views: Views,
                 outbox: Outbox, obligations: Obligations, clock: Clock) -> None:
        self.ledger = ledger
        self.db = db
        self.follower = follower
        self.views = views
        self.outbox = outbox
        self.obligations = obligations
        self.clock = clock
        self.requests = Requests(db)
        self.lock = threading.RLock()
        self.appender = Appender(ledger)

    def appended(self, records: list[Record]) -> Snapshot:
        """After an append: the follower folds the records, other processes are told."""
        snapshot = self.follower.advance(records)
        if records:
            self.db.notify(CHANNEL, str(records[-1].seq + 1))
        return snapshot

    def external(self, append: Callable[[Ledger], T]) -> T:
        """An append made by code that validates and appends by itself (an importer, the
        CourtListener hook), taking this process's turn and then folded and announced like
        any other write, so its records are read back at once and alerted once."""
        with self.lock, self.appender.turn():
            done = append(self.ledger)
            snapshot = self.follower.catch_up()
        self.db.notify(CHANNEL, str(snapshot.size))
        self.outbox.drain(snapshot)
        return done

    def add(self, principal: Principal, section: str, payload: Mapping[str, Any], *,
            idempotency_key: str | None = None, parties: Iterable[str] = (),
            context: str = "") -> dict[str, Any]:
        """Validate one object against the case, append it, then alert and open notices.

        A request repeated with the same ``idempotency_key`` (per token) gets the first
        answer again and appends nothing, as HTTP clients that retry expect; the same key
        with other content (or another ``context``: the rest of a batch) is a conflict.
        """
        permission = _WRITE_PERMISSION.get(section)
        if permission is None:
            raise ValidationError(Problem("kind", section, "not a kind of record: one of "
                                          + ", ".join(_WRITE_PERMISSION)))
        if not principal.may(permission):
            raise PermissionError(f"a {principal.role} token may not add {section}")
        return self._append(principal, section, payload, idempotency_key, list(parties),
                            fingerprint(section, payload, list(parties), context))

    def _append(self, principal: Principal, section: str, payload: Mapping[str, Any],
                idempotency_key: str | None, parties: list[str], asked: str
                ) -> dict[str, Any]:
        """``asked`` fingerprints the request, for telling a retry from a reused key."""
        scoped_key = f"{principal.token_id}:{idempotency_key}" if idempotency_key else None
        with self.lock:
            if scoped_key:
                replay = self.requests.replay(scoped_key, asked, shown=str(idempotency_key))
                if replay is not None:
                    return replay
                logged = self._logged_answer(section, scoped_key, asked)
                if logged is not None:
                    return logged
            obj, records = self._validated_append(principal, section, payload, scoped_key,
                                                  parties)
            snapshot = self.appended(records)
            answer = {"id": obj.id, "kind": SECTIONS[section][0],
                      "records": [r.to_json() for r in records]}
            if scoped_key:
                self.requests.remember(scoped_key, asked, answer, iso(self.clock.now()))
        self.outbox.drain(snapshot)  # outside the lock: alerts are claimed one by one anyway
        return answer

    def _validated_append(self, principal: Principal, section: str,
                          payload: Mapping[str, Any], scoped_key: str | None,
                          parties: list[str]) -> tuple[Entity, list[Record]]:
        """Validate against the latest case, then append against the size of the log as it
        stands when this process's turn to append comes. Receipts that landed meanwhile
        leave the case as it was, so the validation holds; when the case changed (another
        process wrote), the object is validated again."""
        before = self.follower.catch_up()
        for _ in range(RETRIES):
            obj = entry.validate(before.case, section, payload)
            if section == "orders":
                self.outbox.expect_parties(obj.id, parties)
            drafts = entry.drafts(obj, section, principal.name, scoped_key)
            with self.appender.turn():
                now = self.follower.catch_up()
                if now.case is before.case:
                    try:
                        return obj, self.ledger.append(drafts, expected_size=now.size)
                    except IntegrityError:
                        if self.ledger.size() == now.size:
                            raise  # not a race: a real conflict
            before = self.follower.catch_up()
        raise IntegrityError("the case kept changing under this write; try again")

    def _logged_answer(self, section: str, scoped_key: str, asked: str
                       ) -> dict[str, Any] | None:
        """The answer to a request whose records reached the ledger but whose answer was
        never stored (the server died in between), rebuilt from the records and stored, so
        that the client's retry is answered instead of refused as a duplicate."""
        rows = self.ledger.store.by_idempotency_keys([f"{scoped_key}:0"])
        if not rows:
            return None
        row = rows[f"{scoped_key}:0"]
        record = Record.from_leaf(row.body, row.leaf_hash)
        answer = {"id": record.payload["id"], "kind": SECTIONS[section][0],
                  "records": [record.to_json()]}
        self.requests.remember(scoped_key, asked, answer, iso(self.clock.now()))
        return answer

    def import_bundle(self, principal: Principal, text: str) -> dict[str, Any]:
        """Append a whole bundle; importing the same bundle twice appends nothing new."""
        if not principal.may(Permission.append):
            raise PermissionError("only admin imports bundles")
        case = parse_bundle(text, source="bundle")
        with self.lock:
            self.outbox.drain(self.follower.catch_up())
            with self.appender.turn():  # receipts wait: the import is made against a size
                result = import_case(self.ledger, case, actor=principal.name)
            snapshot = self.appended(list(result.records))
            self.outbox.skip_to(snapshot.size)  # a bulk import is not news, item by item
        return {"title": case.title, "added": result.added, "corrected": result.corrected,
                "unchanged": result.unchanged, "seqs": [r.seq for r in result.records],
                "size": snapshot.size}

    def acknowledge(self, principal: Principal, obligation_id: str) -> dict[str, Any]:
        """A party acknowledges an order: a notice record in the ledger closes the duty."""
        if not principal.may(Permission.acknowledge):
            raise PermissionError(f"a {principal.role} token may not acknowledge orders")
        obligation = self.obligations.get(obligation_id)
        lens = self.views.lens(principal)
        order = lens.snapshot.case.orders.get(obligation.order)
        if order is None or not lens.sees("orders", order):
            raise NotFoundError(f"no obligation {obligation_id!r}")
        if not principal.acts_for(obligation.party):
            raise PermissionError(f"only a token acting for {obligation.party} may acknowledge "
                                  "this order on its behalf")
        if not obligation.open:
            return lens.redact(obligation.to_json())
        now = self.clock.now()
        added = self._append(principal, "notices", {
            "order": obligation.order, "party": obligation.party, "at": iso(now),
            "how": f"acknowledged in Habeas by {principal.name} ({principal.role})"},
            f"ack:{obligation.id}", [], fingerprint("ack", obligation.id))  # "at" is now
        seq = added["records"][-1]["seq"] if added["records"] else -1
        return lens.redact(self.obligations.acknowledge(obligation_id, int(seq), now).to_json())

    def check(self, principal: Principal, action: Mapping[str, Any], at: datetime,
              reading: Interpretation) -> dict[str, Any]:
        """The guard: deny overrides allow, with every order that forbids the action; the
        decision is appended as a receipt, so that "it asked and was told deny", and "it
        never asked", can be proved later. Judged on the current snapshot without waiting
        for any write; the receipt joins the next group commit."""
        snapshot = self.follower.current()
        built = Action.from_json({**action, "at": at.isoformat()}, snapshot.case)
        decision: dict[str, Any] = snapshot.engine.check(built, at, reading).to_json()
        subjects = set(built.subjects) | (scope.movement_subjects(snapshot.engine, built.movement)
                                          if built.movement else set())
        receipt = RecordDraft(kind=RECEIPT_KIND, actor=principal.name, payload={
            "action": {**action, "at": at.isoformat()}, "asked_at": iso(self.clock.now()),
            "reading": reading.to_json(), "decision": decision["decision"],
            "orders_judged": sorted({o for s in subjects
                                     for o in scope.orders_touching(snapshot.engine, s)}),
            "forbidding": sorted({d["order"] for d in (*decision["denials"],
                                                       *decision["breaches"])}),
            "tree_size": snapshot.size})
        record = self.appender.receipt(receipt)
        self.follower.advance([record])  # no NOTIFY: a receipt changes no one's case
        return {**decision, "receipt": {"seq": record.seq, "leaf_hash": record.leaf_hash.hex(),
                                        "tree_size": snapshot.size}}


class Appender:
    """This process's appends, one at a time, with receipts committed in groups.

    A write appends against the size it checked, so a receipt slipping in between would
    refuse it; taking turns prevents that within a process. Receipts wait in a queue, and
    the first of them to get a turn appends every waiting receipt in one batch: many guard
    calls cost one commit, and no guard call waits for more than the append ahead of it.
    """

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._turn = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[tuple[RecordDraft, Future[Record]]] = []

    @contextmanager
    def turn(self) -> Iterator[None]:
        """This process's turn to append; receipts waiting meanwhile go in the next group."""
        with self._turn:
            yield

    def receipt(self, draft: RecordDraft) -> Record:
        """Append ``draft`` in the next group of receipts; returns its record."""
        waiting: Future[Record] = Future()
        with self._queue_lock:
            self._queue.append((draft, waiting))
        with self._turn:
            if not waiting.done():
                self._flush()
        return waiting.result()

    def _flush(self) -> None:
        with self._queue_lock:
            group, self._queue = self._queue, []
        if not group:
            return
        try:
            records = self._ledger.append([draft for draft, _ in group])
        except Exception as error:
            for _, waiting in group:
                waiting.set_exception(error)
            return
        for (_, waiting), record in zip(group, records, strict=True):
            waiting.set_result(record)
