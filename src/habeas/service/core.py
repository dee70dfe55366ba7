"""The service object: every use case of the API, the web pages and the CLI, in one place.

Like datasette's app object it holds everything a request needs (the ledger, the engine over
the current case, the clock, the operational tables) so the shells stay a few lines each.
Access is decided here too: every read takes the principal, so counsel can never be shown a
person who is not its client, whichever shell asks.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from habeas.bundle import parse_bundle
from habeas.bundle.exchange import bundle_json_schema, export_bundle
from habeas.bundle.records import case_from_records, import_case
from habeas.domain import KIND_TO_SECTION, SECTIONS, Case, Entity, Order, RecordRef, When
from habeas.domain.time import zone
from habeas.drawings import case_timeline, route_map
from habeas.errors import NotFoundError, Problem, ValidationError
from habeas.law import Action, Engine, Interpretation, findings_schema
from habeas.law.certainty import Tri
from habeas.ledger import Ledger, Record
from habeas.ledger.witnessing import WitnessClient
from habeas.service import entry, scope, words
from habeas.service.access import Permission, Principal
from habeas.service.accounts import Accounts, TokenInfo
from habeas.service.alerts import Alerts
from habeas.service.clock import Clock, SystemClock, iso
from habeas.service.database import Database
from habeas.service.obligations import DEFAULT_ESCALATION, Obligation, Obligations
from habeas.service.webhooks import HttpTransport, Transport

#: Who must acknowledge an order when none are named: the Government's two arms in the case.
DEFAULT_PARTIES = ("United States (Department of Justice)",
                   "U.S. Immigration and Customs Enforcement")
#: Sections a shell may list and get one by one.
READABLE = ("people", "groups", "holders", "places", "movements", "orders", "statements",
            "notices", "events", "sources", "authorities", "agreements", "motions")
MOVEMENT_STATES = ("departed", "position", "exited_us", "landed", "diverted")


T = TypeVar("T")
#: How early an open obligation is announced as coming due.
DUE_SOON = timedelta(days=1)
#: The court's reading: oral orders bind when pronounced, removal completes at the hand-over.
DEFAULT = Interpretation()


@dataclass(frozen=True)
class _Snapshot:
    """The case at one ledger size, its engine, and the engine's answers so far: every page
    asks for the audit, and it only changes when the log grows."""

    size: int
    case: Case
    engine: Engine
    answers: dict[tuple[str, Interpretation | None], dict[str, Any]] = field(
        default_factory=dict)

    def answer(self, question: str, reading: Interpretation | None,
               work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        key = (question, reading)
        if key not in self.answers:
            self.answers[key] = work()
        return self.answers[key]


class Service:
    """One ledger, its case and engine, and the operational state around them."""

    def __init__(self, ledger: Ledger, db: Database, *, clock: Clock | None = None,
                 transport: Transport | None = None,
                 escalation: tuple[timedelta, ...] = DEFAULT_ESCALATION,
                 parties: tuple[str, ...] = DEFAULT_PARTIES, local_webhooks: bool = False
                 ) -> None:
        self.ledger = ledger
        self.db = db
        self.clock = clock or SystemClock()
        self.transport = transport or HttpTransport()
        self.accounts = Accounts(db)
        self.alerts = Alerts(db, self.clock, local_webhooks=local_webhooks)
        self.obligations = Obligations(db, escalation)
        self.parties = parties
        self._lock = threading.RLock()
        self._snapshot: _Snapshot | None = None
        self._audited_size = -1
        self.witnesses: list[WitnessClient] = []  # C2SP tlog-witness servers to cosign
        self._outbox()  # records already in the log when the service first ran raise nothing

    @classmethod
    def open(cls, url: str, *, create: bool = False, key_path: str | None = None,
             **options: Any) -> Service:
        """The service over the ledger at ``url``, with its operational tables beside it."""
        ledger = Ledger.init(url, key_path) if create else Ledger.open(url, key_path)
        ledger.check_signing_key()  # a 0644 or missing key file stops a server before it starts
        ledger.self_check()  # a log rewritten while the server was down: the signer stops
        return cls(ledger, Database(url), **options)

    # --- the case as it stands ---------------------------------------------------------

    def _current(self) -> _Snapshot:
        with self._lock:
            size = self.ledger.size()
            if self._snapshot is None or self._snapshot.size != size:
                case = case_from_records(self.ledger.scan(0, size))
                self._snapshot = _Snapshot(size, case, Engine(case))
            return self._snapshot

    def _advance(self, before: _Snapshot, section: str, obj: Entity,
                 records: list[Record]) -> None:
        """After appending one new object, the case is the last one plus it: no re-reading
        of the whole log, which grows with every position report. If anyone else appended
        meanwhile, the next read folds the log as usual."""
        if not records or self.ledger.size() != before.size + len(records):
            return
        case = entry.with_section(before.case, section, {**before.case.section(section),
                                                         obj.id: obj})
        last = records[-1]
        refs = {**case.refs, (section, obj.id): RecordRef(last.seq, last.leaf_hash.hex())}
        case = dataclasses.replace(case, refs=refs)
        self._snapshot = _Snapshot(self.ledger.size(), case, Engine(case))

    def case(self) -> Case:
        return self._current().case

    def engine(self) -> Engine:
        return self._current().engine

    # --- reads -------------------------------------------------------------------------

    def entity_json(self, section: str, obj: Entity) -> dict[str, Any]:
        data: dict[str, Any] = obj.model_dump(mode="json", by_alias=True, exclude_none=True)
        ref = self.case().ref(section, obj.id)
        data["record"] = ref.to_json() if ref else None
        return data

    def visible(self, principal: Principal, section: str, obj: Entity) -> bool:
        """Whether ``principal`` may see ``obj``: counsel sees its clients and what touches them."""
        if not principal.scoped:
            return True
        engine, mine = self.engine(), principal.people
        match section:
            case "people":
                return obj.id in mine
            case "movements":
                return bool(scope.movement_subjects(engine, obj.id) & mine)
            case "orders":
                return any(obj.id in scope.orders_touching(engine, p) for p in mine)
            case "events":
                return bool(scope.event_subjects(engine, obj.id) & mine)
            case "notices":
                order = engine.case.orders.get(getattr(obj, "order", ""))
                return order is not None and self.visible(principal, "orders", order)
        return False

    def redact(self, principal: Principal, value: T) -> T:
        """For counsel, ``value`` without the ids of people who are not its clients, wherever
        a list names them (manifests, findings, alerts); cohorts stay, being anonymous."""
        if not principal.scoped:
            return value
        others = set(self.case().people) - principal.people

        def walk(item: Any) -> Any:
            if isinstance(item, dict):
                return {k: walk(v) for k, v in item.items()}
            if isinstance(item, list):
                return [walk(v) for v in item if not (isinstance(v, str) and v in others)]
            return item

        redacted: T = walk(value)
        return redacted

    def alerts_for(self, principal: Principal, *, person: str | None = None,
                   limit: int = 50) -> list[dict[str, Any]]:
        return self.redact(principal, [a.to_json() for a in self.alerts.recent(
            principal, person=person, limit=limit)])

    def entities(self, principal: Principal, section: str) -> list[dict[str, Any]]:
        if section not in READABLE:
            raise NotFoundError(f"no section {section!r}")
        objects = self.case().section(section).values()
        return self.redact(principal, [self.entity_json(section, o) for o in objects
                                       if self.visible(principal, section, o)])

    def get(self, principal: Principal, section: str, obj_id: str) -> Entity:
        """One object, or ``NotFoundError`` alike for "absent" and "not yours to see"."""
        obj = self.case().section(section).get(obj_id) if section in READABLE else None
        if obj is None or not self.visible(principal, section, obj):
            raise NotFoundError(f"no {section.rstrip('s')} {obj_id!r}")
        return obj

    def person_view(self, principal: Principal, person_id: str) -> dict[str, Any]:
        """A person with custody history, protections, movements and alerts about them."""
        person = self.get(principal, "people", person_id)
        engine = self.engine()
        case = engine.case
        events = sorted((e for e in case.events.values()
                         if person_id in scope.event_subjects(engine, e.id)),
                        key=lambda e: words.chronological(e.at, e.kind))
        now = self.clock.now()
        return self.redact(principal, {
            "person": self.entity_json("people", person),
            "custody": [self.entity_json("events", e) for e in events],
            "protections": [{**self.entity_json("orders", case.orders[o]),
                             "status": self.order_status(o, now)}
                            for o in case.orders if o in scope.orders_touching(engine, person_id)],
            "movements": [self.entity_json("movements", case.movements[m])
                          for m in scope.movements_of(engine, person_id)],
            "alerts": self.alerts_for(principal, person=person_id),
        })

    def movement_view(self, principal: Principal, movement_id: str) -> dict[str, Any]:
        movement = self.get(principal, "movements", movement_id)
        case = self.case()
        events = sorted((e for e in case.events.values() if e.movement == movement_id),
                        key=lambda e: words.chronological(e.at, e.kind))
        return self.redact(principal, {"movement": self.entity_json("movements", movement),
                                       "events": [self.entity_json("events", e) for e in events]})

    def order_view(self, principal: Principal, order_id: str, reading: Interpretation
                   ) -> dict[str, Any]:
        """An order with its impact now and the findings that name it."""
        order = self.get(principal, "orders", order_id)
        findings = [f for f in self.audit(principal, reading)["findings"]
                    if f.get("order") == order_id]
        return self.redact(principal, {
            "order": self.entity_json("orders", order),
            "impact": self.impact(principal, order_id, reading),
            "findings": findings,
            "notices": [self.entity_json("notices", n) for n in self.case().notices.values()
                        if n.order == order_id],
            "obligations": [o.to_json() for o in self.obligations.select(order=order_id)],
        })

    def order_status(self, order_id: str, at: datetime) -> str:
        """The engine's answer to "in force now?" under the court's reading, with the
        orders that ended it named: "vacated by vacatur-apr7"."""
        state = self.engine().context(DEFAULT).force.in_force(order_id, When.at(at))
        if state is Tri.CERTAIN:
            return "in force"
        if state is Tri.POSSIBLE:
            return "possibly in force"
        case = self.case()
        enders = [f"vacated by {o.id}" for o in case.orders.values() if order_id in o.vacates]
        enders += [f"stayed by {o.id}" for o in case.orders.values() if order_id in o.stays]
        return "; ".join(enders) or "not in force"

    def movements_under_way(self, principal: Principal) -> list[dict[str, Any]]:
        """Movements whose last event says they are moving (departed, in the air, diverted)."""
        case = self.case()
        latest: dict[str, Any] = {}
        for event in sorted(case.events.values(), key=lambda e: words.chronological(e.at, e.kind)):
            if event.movement:
                latest[event.movement] = event
        moving = [(case.movements[m], e) for m, e in latest.items()
                  if e.kind in MOVEMENT_STATES
                  and not (e.kind == "landed" and e.place == case.movements[m].to)]
        return self.redact(principal, [
            {"movement": self.entity_json("movements", m), "last_event": self.entity_json(
                "events", e)} for m, e in moving if self.visible(principal, "movements", m)])

    def dashboard(self, principal: Principal) -> dict[str, Any]:
        """Orders and their status now, movements under way, open duties, latest findings."""
        case, now = self.case(), self.clock.now()
        board: dict[str, Any] = {"title": case.title, "stats": self.stats(),
                                 "size": self.ledger.size()}
        if not principal.may(Permission.read):
            return board
        orders: list[dict[str, Any]] = [
            {"order": self.entity_json("orders", o), "status": self.order_status(o.id, now)}
            for o in case.orders.values() if self.visible(principal, "orders", o)]
        orders.sort(key=lambda o: (o["status"] != "in force", o["order"]["id"]))
        board.update(
            orders=orders, under_way=self.movements_under_way(principal),
            obligations=[o for o in self.obligations_for(principal)
                         if o["acknowledged_at"] is None],
            duties=[{**o, "overdue": bool(o["due"]) and When.parse(o["due"], None).latest < now}
                    for o in self.audit(principal, DEFAULT)["obligations"]
                    if o["status"] == "open"],
            findings=self.audit(principal, DEFAULT)["findings"],
            alerts=self.alerts_for(principal, limit=8),
            people=self.entities(principal, "people"),
            movements=self.entities(principal, "movements"))
        return board

    def timeline(self, principal: Principal, tz_name: str) -> dict[str, Any]:
        """Orders (issued, in effect under each reading, expired), notices, events and
        statements in time order, for display in ``tz_name``."""
        _zone(tz_name)
        entries = self.engine().timeline().to_json()["entries"]
        return {"timezone": tz_name, "entries": entries}

    def route_map(self, movement_id: str) -> str:
        """The route and recorded positions as SVG, from the shipped country outlines."""
        return route_map(self.case(), [movement_id])

    def timeline_drawing(self, tz_name: str) -> str:
        """The case as lanes over time, each order's effect marked under every reading."""
        return case_timeline(self.case(), _zone(tz_name))

    def stats(self) -> dict[str, Any]:
        """Aggregate counts for the public: no names, no ids of people."""
        case = self.case()
        return {"records": self.ledger.size(),
                "people_named": len(case.people),
                "people_in_groups": sum(g.count or 0 for g in case.groups.values()),
                "movements": len(case.movements), "orders": len(case.orders),
                "statements": len(case.statements)}

    def obligations_for(self, principal: Principal) -> list[dict[str, Any]]:
        """Acknowledgement duties, for orders the principal may see."""
        orders = self.case().orders
        return [o.to_json() for o in self.obligations.select()
                if o.order in orders and self.visible(principal, "orders", orders[o.order])]

    def create_token(self, role: str, *, name: str = "", people: tuple[str, ...] = ()
                     ) -> tuple[TokenInfo, str]:
        return self.accounts.create_token(role, name=name, people=people, now=self.clock.now())

    @staticmethod
    def bundle_schema() -> dict[str, Any]:
        return bundle_json_schema()

    @staticmethod
    def findings_schema() -> dict[str, Any]:
        return findings_schema()

    # --- law ---------------------------------------------------------------------------

    def check(self, principal: Principal, action: Mapping[str, Any], at: datetime,
              reading: Interpretation) -> Any:
        """The guard: deny overrides allow, with every order that forbids the action."""
        engine = self.engine()
        built = Action.from_json({**action, "at": at.isoformat()}, engine.case)
        return engine.check(built, at, reading).to_json()

    def impact(self, principal: Principal, order_id: str, reading: Interpretation
               ) -> dict[str, Any]:
        """Whom the order protects now, what it reaches, what it requires, by when."""
        self.get(principal, "orders", order_id)
        impact: dict[str, Any] = self.engine().impact(order_id, interpretation=reading).to_json()
        return self.redact(principal, impact)

    def audit(self, principal: Principal, reading: Interpretation, as_of: datetime | None = None
              ) -> dict[str, Any]:
        """Findings under ``reading``; counsel gets only those about its clients."""
        result = self._audit(reading) if as_of is None else self.engine().audit(
            as_of=as_of, interpretation=reading).to_json()
        if not principal.scoped:
            return result
        mine = principal.people
        movements = self.case().movements
        theirs = {mid for mid, m in movements.items() if (set(m.carries) | set(m.may_carry)) & mine}
        return self.redact(principal, {
            **result, "statements": [], "agreements": [],
            "findings": [f for f in result["findings"] if set(f["people"]) & mine],
            "obligations": [o for o in result["obligations"] if set(o["people"]) & mine],
            "unconfirmed": [u for u in result["unconfirmed"] if u["movement"] in theirs]})

    def _audit(self, reading: Interpretation) -> dict[str, Any]:
        snapshot = self._current()
        return snapshot.answer("audit", reading,
                               lambda: snapshot.engine.audit(interpretation=reading).to_json())

    def matrix(self, principal: Principal, as_of: datetime | None = None) -> dict[str, Any]:
        """Each finding against every interpretation: where the parties' readings part."""
        snapshot = self._current()
        matrix = snapshot.answer("matrix", None, lambda: snapshot.engine.matrix().to_json()) \
            if as_of is None else snapshot.engine.matrix(as_of).to_json()
        if principal.scoped:
            matrix = self.redact(principal, {**matrix, "rows": [
                r for r in matrix["rows"] if set(r["people"]) & principal.people]})
        return matrix

    # --- proofs ------------------------------------------------------------------------

    def checkpoint(self) -> str:
        """The latest checkpoint, cosigned by the configured witnesses that accept it."""
        if self.witnesses:
            return self.ledger.witnessed_checkpoint(self.witnesses)
        return self.ledger.checkpoint()

    def verifier_key(self) -> str:
        return self.ledger.verifier_key()

    def inclusion(self, seq: int, size: int | None = None) -> Any:
        tree = self.ledger.size()
        if not 0 <= seq < (size if size is not None else tree):
            raise NotFoundError(f"no record {seq} in a log of {size or tree}")
        if size is not None and size > tree:
            raise NotFoundError(f"the log holds {tree} records, not {size}")
        return self.ledger.inclusion_proof(seq, size).to_json()

    def consistency(self, old_size: int, new_size: int | None = None) -> Any:
        tree = self.ledger.size()
        new = tree if new_size is None else new_size
        if not 0 < old_size <= new <= tree:
            raise ValidationError(Problem("old", old_size, f"need 0 < old <= new <= {tree}"))
        return self.ledger.consistency_proof(old_size, new).to_json()

    def record(self, seq: int) -> dict[str, Any]:
        if not 0 <= seq < self.ledger.size():
            raise NotFoundError(f"no record {seq}")
        return self.ledger.get(seq).to_json()

    def export(self, since: int | None = None) -> dict[str, Any]:
        """The case as a bundle, with the checkpoint and every record's inclusion proof."""
        return export_bundle(self.ledger, since)

    # --- writes ------------------------------------------------------------------------

    def add(self, principal: Principal, section: str, payload: Mapping[str, Any], *,
            idempotency_key: str | None = None, parties: Iterable[str] = ()) -> dict[str, Any]:
        """Validate one object against the case, append it, then alert and open notices.

        A request repeated with the same ``idempotency_key`` (per token) gets the first
        answer again and appends nothing, as HTTP clients that retry expect.
        """
        permission = _WRITE_PERMISSION.get(section)
        if permission is None:
            raise ValidationError(Problem("kind", section, "not a kind of record: one of "
                                          + ", ".join(_WRITE_PERMISSION)))
        if not principal.may(permission):
            raise PermissionError(f"a {principal.role} token may not add {section}")
        return self._append(principal, section, payload, idempotency_key, list(parties))

    def _append(self, principal: Principal, section: str, payload: Mapping[str, Any],
                idempotency_key: str | None, parties: list[str]) -> dict[str, Any]:
        scoped_key = f"{principal.token_id}:{idempotency_key}" if idempotency_key else None
        with self._lock:
            if scoped_key:
                answered = self.db.execute("SELECT response FROM svc_requests WHERE key = ?",
                                           (scoped_key,))
                if answered:
                    replay: dict[str, Any] = json.loads(answered[0][0])
                    return replay
                logged = self._logged_answer(section, scoped_key)
                if logged is not None:
                    return logged
            before = self._current()
            obj = entry.validate(before.case, section, payload)
            records = self.ledger.append(entry.drafts(obj, section, principal.name, scoped_key))
            self._advance(before, section, obj, records)
            answer = {"id": obj.id, "kind": SECTIONS[section][0],
                      "records": [r.to_json() for r in records]}
            if scoped_key:
                self.db.execute("INSERT INTO svc_requests VALUES (?, ?, ?)",
                                (scoped_key, json.dumps(answer), iso(self.clock.now())))
            self._drain({record.seq: parties for record in records})
        return answer

    def _logged_answer(self, section: str, scoped_key: str) -> dict[str, Any] | None:
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
        self.db.execute("INSERT INTO svc_requests VALUES (?, ?, ?)",
                        (scoped_key, json.dumps(answer), iso(self.clock.now())))
        return answer

    def import_bundle(self, principal: Principal, text: str) -> dict[str, Any]:
        """Append a whole bundle; importing the same bundle twice appends nothing new."""
        if not principal.may(Permission.append):
            raise PermissionError("only admin imports bundles")
        case = parse_bundle(text, source="bundle")
        with self._lock:
            self._drain({})
            result = import_case(self.ledger, case, actor=principal.name)
            self._set_outbox(self.ledger.size())  # a bulk import is not news, item by item
        return {"title": case.title, "added": result.added, "corrected": result.corrected,
                "unchanged": result.unchanged, "seqs": [r.seq for r in result.records],
                "size": self.ledger.size()}

    def acknowledge(self, principal: Principal, obligation_id: str) -> dict[str, Any]:
        """A party acknowledges an order: a notice record in the ledger closes the duty."""
        if not principal.may(Permission.acknowledge):
            raise PermissionError(f"a {principal.role} token may not acknowledge orders")
        obligation = self.obligations.get(obligation_id)
        order = self.case().orders.get(obligation.order)
        if order is None or not self.visible(principal, "orders", order):
            raise NotFoundError(f"no obligation {obligation_id!r}")
        if not obligation.open:
            return obligation.to_json()
        now = self.clock.now()
        added = self._append(principal, "notices", {
            "order": obligation.order, "party": obligation.party, "at": iso(now),
            "how": f"acknowledged in Habeas by {principal.name} ({principal.role})"},
            f"ack:{obligation.id}", [])
        seq = added["records"][-1]["seq"] if added["records"] else -1
        return self.obligations.acknowledge(obligation_id, int(seq), now).to_json()

    # --- alerts ------------------------------------------------------------------------

    # The outbox: alerts follow the log, not the request. A cursor in the operational tables
    # names the first record whose alerts have not been raised; whoever holds the lock next
    # (the request that appended, or the worker after a crash) raises them, each alert keyed
    # by its record so that raising twice is impossible.

    def _outbox(self) -> int:
        found = self.db.execute("SELECT next_seq FROM svc_outbox WHERE name = 'alerts'")
        if found:
            return int(found[0][0])
        size = self.ledger.size()
        self.db.execute("INSERT INTO svc_outbox VALUES ('alerts', ?)", (size,))
        return size

    def _set_outbox(self, next_seq: int) -> None:
        self.db.execute("UPDATE svc_outbox SET next_seq = ? WHERE name = 'alerts'", (next_seq,))

    def _drain(self, parties: Mapping[int, list[str]]) -> None:
        """Raise the alerts of every record past the cursor; ``parties`` names who must
        acknowledge an order entered by this request (others get the default parties)."""
        start, size = self._outbox(), self.ledger.size()
        if start >= size:
            return
        case = self.engine().case
        for record in self.ledger.scan(start, size):
            section = KIND_TO_SECTION.get(record.kind)
            obj = case.section(section).get(str(record.payload.get("id"))) if section in (
                "events", "orders") else None
            if section is not None and obj is not None:
                self._after(section, obj, parties.get(record.seq, []), record.seq)
        self._set_outbox(size)

    def _after(self, section: str, obj: Entity, parties: list[str], seq: int) -> None:
        """Alerts for what record ``seq`` changes; notice duties for a new order."""
        engine = self.engine()
        case = engine.case
        keys = (f"record:{seq}:{n}" for n in count())
        if section == "events":
            people = scope.event_subjects(engine, obj.id)
            self.alerts.once(next(keys), "movement", people, words.label(case, section, obj),
                             {"event": self.entity_json(section, obj)})
        if section == "orders":
            assert isinstance(obj, Order)
            people = scope.protected(engine, obj)
            self.alerts.once(next(keys), "order", people,
                             f"New order {words.label(case, section, obj)}",
                             {"order": self.entity_json(section, obj)})
            for due in engine.impact(obj.id).to_json()["obligations"]:
                self.alerts.once(next(keys), "obligation", {*due["people"]} or people,
                                 words.obligation_summary(case, obj, due),
                                 {"order": obj.id, "obligation": due})
            opened = self.obligations.open(obj.id, parties or list(self.parties),
                                           self.clock.now())
            for duty in opened:
                self.alerts.once(next(keys), "notice", people, f"{duty.party} must acknowledge "
                                 f"{obj.id} by {duty.due_at}", duty.to_json())

    def tick(self) -> None:
        """What the background worker does every few seconds: alert new findings and
        obligations falling due, escalate unacknowledged notice, then deliver; first, the
        alerts of records a crash left unannounced."""
        with self._lock:
            self._drain({})
        self._watch_audit()
        for duty in self.obligations.escalate(self.clock.now()):
            self._escalated(duty)
        self.alerts.deliver_due(self.transport)

    def _watch_audit(self) -> None:
        """Alert each new finding once, and each open obligation once when it falls due
        within a day and once when it is overdue. The audit runs here, off the request path,
        and only when the log has grown (it is cached per size): a large record makes it
        slow."""
        audit = self._audit(DEFAULT)
        if self.ledger.size() != self._audited_size:
            for finding in audit["findings"]:
                self.alerts.once(f"finding:{finding['id']}", "finding", finding["people"],
                                 finding["reason"], {"finding": finding})
            self._audited_size = self.ledger.size()
        now = self.clock.now()
        for duty in audit["obligations"]:
            if duty["status"] != "open" or not duty["due"]:
                continue
            due = When.parse(duty["due"], None)
            stage = "overdue" if due.latest < now else (
                "due within a day" if due.earliest < now + DUE_SOON else None)
            if stage:
                self.alerts.once(f"obligation:{duty['id']}:{stage}", "obligation",
                                 duty["people"], f"{stage.capitalize()}: {duty['reason']}",
                                 {"obligation": duty})

    def _escalated(self, duty: Obligation) -> None:
        engine = self.engine()
        order = engine.case.orders.get(duty.order)
        people = scope.protected(engine, order) if order else set()
        self.alerts.raise_alert(
            "notice", people, f"ESCALATION {duty.level}: {duty.party} has not acknowledged "
            f"{duty.order}", duty.to_json())


_WRITE_PERMISSION = {
    "events": Permission.record_movement,
    "movements": Permission.record_movement,
    "orders": Permission.enter_order,
    "notices": Permission.enter_order,
    "motions": Permission.enter_order,
    **{section: Permission.append for section in SECTIONS
       if section not in ("events", "movements", "orders", "notices", "motions")},
}


def _zone(name: str) -> ZoneInfo:
    try:
        return zone(name)
    except ValueError:
        raise ValidationError(Problem("tz", name, "an IANA time zone such as "
                                      "America/New_York")) from None


