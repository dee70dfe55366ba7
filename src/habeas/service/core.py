"""The service object: every use case of the API, the web pages and the CLI, in one place.

Like datasette's app object it holds everything a request needs (the ledger, the engine over
the current case, the clock, the operational tables) so the shells stay a few lines each.
Access is decided here too: every read takes the principal, so counsel can never be shown a
person who is not its client, whichever shell asks.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pydantic

from habeas.bundle import parse_bundle
from habeas.bundle.exchange import bundle_json_schema, export_bundle
from habeas.bundle.load import problems_from_pydantic
from habeas.bundle.records import CASE_KIND, case_from_records, case_to_drafts, import_case
from habeas.domain import SECTIONS, Case, Entity, Order, When
from habeas.domain.time import Period, zone
from habeas.errors import NotFoundError, Problem, ValidationError
from habeas.ledger import Record, RecordDraft
from habeas.service import scope
from habeas.service.access import Permission, Principal
from habeas.service.accounts import Accounts, TokenInfo
from habeas.service.alerts import Alerts
from habeas.service.backend import Backend, EnginePort, as_json
from habeas.service.clock import Clock, SystemClock, iso
from habeas.service.database import Database
from habeas.service.obligations import DEFAULT_ESCALATION, Obligation, Obligations
from habeas.service.webhooks import HttpTransport, Transport

#: Who must acknowledge an order when none are named: the Government's two arms in the case.
DEFAULT_PARTIES = ("United States (Department of Justice)",
                   "U.S. Immigration and Customs Enforcement")
EFFECTS = ("oral", "written")
REMOVAL_COMPLETE = ("departure", "exit_territory", "custody_transfer")
#: Sections a shell may list and get one by one.
READABLE = ("people", "groups", "holders", "places", "movements", "orders", "statements",
            "notices", "events", "sources", "authorities", "agreements", "motions")
EVENT_ORDER = ("notice_given", "boarded", "struck", "departed", "position", "exited_us",
               "entered_us", "diverted", "landed", "custody_transferred", "returned", "released")
MOVEMENT_STATES = ("departed", "position", "exited_us", "landed", "diverted")


@dataclass(frozen=True)
class Reading:
    """The interpretation a question is asked under (DESIGN.md, "Interpretations")."""

    effect: str = "oral"
    removal_complete_at: str = "custody_transfer"

    def __post_init__(self) -> None:
        if self.effect not in EFFECTS:
            raise ValidationError(Problem("effect", self.effect, "one of " + ", ".join(EFFECTS)))
        if self.removal_complete_at not in REMOVAL_COMPLETE:
            raise ValidationError(Problem("removal_complete_at", self.removal_complete_at,
                                          "one of " + ", ".join(REMOVAL_COMPLETE)))

    def to_json(self) -> dict[str, str]:
        return {"effect": self.effect, "removal_complete_at": self.removal_complete_at}


ALL_READINGS = tuple(Reading(e, r) for e, r in itertools.product(EFFECTS, REMOVAL_COMPLETE))


@dataclass(frozen=True)
class _Snapshot:
    size: int
    case: Case
    engine: EnginePort


class Service:
    """One ledger, its case and engine, and the operational state around them."""

    def __init__(self, backend: Backend, db: Database, *, clock: Clock | None = None,
                 transport: Transport | None = None,
                 escalation: tuple[timedelta, ...] = DEFAULT_ESCALATION,
                 parties: tuple[str, ...] = DEFAULT_PARTIES) -> None:
        self.backend = backend
        self.ledger = backend.ledger
        self.db = db
        self.clock = clock or SystemClock()
        self.transport = transport or HttpTransport()
        self.accounts = Accounts(db)
        self.alerts = Alerts(db, self.clock)
        self.obligations = Obligations(db, escalation)
        self.parties = parties
        self._lock = threading.RLock()
        self._snapshot: _Snapshot | None = None

    @classmethod
    def open(cls, url: str, *, create: bool = False, key_path: str | None = None,
             **options: Any) -> Service:
        """The service over the ledger at ``url``, with its operational tables beside it."""
        from habeas.service.backend import real_backend

        return cls(real_backend(url, key_path, create=create), Database(url), **options)

    # --- the case as it stands ---------------------------------------------------------

    def _current(self) -> _Snapshot:
        with self._lock:
            size = self.ledger.size()
            if self._snapshot is None or self._snapshot.size != size:
                case = case_from_records(self.ledger.scan(0, size))
                self._snapshot = _Snapshot(size, case, self.backend.engine(case))
            return self._snapshot

    def case(self) -> Case:
        return self._current().case

    def _interpretation(self, reading: Reading) -> Any:
        return self.backend.interpretation(**reading.to_json())

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
        case, mine = self.case(), principal.people
        match section:
            case "people":
                return obj.id in mine
            case "movements":
                return bool(scope.movement_subjects(case, obj.id) & mine)
            case "orders":
                assert isinstance(obj, Order)
                return bool(scope.protected(case, obj.protects) & mine)
            case "events":
                return bool(scope.event_subjects(case, obj.id) & mine)
            case "notices":
                order = case.orders.get(getattr(obj, "order", ""))
                return order is not None and self.visible(principal, "orders", order)
        return False

    def entities(self, principal: Principal, section: str) -> list[dict[str, Any]]:
        if section not in READABLE:
            raise NotFoundError(f"no section {section!r}")
        objects = self.case().section(section).values()
        return [self.entity_json(section, o) for o in objects
                if self.visible(principal, section, o)]

    def get(self, principal: Principal, section: str, obj_id: str) -> Entity:
        """One object, or ``NotFoundError`` alike for "absent" and "not yours to see"."""
        obj = self.case().section(section).get(obj_id) if section in READABLE else None
        if obj is None or not self.visible(principal, section, obj):
            raise NotFoundError(f"no {section.rstrip('s')} {obj_id!r}")
        return obj

    def person_view(self, principal: Principal, person_id: str) -> dict[str, Any]:
        """A person with custody history, protections, movements and alerts about them."""
        person = self.get(principal, "people", person_id)
        case = self.case()
        events = sorted((e for e in case.events.values()
                         if person_id in scope.event_subjects(case, e.id)),
                        key=lambda e: chronological(e.at, e.kind))
        return {
            "person": self.entity_json("people", person),
            "custody": [self.entity_json("events", e) for e in events],
            "protections": [self.entity_json("orders", o) for o in case.orders.values()
                            if person_id in scope.protected(case, o.protects)],
            "movements": [self.entity_json("movements", m) for m in case.movements.values()
                          if person_id in scope.movement_subjects(case, m.id)],
            "alerts": [a.to_json() for a in self.alerts.recent(principal, person=person_id)],
        }

    def movement_view(self, principal: Principal, movement_id: str) -> dict[str, Any]:
        movement = self.get(principal, "movements", movement_id)
        case = self.case()
        events = sorted((e for e in case.events.values() if e.movement == movement_id),
                        key=lambda e: chronological(e.at, e.kind))
        return {"movement": self.entity_json("movements", movement),
                "events": [self.entity_json("events", e) for e in events]}

    def order_view(self, principal: Principal, order_id: str, reading: Reading
                   ) -> dict[str, Any]:
        """An order with its impact now and the findings that name it."""
        order = self.get(principal, "orders", order_id)
        findings = [f for f in self.audit(principal, reading)["findings"]
                    if f.get("order") == order_id]
        return {
            "order": self.entity_json("orders", order),
            "impact": self.impact(principal, order_id, reading),
            "findings": findings,
            "notices": [self.entity_json("notices", n) for n in self.case().notices.values()
                        if n.order == order_id],
            "obligations": [o.to_json() for o in self.obligations.select(order=order_id)],
        }

    def order_status(self, order_id: str, at: datetime) -> str:
        """"in force", or what ended it: vacated, stayed, expired, not yet in effect."""
        case = self.case()
        order = case.orders[order_id]
        for other in case.orders.values():
            if order_id in other.vacates and other.takes_effect.latest <= at:
                return f"vacated by {other.id}"
            if order_id in other.stays and other.takes_effect.latest <= at:
                return f"stayed by {other.id}"
        if order.takes_effect.earliest > at:
            return "not yet in effect"
        expires = order.expires
        if expires is not None:
            end = (expires.add_to(order.takes_effect.latest) if isinstance(expires, Period)
                   else expires.earliest)
            if end <= at:
                return "expired"
        return "in force"

    def movements_under_way(self, principal: Principal) -> list[dict[str, Any]]:
        """Movements whose last event says they are moving (departed, in the air, diverted)."""
        case = self.case()
        latest: dict[str, Any] = {}
        for event in sorted(case.events.values(), key=lambda e: chronological(e.at, e.kind)):
            if event.movement:
                latest[event.movement] = event
        return [{"movement": self.entity_json("movements", case.movements[m]),
                 "last_event": self.entity_json("events", e)}
                for m, e in latest.items()
                if e.kind in MOVEMENT_STATES and not (e.kind == "landed"
                                                      and e.place == case.movements[m].to)
                and self.visible(principal, "movements", case.movements[m])]

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
            findings=self.audit(principal, Reading())["findings"],
            alerts=[a.to_json() for a in self.alerts.recent(principal, limit=8)],
            people=self.entities(principal, "people"),
            movements=self.entities(principal, "movements"))
        return board

    def timeline(self, principal: Principal, tz_name: str) -> dict[str, Any]:
        """Orders, notices, events and statements in time order, shown in ``tz_name``."""
        try:
            tz = zone(tz_name)
        except ValueError:
            raise ValidationError(Problem("tz", tz_name, "an IANA time zone such as "
                                          "America/New_York")) from None
        case = self.case()
        entries = []
        for section, obj in case.objects():
            when = getattr(obj, "issued" if section == "orders" else "at", None)
            if when is None or section not in ("orders", "notices", "events", "statements"):
                continue
            if not self.visible(principal, section, obj) and not (
                    section == "statements" and not principal.scoped):
                continue
            entries.append({"section": section, "id": obj.id, "at": when.to_json(),
                            "earliest": iso(when.earliest), "latest": iso(when.latest),
                            "shown": when.format(tz), "label": _label(case, section, obj),
                            "order": chronological(when, getattr(obj, "kind", ""))})
        entries.sort(key=lambda e: e.pop("order"))
        return {"timezone": tz_name, "entries": entries}

    def route_map(self, movement_id: str) -> str | None:
        """The route and positions as SVG, drawn by ``habeas.drawings`` when installed."""
        try:
            from habeas.drawings import route_map  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            return None
        svg: str = route_map(self.case(), movement_id)
        return svg

    def timeline_drawing(self, tz_name: str) -> str | None:
        """The case timeline as SVG, with each order's effect under every interpretation."""
        try:
            from habeas.drawings import timeline  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            return None
        svg: str = timeline(self.case(), tz=zone(tz_name))
        return svg

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
        try:
            from habeas.law import findings_schema  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            raise NotFoundError("the findings schema ships with habeas.law, which is "
                                "not installed here") from None
        schema: dict[str, Any] = findings_schema()
        return schema

    # --- law ---------------------------------------------------------------------------

    def check(self, principal: Principal, action: Mapping[str, Any], at: datetime,
              reading: Reading) -> Any:
        snapshot = self._current()
        try:
            built = self.backend.action(**action)
        except (TypeError, ValueError, pydantic.ValidationError) as error:
            raise ValidationError(Problem("action", dict(action), str(error))) from None
        return as_json(snapshot.engine.check(built, at, self._interpretation(reading)))

    def impact(self, principal: Principal, order_id: str, reading: Reading) -> Any:
        self.get(principal, "orders", order_id)
        engine = self._current().engine
        return as_json(engine.impact(order_id, interpretation=self._interpretation(reading)))

    def audit(self, principal: Principal, reading: Reading, as_of: datetime | None = None
              ) -> dict[str, Any]:
        """Findings under ``reading``; counsel gets only those about its clients."""
        result: dict[str, Any] = as_json(self._current().engine.audit(
            as_of=as_of, interpretation=self._interpretation(reading)))
        if principal.scoped:
            result = {**result, "findings": [
                f for f in result.get("findings", []) if set(f.get("people", ())) &
                principal.people], "statements": []}
        return result

    def matrix(self, principal: Principal, as_of: datetime | None = None) -> dict[str, Any]:
        """Each finding against every interpretation: where the parties' readings part."""
        rows: dict[str, dict[str, Any]] = {}
        for reading in ALL_READINGS:
            column = f"{reading.effect}/{reading.removal_complete_at}"
            for finding in self.audit(principal, reading, as_of)["findings"]:
                key = finding_key(finding)
                row = rows.setdefault(key, {"finding": finding, "cells": {}})
                row["cells"][column] = finding.get("certainty", "certain")
        columns = [f"{r.effect}/{r.removal_complete_at}" for r in ALL_READINGS]
        return {"columns": columns, "rows": list(rows.values())}

    # --- proofs ------------------------------------------------------------------------

    def checkpoint(self) -> str:
        return self.ledger.checkpoint()

    def verifier_key(self) -> str:
        return self.ledger.verifier_key()

    def inclusion(self, seq: int, size: int | None = None) -> Any:
        tree = self.ledger.size()
        if not 0 <= seq < (size if size is not None else tree):
            raise NotFoundError(f"no record {seq} in a log of {size or tree}")
        if size is not None and size > tree:
            raise NotFoundError(f"the log holds {tree} records, not {size}")
        return as_json(self.ledger.inclusion_proof(seq, size))

    def consistency(self, old_size: int, new_size: int | None = None) -> Any:
        tree = self.ledger.size()
        new = tree if new_size is None else new_size
        if not 0 < old_size <= new <= tree:
            raise ValidationError(Problem("old", old_size, f"need 0 < old <= new <= {tree}"))
        return as_json(self.ledger.consistency_proof(old_size, new))

    def record(self, seq: int) -> dict[str, Any]:
        if not 0 <= seq < self.ledger.size():
            raise NotFoundError(f"no record {seq}")
        record: dict[str, Any] = as_json(self.ledger.get(seq))
        return record

    def export(self) -> dict[str, Any]:
        """The case as a bundle, with the checkpoint and every record's inclusion proof."""
        return export_bundle(self.ledger)

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
            obj = self._validate(before.case, section, payload)
            findings_before = self._finding_keys(before)
            added = _with(Case(), section, {obj.id: obj})
            drafts = [d for d in case_to_drafts(added, actor=principal.name)
                      if d.kind != CASE_KIND]
            if scoped_key:
                drafts = [_keyed(d, f"{scoped_key}:{i}") for i, d in enumerate(drafts)]
            records = self.ledger.append(drafts)
            answer = {"id": obj.id, "kind": SECTIONS[section][0],
                      "records": [as_json(r) for r in records]}
            if scoped_key:
                self.db.execute("INSERT INTO svc_requests VALUES (?, ?, ?)",
                                (scoped_key, json.dumps(answer), iso(self.clock.now())))
            self._after(section, obj, findings_before, parties)
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
                  "records": [as_json(record)]}
        self.db.execute("INSERT INTO svc_requests VALUES (?, ?, ?)",
                        (scoped_key, json.dumps(answer), iso(self.clock.now())))
        return answer

    def import_bundle(self, principal: Principal, text: str) -> dict[str, Any]:
        """Append a whole bundle; importing the same bundle twice appends nothing new."""
        if not principal.may(Permission.append):
            raise PermissionError("only admin imports bundles")
        case = parse_bundle(text, source="bundle")
        with self._lock:
            result = import_case(self.ledger, case, actor=principal.name)
        return {"title": case.title, "added": result.added, "corrected": result.corrected,
                "unchanged": result.unchanged, "seqs": [r.seq for r in result.records],
                "size": self.ledger.size()}

    def acknowledge(self, principal: Principal, obligation_id: str) -> dict[str, Any]:
        """A party acknowledges an order: a notice record in the ledger closes the duty."""
        if not principal.may(Permission.acknowledge):
            raise PermissionError(f"a {principal.role} token may not acknowledge orders")
        obligation = self.obligations.get(obligation_id)
        if not obligation.open:
            return obligation.to_json()
        now = self.clock.now()
        added = self._append(principal, "notices", {
            "order": obligation.order, "party": obligation.party, "at": iso(now),
            "how": f"acknowledged in Habeas by {principal.name} ({principal.role})"},
            f"ack:{obligation.id}", [])
        seq = added["records"][-1]["seq"] if added["records"] else -1
        return self.obligations.acknowledge(obligation_id, int(seq), now).to_json()

    def _validate(self, case: Case, section: str, payload: Mapping[str, Any]) -> Entity:
        model = SECTIONS[section][1]
        data = dict(payload)
        data.setdefault("id", _fresh_id(case, section, data))
        try:
            obj = model.model_validate(data, context={"tz": ZoneInfo(case.timezone)})
        except pydantic.ValidationError as error:
            raise ValidationError(problems_from_pydantic(error)) from None
        if obj.id in case.section(section):
            raise ValidationError(Problem("id", obj.id, f"{section} already holds this id; "
                                          "a correction is a new record"))
        merged = _with(case, section, {**case.section(section), obj.id: obj})
        prefix = f"{section}.{obj.id}"
        problems = [dataclasses.replace(p, path=p.path.removeprefix(prefix).lstrip("."))
                    for p in merged.problems() if p.path.startswith(prefix)]
        if problems:
            raise ValidationError(problems)
        return obj

    # --- alerts ------------------------------------------------------------------------

    def _finding_keys(self, snapshot: _Snapshot) -> set[str]:
        audit = as_json(snapshot.engine.audit(interpretation=self._interpretation(Reading())))
        return {finding_key(f) for f in audit.get("findings", [])}

    def _after(self, section: str, obj: Entity, findings_before: set[str],
               parties: list[str]) -> None:
        """Alerts for what the new record changes; notice duties for a new order."""
        snapshot = self._current()
        case = snapshot.case
        if section == "events":
            people = scope.event_subjects(case, obj.id)
            self.alerts.raise_alert("movement", people, _label(case, section, obj),
                                    {"event": self.entity_json(section, obj)})
        if section == "orders":
            assert isinstance(obj, Order)
            people = scope.protected(case, obj.protects)
            self.alerts.raise_alert("order", people, f"New order {_label(case, section, obj)}",
                                    {"order": self.entity_json(section, obj)})
            impact = as_json(snapshot.engine.impact(
                obj.id, interpretation=self._interpretation(Reading())))
            for due in impact.get("obligations", []) if isinstance(impact, dict) else []:
                self.alerts.raise_alert("obligation", people, _obligation_summary(obj, due),
                                        {"order": obj.id, "obligation": due})
            opened = self.obligations.open(obj.id, parties or list(self.parties),
                                           self.clock.now())
            for duty in opened:
                self.alerts.raise_alert("notice", people, f"{duty.party} must acknowledge "
                                        f"{obj.id} by {duty.due_at}", duty.to_json())
        audit = as_json(snapshot.engine.audit(interpretation=self._interpretation(Reading())))
        for finding in audit.get("findings", []):
            if finding_key(finding) not in findings_before:
                self.alerts.raise_alert("finding", finding.get("people", []),
                                        finding.get("reason") or finding.get("kind", "finding"),
                                        {"finding": finding})

    def tick(self) -> None:
        """What the background worker does every few seconds: escalate, then deliver."""
        for duty in self.obligations.escalate(self.clock.now()):
            self._escalated(duty)
        self.alerts.deliver_due(self.transport)

    def _escalated(self, duty: Obligation) -> None:
        case = self.case()
        order = case.orders.get(duty.order)
        people = scope.protected(case, order.protects) if order else set()
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


