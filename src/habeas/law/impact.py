"""Impact of an order: whom it protects now, what it reaches, what it requires, by when.

Example: at 18:45-18:48 EDT on 15 March 2025 the oral class order reached the 137 AEA
Venezuelans in US custody, the two planes in the air carrying them (GXA6143, GXA6145), and
created the obligation to turn those planes back at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import TypeAdapter

from habeas.domain import When
from habeas.errors import NotFoundError
from habeas.law.certainty import Certainty, Tri, before
from habeas.law.context import Context


@dataclass(frozen=True, slots=True)
class Protected:
    """A person or group in scope and in custody at the time."""

    id: str
    kind: Literal["person", "group"]
    count: int | None
    certainty: Certainty
    holders: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reach:
    """A movement under way or planned that carries people in scope."""

    movement: str
    status: Literal["under_way", "planned"]
    certain: tuple[str, ...]
    possible: tuple[str, ...]
    certainty: Certainty


@dataclass(frozen=True, slots=True)
class Required:
    """An obligation the order creates, with its deadline (``None``: none set)."""

    kind: str
    people: tuple[str, ...]
    movement: str | None
    due: When | None
    reason: str


@dataclass(frozen=True, slots=True)
class Impact:
    order: str
    at: When
    effect: When | None
    in_force: Certainty | None
    people: tuple[Protected, ...]
    count_certain: int
    count_possible: int
    movements: tuple[Reach, ...]
    obligations: tuple[Required, ...]

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = TypeAdapter(Impact).dump_python(self, mode="json")
        return body


def _subjects(ctx: Context, order_id: str) -> list[str]:
    scope = ctx.case.orders[order_id].protects
    found = [*scope.people, *scope.groups]
    if scope.class_ is not None:
        found += ctx.indexes.population.reachable(scope.class_)
    return list(dict.fromkeys(found))


def order_impact(ctx: Context, order_id: str, at: When | None) -> Impact:
    if order_id not in ctx.case.orders:
        raise NotFoundError(f"no order {order_id!r}")
    d = ctx.describe
    order = ctx.case.orders[order_id]
    effect = ctx.force.effect(order_id)
    start = effect or order.issued
    when = at or When(start.latest, start.latest, start.offset)
    in_force = ctx.force.in_force(order_id, when) if effect is not None else Tri.NO
    theory = ctx.interpretation.removal_complete_at
    people: list[Protected] = []
    certain_count = possible_count = 0
    for subject in _subjects(ctx, order_id):
        states = ctx.state.custody(subject, when, theory)
        member = ctx.protected(order_id, subject, when)
        held = Tri.CERTAIN if all(s.holder for s in states) else Tri.POSSIBLE
        found = min(member, held)
        if found is Tri.NO:
            continue
        count = d.count((subject,)) or 0
        if found is Tri.CERTAIN:
            certain_count += count
        else:
            possible_count += count
        people.append(Protected(subject, "group" if subject in ctx.case.groups else "person",
                                d.count((subject,)), found.word,
                                tuple(sorted({s.holder for s in states if s.holder}))))
    protected = {p.id: Tri.CERTAIN if p.certainty == "certain" else Tri.POSSIBLE
                 for p in people}
    reach = _reach(ctx, protected, when)
    return Impact(order_id, when, effect, in_force.word if in_force else None,
                  tuple(people), certain_count, possible_count, tuple(reach),
                  tuple(_required(ctx, order_id, effect, reach, people)) if effect else ())


def _reach(ctx: Context, protected: dict[str, Tri], when: When) -> list[Reach]:
    movements: dict[str, dict[str, Tri]] = {}
    for subject, member in protected.items():
        for mid in ctx.state.aboard_of.get(subject, ()):
            facts = ctx.state.movements[mid]
            movements.setdefault(mid, {})[subject] = min(member, facts.aboard[subject])
    out = []
    for mid, aboard in sorted(movements.items()):
        facts = ctx.state.movements[mid]
        under_way = ctx.state.under_way(mid, when)
        planned = Tri.CERTAIN if facts.us_departure is None else before(
            when, facts.us_departure.at)
        status: Literal["under_way", "planned"]
        if under_way is not Tri.NO:
            status, sure = "under_way", under_way
        elif planned is not Tri.NO and not facts.landings:
            status, sure = "planned", planned
        else:
            continue
        certain = tuple(sorted(s for s, c in aboard.items() if c is Tri.CERTAIN))
        possible = tuple(sorted(s for s, c in aboard.items() if c is Tri.POSSIBLE))
        out.append(Reach(mid, status, certain, possible,
                         min(sure, max(aboard.values())).word))
    return out


def _required(ctx: Context, order_id: str, effect: When, reach: list[Reach],
              people: list[Protected]) -> list[Required]:
    d = ctx.describe
    out = []
    for directive in ctx.case.orders[order_id].directs:
        due = None
        if directive.within is not None:
            due = When(directive.within.add_to(effect.earliest),
                       directive.within.add_to(effect.latest), effect.offset)
        if directive.action == "return_in_transit":
            for r in reach:
                if r.status == "under_way":
                    out.append(Required("return_in_transit", r.certain + r.possible, r.movement,
                                        due or effect,
                                        f"Turn {d.movement(r.movement)} back."))
        elif directive.action == "facilitate_return":
            away = tuple(p.id for p in people if not any(
                ctx.case.holders[h].country == "US" for h in p.holders
                if h in ctx.case.holders))
            if away:
                out.append(Required("facilitate_return", away, None, due,
                                    f"Facilitate the return of {d.subjects(away)}."))
        elif directive.action == "notice_before_removal":
            out.append(Required("notice_before_removal", tuple(p.id for p in people), None,
                                None, f"At least {directive.hours} hours' notice before any "
                                "removal" + (f", in {directive.language}"
                                             if directive.language else "") + "."))
        else:
            out.append(Required("report", (), None, due, "File the report the order directs."))
    return out


