"""What each page and endpoint shows: one snapshot, seen through one principal's lens.

Every view takes the snapshot once (so a page is consistent with one tree size however
long it takes), builds its answer from it, and ends in ``Lens.redact``: nothing leaves here
unredacted. Expensive answers (the audit, the matrix) are cached on the snapshot, so they
are computed once per tree size and never under a lock another request needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from habeas.domain import Entity, When
from habeas.domain.time import zone
from habeas.drawings import case_timeline, route_map
from habeas.errors import NotFoundError, Problem, ValidationError
from habeas.law import Interpretation
from habeas.law.certainty import Tri
from habeas.ledger import Ledger
from habeas.service import scope, words
from habeas.service.access import Permission, Principal
from habeas.service.alerts import Alerts
from habeas.service.clock import Clock
from habeas.service.follower import Follower, Snapshot
from habeas.service.lens import Lens
from habeas.service.obligations import Obligations
from habeas.service.pages import Page, paginate

#: Sections a shell may list and get one by one.
READABLE = ("people", "groups", "holders", "places", "movements", "orders", "statements",
            "notices", "events", "sources", "authorities", "agreements", "motions")
MOVEMENT_STATES = ("departed", "position", "exited_us", "landed", "diverted")
#: The court's reading: oral orders bind when pronounced, removal completes at the hand-over.
DEFAULT = Interpretation()
#: How many orders, people and movements the dashboard lists (the rest are a list's pages).
DASHBOARD_ROWS = 50


def entity_json(snapshot: Snapshot, section: str, obj: Entity) -> dict[str, Any]:
    data: dict[str, Any] = obj.model_dump(mode="json", by_alias=True, exclude_none=True)
    ref = snapshot.case.ref(section, obj.id)
    data["record"] = ref.to_json() if ref else None
    return data


class Views:
    """The read side of the service."""

    def __init__(self, follower: Follower, ledger: Ledger, alerts: Alerts,
                 obligations: Obligations, clock: Clock) -> None:
        self.follower = follower
        self.ledger = ledger
        self.alerts = alerts
        self.obligations = obligations
        self.clock = clock

    def lens(self, principal: Principal) -> Lens:
        """The principal's lens on the current snapshot: the one way out of the service."""
        return Lens(principal, self.follower.current())

    # --- objects -----------------------------------------------------------------------

    def get(self, lens: Lens, section: str, obj_id: str) -> Entity:
        """One object, or ``NotFoundError`` alike for "absent" and "not yours to see"."""
        found = lens.snapshot.case.section(section).get(obj_id) if section in READABLE else None
        if found is None or not lens.sees(section, found):
            raise NotFoundError(f"no {section.rstrip('s')} {obj_id!r}")
        return found

    def entity(self, principal: Principal, section: str, obj_id: str) -> dict[str, Any]:
        lens = self.lens(principal)
        return lens.redact(entity_json(lens.snapshot, section, self.get(lens, section, obj_id)))

    def entities(self, principal: Principal, section: str, *, limit: int | None = None,
                 cursor: str | None = None, **filters: str | None) -> Page:
        """One page of ``section`` as the principal sees it, filtered (see ``pages.py``)."""
        if section not in READABLE:
            raise NotFoundError(f"no section {section!r}")
        lens = self.lens(principal)
        objects = (o for o in lens.snapshot.case.section(section).values()
                   if lens.sees(section, o))
        chosen = paginate(section, objects, lens.snapshot, limit=limit, cursor=cursor,
                          **filters)
        return chosen.with_items(lens.redact(
            [entity_json(lens.snapshot, section, o) for o in chosen.items]))

    def alerts_for(self, principal: Principal, *, person: str | None = None,
                   limit: int = 50) -> list[dict[str, Any]]:
        lens = self.lens(principal)
        return lens.redact([a.to_json() for a in self.alerts.recent(
            principal, person=person, limit=limit)])

    def obligations_for(self, principal: Principal) -> list[dict[str, Any]]:
        """Acknowledgement duties, for orders the principal may see."""
        lens = self.lens(principal)
        orders = lens.snapshot.case.orders
        return lens.redact([o.to_json() for o in self.obligations.select()
                            if o.order in orders and lens.sees("orders", orders[o.order])])

    def person(self, principal: Principal, person_id: str) -> dict[str, Any]:
        """A person with custody history, protections, movements and alerts about them."""
        lens = self.lens(principal)
        snap = lens.snapshot
        person = self.get(lens, "people", person_id)
        engine, case = snap.engine, snap.case
        events = sorted((e for e in case.events.values()
                         if person_id in scope.event_subjects(engine, e.id)),
                        key=lambda e: words.chronological(e.at, e.kind))
        now = self.clock.now()
        touching = scope.orders_touching(engine, person_id)
        return lens.redact({
            "person": entity_json(snap, "people", person),
            "custody": [entity_json(snap, "events", e) for e in events],
            "protections": [{**entity_json(snap, "orders", case.orders[o]),
                             "status": order_status(snap, o, now)}
                            for o in case.orders if o in touching],
            "movements": [entity_json(snap, "movements", case.movements[m])
                          for m in scope.movements_of(engine, person_id)],
            "alerts": self.alerts_for(principal, person=person_id),
        })

    def movement(self, principal: Principal, movement_id: str) -> dict[str, Any]:
        lens = self.lens(principal)
        snap = lens.snapshot
        movement = self.get(lens, "movements", movement_id)
        events = sorted((e for e in snap.case.events.values() if e.movement == movement_id),
                        key=lambda e: words.chronological(e.at, e.kind))
        return lens.redact({"movement": entity_json(snap, "movements", movement),
                            "events": [entity_json(snap, "events", e) for e in events]})

    def order(self, principal: Principal, order_id: str, reading: Interpretation
              ) -> dict[str, Any]:
        """An order with its impact now and the findings that name it."""
        lens = self.lens(principal)
        snap = lens.snapshot
        order = self.get(lens, "orders", order_id)
        findings = [f for f in self._audit(lens, reading)["findings"]
                    if f.get("order") == order_id]
        return lens.redact({
            "order": entity_json(snap, "orders", order),
            "impact": snap.engine.impact(order_id, interpretation=reading).to_json(),
            "findings": findings,
            "notices": [entity_json(snap, "notices", n) for n in snap.case.notices.values()
                        if n.order == order_id],
            "obligations": [o.to_json() for o in self.obligations.select(order=order_id)],
        })

    def impact(self, principal: Principal, order_id: str, reading: Interpretation
               ) -> dict[str, Any]:
        """Whom the order protects now, what it reaches, what it requires, by when."""
        lens = self.lens(principal)
        self.get(lens, "orders", order_id)
        impact: dict[str, Any] = lens.snapshot.engine.impact(
            order_id, interpretation=reading).to_json()
        return lens.redact(impact)

    # --- the case as a whole ------------------------------------------------------------

    def under_way(self, principal: Principal) -> list[dict[str, Any]]:
        """Movements whose last event says they are moving (departed, in the air, diverted)."""
        lens = self.lens(principal)
        return lens.redact(self._under_way(lens))

    def _under_way(self, lens: Lens) -> list[dict[str, Any]]:
        snap = lens.snapshot
        case = snap.case
        latest = snap.answer("latest-movement-events", lambda: _latest_events(snap))
        moving = [(case.movements[m], e) for m, e in latest.items()
                  if e.kind in MOVEMENT_STATES
                  and not (e.kind == "landed" and e.place == case.movements[m].to)]
        return [{"movement": entity_json(snap, "movements", m),
                 "last_event": entity_json(snap, "events", e),
                 "reached_by": sorted(_orders_reaching(snap, m.id))}
                for m, e in moving if lens.sees("movements", m)]

    def dashboard(self, principal: Principal) -> dict[str, Any]:
        """What needs action now: movements under way that an order reaches, unmet
        obligations and duties, new findings; then the orders in force. Lists of people
        and movements are pages (``/api/people``), not the whole record."""
        lens = self.lens(principal)
        snap = lens.snapshot
        case, now = snap.case, self.clock.now()
        board: dict[str, Any] = {"title": case.title, "stats": stats(snap),
                                 "size": snap.size}
        if not principal.may(Permission.read):
            return board
        orders: list[dict[str, Any]] = [
            {"order": entity_json(snap, "orders", o), "status": order_status(snap, o.id, now)}
            for o in case.orders.values() if lens.sees("orders", o)]
        orders.sort(key=lambda o: (o["status"] != "in force", o["order"]["id"]))
        del orders[DASHBOARD_ROWS:]
        audit = self._audit(lens, DEFAULT)
        under_way = self._under_way(lens)
        under_way.sort(key=lambda m: not m["reached_by"])
        board.update(
            orders=orders, under_way=under_way,
            obligations=[o for o in self.obligations_for(principal)
                         if o["acknowledged_at"] is None],
            duties=[{**o, "overdue": bool(o["due"]) and When.parse(o["due"], None).latest < now}
                    for o in audit["obligations"] if o["status"] == "open"],
            findings=_newest_findings(audit["findings"]),
            alerts=self.alerts_for(principal, limit=8),
            people=self.entities(principal, "people", limit=DASHBOARD_ROWS).items,
            movements=self.entities(principal, "movements", limit=DASHBOARD_ROWS).items)
        return lens.redact(board)

    def timeline(self, principal: Principal, tz_name: str) -> dict[str, Any]:
        """Orders (issued, in effect under each reading, expired), notices, events and
        statements in time order, for display in ``tz_name``."""
        parse_zone(tz_name)
        lens = self.lens(principal)
        entries = lens.snapshot.answer("timeline", lambda: lens.snapshot.engine.timeline()
                                       .to_json()["entries"])
        return lens.redact({"timezone": tz_name, "entries": entries})

    def route_map(self, principal: Principal, movement_id: str) -> str:
        """The route and recorded positions as SVG, from the shipped country outlines."""
        lens = self.lens(principal)
        self.get(lens, "movements", movement_id)
        return lens.redact(route_map(lens.case(), [movement_id]))

    def timeline_drawing(self, principal: Principal, tz_name: str) -> str:
        """The case as lanes over time, each order's effect marked under every reading."""
        lens = self.lens(principal)
        return lens.redact(case_timeline(lens.case(), parse_zone(tz_name)))

    def stats(self) -> dict[str, Any]:
        """Aggregate counts for the public: no names, no ids of people."""
        return stats(self.follower.current())

    def audit(self, principal: Principal, reading: Interpretation,
              as_of: datetime | None = None) -> dict[str, Any]:
        """Findings under ``reading``; counsel gets only those about its clients."""
        lens = self.lens(principal)
        return lens.redact(self._audit(lens, reading, as_of))

    def _audit(self, lens: Lens, reading: Interpretation, as_of: datetime | None = None
               ) -> dict[str, Any]:
        snap = lens.snapshot
        result = whole_audit(snap, reading) if as_of is None else snap.engine.audit(
            as_of=as_of, interpretation=reading).to_json()
        if not lens.scoped:
            return result
        theirs = {mid for mid, m in snap.case.movements.items() if lens.sees("movements", m)}
        return {**result, "statements": [], "agreements": [],
                "findings": [f for f in result["findings"] if lens.sees_people(f["people"])],
                "obligations": [o for o in result["obligations"]
                                if lens.sees_people(o["people"])],
                "unconfirmed": [u for u in result["unconfirmed"] if u["movement"] in theirs]}

    def matrix(self, principal: Principal, as_of: datetime | None = None) -> dict[str, Any]:
        """Each finding against every interpretation: where the parties' readings part."""
        lens = self.lens(principal)
        snap = lens.snapshot
        matrix: dict[str, Any] = snap.answer("matrix", lambda: snap.engine.matrix().to_json()) \
            if as_of is None else snap.engine.matrix(as_of).to_json()
        if lens.scoped:
            matrix = {**matrix, "rows": [r for r in matrix["rows"]
                                         if lens.sees_people(r["people"])]}
        return lens.redact(matrix)