def chronological(when: When, kind: str = "") -> tuple[datetime, datetime, int]:
    """Sort vague times by their middle ("landed 19:30-21:50" after "departed 19:36"), and
    events of one interval in the order they must happen: landed before handed over."""
    rank = EVENT_ORDER.index(kind) if kind in EVENT_ORDER else len(EVENT_ORDER)
    return when.earliest + (when.latest - when.earliest) / 2, when.earliest, rank


def finding_key(finding: Mapping[str, Any]) -> str:
    """A finding's identity across interpretations and appends."""
    return json.dumps([finding.get("kind"), finding.get("order"), finding.get("movement"),
                       sorted(finding.get("people", []))])


def _with(case: Case, section: str, objects: Mapping[str, Entity]) -> Case:
    """``case`` with one section replaced."""
    changes: dict[str, Any] = {section: objects}
    return dataclasses.replace(case, **changes)


def _keyed(draft: RecordDraft, key: str) -> RecordDraft:
    return dataclasses.replace(draft, idempotency_key=key)


def _fresh_id(case: Case, section: str, data: Mapping[str, Any]) -> str:
    stem = str(data.get("movement") or data.get("order") or section.rstrip("s"))
    kind = str(data.get("kind", "record"))
    for n in itertools.count(1):
        candidate = f"{stem}.{kind}.{n}"[:100]
        if candidate not in case.section(section):
            return candidate
    raise AssertionError("unreachable")


