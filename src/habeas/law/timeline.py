"""A case in time order: orders (issued, in effect under each reading, expiring), events,
notices and statements, optionally about one person, movement or order.

Example: on 15 March 2025 the flagship's timeline runs 17:25 GXA6143 departs, 17:44
GXA6145 departs, 18:45-18:48 the oral order is issued and takes effect (oral reading),
19:25-19:26 the written order takes effect (every reading), 19:36 GXA6122 departs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from habeas.domain import Case, Order, When
from habeas.law.context import Indexes
from habeas.law.force import Force
from habeas.law.interpretation import Interpretation

_RANK = {"order_issued": 0, "order_effect": 1, "order_expiry": 2, "notice": 3, "event": 4,
         "statement": 5}


@dataclass(frozen=True, slots=True)
class Entry:
    """One moment. ``readings`` names the interpretations under which it holds (for an
    order's effect); empty means under every one."""

    at: When
    kind: str
    id: str
    text: str
    readings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Timeline:
    timezone: str
    entries: tuple[Entry, ...]

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = TypeAdapter(Timeline).dump_python(self, mode="json")
        return body


def _orders_for(case: Case, indexes: Indexes, person: str | None, movement: str | None,
                order: str | None) -> set[str]:
    if order is not None:
        related = {order, *(o.id for o in case.orders.values()
                            if order in (*o.vacates, *o.stays) or o.memorializes == order)}
        return related
    subjects: list[str] = []
    if person is not None:
        subjects = [person]
    elif movement is not None:
        subjects = list(indexes.state.movements[movement].aboard)
    found: set[str] = set()
    for subject in subjects:
        found.update(indexes.orders.candidates(subject, *_attributes(case, subject)))
    return found


def _attributes(case: Case, subject: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    found = case.people.get(subject) or case.groups.get(subject)
    return (found.basis, found.nationality) if found else ((), ())


def _order_entries(order: Order, forces: list[Force]) -> list[Entry]:
    out = [Entry(order.issued, "order_issued", order.id,
                 f"{order.court}: {order.form} {order.kind} {order.id} issued")]
    effects: dict[tuple[When, When | None], list[str]] = {}
    for force in forces:
        effect = force.effect(order.id)
        if effect is not None:
            effects.setdefault((effect, force.expiry(order.id)), []).append(
                force.interpretation.effect)
    every = {f.interpretation.effect for f in forces}
    for (effect, expiry), readings in effects.items():
        shown = () if set(readings) == every else tuple(dict.fromkeys(readings))
        out.append(Entry(effect, "order_effect", order.id, f"{order.id} takes effect",
                         shown))
        if expiry is not None:
            out.append(Entry(expiry, "order_expiry", order.id, f"{order.id} expires", shown))
    return out


def build_timeline(case: Case, indexes: Indexes, interpretations: tuple[Interpretation, ...],
                   *, person: str | None = None, movement: str | None = None,
                   order: str | None = None) -> Timeline:
    forces = [Force(case.orders, i) for i in
              {Interpretation(effect=i.effect) for i in interpretations}]
    forces.sort(key=lambda f: f.interpretation.effect)
    filtered = person is not None or movement is not None or order is not None
    orders = _orders_for(case, indexes, person, movement, order) if filtered else set(
        case.orders)
    entries: list[Entry] = []
    for oid in sorted(orders):
        entries += _order_entries(case.orders[oid], forces)
    for nid, notice in case.notices.items():
        if notice.order in orders:
            entries.append(Entry(notice.at, "notice", nid,
                                 f"{notice.party} knew of {notice.order}"
                                 + (f" ({notice.how})" if notice.how else "")))
    movements = set(indexes.state.aboard_of.get(person, ())) if person else set()
    for eid, event in case.events.items():
        if event.kind == "position":
            continue
        if filtered and not (
                (movement is not None and event.movement == movement)
                or (person is not None and (person in event.people
                                            or event.movement in movements))):
            continue
        what = event.movement or ", ".join(event.people)
        where = f" at {event.place}" if event.place else ""
        to = f" to {event.to}" if event.to else ""
        entries.append(Entry(event.at, "event", eid, f"{what}: {event.kind}{where}{to}"))
    for sid, statement in case.statements.items():
        asserted = statement.asserts.complied_with if statement.asserts else ()
        if filtered and not set(asserted) & orders:
            continue
        entries.append(Entry(statement.at, "statement", sid,
                             f"{statement.speaker}: \u201c{statement.text}\u201d"))
    entries.sort(key=lambda e: (e.at.earliest, e.at.latest, _RANK[e.kind], e.id))
    return Timeline(case.timezone, tuple(entries))
