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
from habeas.law.state import MovementFacts

Status = Literal["under_way", "planned"]
Moving = tuple[str, Status, MovementFacts, Tri]


@dataclass(frozen=True, slots=True)
class Reach:
    """A movement under way or planned that carries people in scope."""

    movement: str
    status: Status
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
    """Whom the order reaches at ``at``: the ids certainly in scope (``people``) and those
    possibly in it, counted (a group by its count), where they are held (``holders``: count
    by holder), the movements that carry them, and what the order requires by when."""

    order: str
    at: When
    effect: When | None
    in_force: Certainty | None
    people: tuple[str, ...]
    possible: tuple[str, ...]
    count_certain: int
    count_possible: int
    holders: dict[str, int]
    movements: tuple[Reach, ...]
    obligations: tuple[Required, ...]

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = TypeAdapter(Impact).dump_python(self, mode="json")
        return body


def _count(ctx: Context, ids: list[str]) -> int:
    groups = [s for s in ids if s in ctx.case.groups] if ctx.case.groups else []
    return len(ids) - len(groups) + sum(ctx.case.groups[g].count or 0 for g in groups)


def order_impact(ctx: Context, order_id: str, at: When | None) -> Impact:
    if order_id not in ctx.case.orders:
        raise NotFoundError(f"no order {order_id!r}")
    order = ctx.case.orders[order_id]
    effect = ctx.force.effect(order_id)
    start = effect or order.issued
    when = at or When(start.latest, start.latest, start.offset)
    in_force = ctx.force.in_force(order_id, when) if effect is not None else Tri.NO
    theory = ctx.interpretation.removal_complete_at
    moving = _moving(ctx, when)
    aboard = {s for _, _, facts, _ in moving for s in facts.aboard}
    reached = ctx.indexes.population.reach(order.protects, when, theory, aboard)
    reach = _reach(moving, reached.asked)
    return Impact(order_id, when, effect, in_force.word if in_force else None,
                  tuple(reached.certain), tuple(reached.possible),
                  _count(ctx, reached.certain), _count(ctx, reached.possible),
                  reached.holders, tuple(reach),
                  tuple(_required(ctx, order_id, effect, reach, reached.certain
                                  + reached.possible, when)) if effect else ())


def _moving(ctx: Context, when: When) -> list[Moving]:
    """Movements under way at ``when``, or planned then (a planned time after it, or no
    departure recorded). A flight the record shows leaving months later was not, for all
    the record says, planned at ``when``."""
    out: list[Moving] = []
    for mid, facts in ctx.state.movements.items():
        under_way = ctx.state.under_way(mid, when)
        planned_at = facts.movement.planned
        if facts.us_departure is None:
            planned = Tri.CERTAIN
        elif planned_at is not None:
            planned = min(before(when, planned_at), before(when, facts.us_departure.at))
        else:
            planned = Tri.NO
        if under_way is not Tri.NO:
            out.append((mid, "under_way", facts, under_way))
        elif planned is not Tri.NO and not facts.landings:
            out.append((mid, "planned", facts, planned))
    return out


def _reach(moving: list[Moving], protected: dict[str, Tri]) -> list[Reach]:
    """The moving movements that carry people in scope, and how surely."""
    out = []
    for mid, status, facts, sure in moving:
        aboard = {s: min(c, protected[s]) for s, c in facts.aboard.items() if s in protected}
        if not aboard:
            continue
        certain = tuple(sorted(s for s, c in aboard.items() if c is Tri.CERTAIN))
        possible = tuple(sorted(s for s, c in aboard.items() if c is Tri.POSSIBLE))
        out.append(Reach(mid, status, certain, possible,
                         min(sure, max(aboard.values())).word))
    return sorted(out, key=lambda r: r.movement)


def _required(ctx: Context, order_id: str, effect: When, reach: list[Reach],
              people: list[str], when: When) -> list[Required]:
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
            theory = ctx.interpretation.removal_complete_at
            away = tuple(p for p in people if not any(
                s.in_us for s in ctx.state.custody(p, when, theory)))
            if away:
                out.append(Required("facilitate_return", away, None, due,
                                    f"Facilitate the return of {d.subjects(away)}."))
        elif directive.action == "notice_before_removal":
            out.append(Required("notice_before_removal", tuple(people), None,
                                None, f"At least {directive.hours} hours' notice before any "
                                "removal" + (f", in {directive.language}"
                                             if directive.language else "") + "."))
        else:
            out.append(Required("report", (), None, due, "File the report the order directs."))
    return out