def _label(case: Case, section: str, obj: Any) -> str:
    """One line a reader recognises: "GXA6143 departed Valley International Airport"."""
    match section:
        case "orders":
            return f"{obj.id}: {obj.court}, {obj.kind.replace('_', ' ')} ({obj.form})"
        case "events":
            movement = case.movements.get(obj.movement or "")
            subject = (movement.flight or movement.id) if movement else ", ".join(obj.people)
            place = case.places.get(obj.place or "")
            holder = case.holders.get(obj.to or "")
            where = f" at {place.name.split(',')[0]}" if place else ""
            to = f" to {holder.name}" if holder else (f" to {obj.to}" if obj.to else "")
            return f"{subject} {obj.kind.replace('_', ' ')}{where}{to}"
        case "statements":
            return f"{obj.speaker}: “{obj.text}”"
        case "notices":
            return f"{obj.party} knew of {obj.order}"
    return str(obj.id)


def _obligation_summary(order: Order, due: Mapping[str, Any]) -> str:
    what = str(due.get("action") or due.get("kind") or "obligation").replace("_", " ")
    target = due.get("movement") or ", ".join(due.get("people", [])) or ""
    deadline = due.get("deadline") or due.get("due") or "at once"
    return f"{order.id}: {what} {target} (due {deadline})".replace("  ", " ")