def whole_audit(snapshot: Snapshot, reading: Interpretation) -> dict[str, Any]:
    """The audit of the whole case under ``reading``, computed once per snapshot: every
    page asks for it, the worker first (off the request path)."""
    found: dict[str, Any] = snapshot.answer(
        ("audit", reading), lambda: snapshot.engine.audit(interpretation=reading).to_json())
    return found


def stats(snapshot: Snapshot) -> dict[str, Any]:
    case = snapshot.case
    return {"records": snapshot.size,
            "people_named": len(case.people),
            "people_in_groups": sum(g.count or 0 for g in case.groups.values()),
            "movements": len(case.movements), "orders": len(case.orders),
            "statements": len(case.statements)}


def order_status(snapshot: Snapshot, order_id: str, at: datetime) -> str:
    """The engine's answer to "in force now?" under the court's reading, with the orders
    that ended it named: "vacated by vacatur-apr7"."""
    state = snapshot.engine.context(DEFAULT).force.in_force(order_id, When.at(at))
    if state is Tri.CERTAIN:
        return "in force"
    if state is Tri.POSSIBLE:
        return "possibly in force"
    orders = snapshot.case.orders.values()
    enders = [f"vacated by {o.id}" for o in orders if order_id in o.vacates]
    enders += [f"stayed by {o.id}" for o in orders if order_id in o.stays]
    return "; ".join(enders) or "not in force"


def parse_zone(name: str) -> ZoneInfo:
    try:
        return zone(name)
    except ValueError:
        raise ValidationError(Problem("tz", name, "an IANA time zone such as "
                                      "America/New_York")) from None


def _latest_events(snapshot: Snapshot) -> dict[str, Any]:
    latest: dict[str, Any] = {}
    for event in sorted(snapshot.case.events.values(),
                        key=lambda e: words.chronological(e.at, e.kind)):
        if event.movement:
            latest[event.movement] = event
    return latest


def _orders_reaching(snapshot: Snapshot, movement_id: str) -> set[str]:
    """Orders whose scope may include someone aboard: those a movement must be checked
    against before it goes on."""
    found: set[str] = set()
    for subject in scope.movement_subjects(snapshot.engine, movement_id):
        found |= scope.orders_touching(snapshot.engine, subject)
    return found


def _newest_findings(findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings whose evidence is newest first: what the last records changed."""
    def newest(finding: dict[str, Any]) -> int:
        return max((e.get("seq") or -1 for e in finding.get("events", ())), default=-1)

    return sorted(findings, key=newest, reverse=True)
