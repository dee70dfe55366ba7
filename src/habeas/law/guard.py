"""The guard: may this action be taken now? Deny overrides allow.

An agency calls it before acting. The proposed action is turned into the same ``Act``s the
audit reads off the record and judged by the same function (``forbid.violations``), so the
guard denies whatever the audit would later report. It is conservative: a *possible*
violation denies, with its certainty stated. Example: departing flight GXA6145 from
Palmerola at 23:30 EDT on 15 March 2025 is denied: the oral order forbids removing the AEA
Venezuelans aboard, and directed that the plane return.

A departure abroad, or a hand-over to a foreign holder, is judged as the removal it sets in
motion, whatever the reading of when a removal is complete: the guard stops a removal
before it starts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, cast, get_args

from habeas.domain import Case, When
from habeas.domain.time import zone
from habeas.errors import Problem, ValidationError
from habeas.law.acts import Act
from habeas.law.certainty import Certainty, Tri, at_or_before
from habeas.law.context import Context
from habeas.law.describe import capital
from habeas.law.forbid import Violation, violations
from habeas.law.state import US

ActionKind = Literal["board", "depart", "transfer_custody", "transfer_out_of", "remove"]


@dataclass(frozen=True, slots=True)
class Action:
    """A proposed action. ``to``: a country (remove) or a holder or country
    (transfer_custody). Depart and board take the movement's passengers unless ``subjects``
    names them.

    Example: ``Action("remove", ("abrego-garcia",), to="SV")``.
    """

    action: ActionKind
    subjects: tuple[str, ...] = ()
    movement: str | None = None
    to: str | None = None
    district: str | None = None
    at: When | None = None

    @classmethod
    def from_json(cls, data: Any, case: Case) -> Action:
        """Read ``{"action": "depart", "movement": "gxa6122", "at": "2025-03-15T19:36-04:00"}``;
        a ``ValidationError`` names each field that is wrong."""
        if not isinstance(data, Mapping):
            raise ValidationError(Problem("", data, "an action is a JSON object"))
        problems = []
        kind = data.get("action")
        if kind not in get_args(ActionKind):
            problems.append(Problem("action", kind, "one of " + ", ".join(get_args(ActionKind))))
        unknown = set(data) - {"action", "subjects", "movement", "to", "district", "at"}
        problems += [Problem(k, data[k], "unknown field") for k in sorted(unknown)]
        subjects = data.get("subjects", [])
        if isinstance(subjects, str):
            subjects = [subjects]
        if not isinstance(subjects, list):
            problems.append(Problem("subjects", subjects, "a list of person or group ids"))
            subjects = []
        problems += [Problem(f"subjects[{i}]", s, "no person or group with this id")
                     for i, s in enumerate(subjects)
                     if not isinstance(s, str) or not case.is_subject(s)]
        problems += [Problem(name, data[name], "a string") for name in
                     ("movement", "to", "district")
                     if data.get(name) is not None and not isinstance(data[name], str)]
        movement = data.get("movement")
        if isinstance(movement, str) and movement not in case.movements:
            problems.append(Problem("movement", movement, "no movement with this id"))
        if kind in ("depart", "board") and movement is None:
            problems.append(Problem("movement", None, f"{kind} needs a movement"))
        if kind in ("remove", "transfer_custody") and not data.get("to"):
            problems.append(Problem("to", None, f"{kind} needs 'to' (a country or holder)"))
        if kind == "transfer_out_of" and not data.get("district"):
            problems.append(Problem("district", None, "transfer_out_of needs a district"))
        if kind not in ("depart", "board") and not subjects:
            problems.append(Problem("subjects", subjects, f"{kind} needs subjects"))
        at = None
        try:
            at = When.parse(data["at"], zone(case.timezone)) if "at" in data else None
        except ValueError as error:
            problems.append(Problem("at", data.get("at"), str(error)))
        if "at" not in data:
            problems.append(Problem("at", None, "required: when the action would be taken"))
        if problems:
            raise ValidationError(problems)
        return cls(cast(ActionKind, kind), tuple(subjects), movement, data.get("to"),
                   data.get("district"), at)


@dataclass(frozen=True, slots=True)
class Denial:
    """An order that forbids the action, for these subjects."""

    order: str
    forbids: str
    people: tuple[str, ...]
    certainty: Certainty
    reason: str


@dataclass(frozen=True, slots=True)
class Breach:
    """An obligation the action would break."""

    order: str
    obligation: str
    people: tuple[str, ...]
    certainty: Certainty
    reason: str


@dataclass(frozen=True, slots=True)
class Decision:
    """``allowed`` is false when any order forbids the action or any obligation would break."""

    allowed: bool
    action: Action
    at: When
    denials: tuple[Denial, ...]
    breaches: tuple[Breach, ...]

    @property
    def decision(self) -> str:
        return "allow" if self.allowed else "deny"

    def to_json(self) -> dict[str, Any]:
        from pydantic import TypeAdapter

        body: dict[str, Any] = TypeAdapter(Decision).dump_python(self, mode="json")
        return {"decision": self.decision, **body}


def _acts(ctx: Context, action: Action, at: When) -> Iterator[Act]:
    case = ctx.case
    if action.action in ("depart", "board"):
        assert action.movement is not None
        facts = ctx.state.movements[action.movement]
        subjects = action.subjects or tuple(facts.aboard)
        landed = [e for e in facts.landings if at_or_before(e.at, at) is Tri.CERTAIN]
        place_id = (landed[-1].place if landed else None) or facts.movement.from_
        place = case.places.get(place_id)
        destination = case.places.get(facts.movement.to)
        for subject in subjects:
            applies = facts.aboard.get(subject, Tri.CERTAIN)
            yield Act("depart", subject, at, applies, action.movement, facts.destination,
                      place=place_id)
            if place is not None and place.district and (
                    destination is None or destination.district != place.district):
                yield Act("transfer_out_of", subject, at, applies, action.movement,
                          district=place.district, place=place_id)
            if facts.international and place is not None and place.country == US:
                yield Act("remove", subject, at, applies, action.movement, facts.destination)
        return
    holder = case.holders.get(action.to) if action.to else None
    country = holder.country if holder else action.to
    for subject in action.subjects:
        if action.action == "remove":
            yield Act("remove", subject, at, country=country)
        elif action.action == "transfer_out_of":
            yield Act("transfer_out_of", subject, at, district=action.district)
        else:
            yield Act("transfer_custody", subject, at, country=country,
                      holder=holder.id if holder else None)
            if country != US:
                yield Act("remove", subject, at, country=country,
                          holder=holder.id if holder else None)


def _denials(ctx: Context, found: list[Violation]) -> list[Denial]:
    d = ctx.describe
    grouped: dict[tuple[str, str], list[Violation]] = defaultdict(list)
    for v in found:
        grouped[(v.order, v.prohibition.action)].append(v)
    out = []
    for (oid, forbids), vs in sorted(grouped.items()) if len(grouped) > 1 else grouped.items():
        people = tuple(dict.fromkeys(v.act.subject for v in vs))
        best = max(v.certainty for v in vs)
        effect = ctx.force.effect(oid)
        assert effect is not None
        order = d.order(ctx.case.orders[oid])
        reason = (f"{order[0].upper()}{order[1:]} (in effect from {d.time(effect)}) forbids "
                  f"{d.forbidden(vs[0].prohibition)} for {d.subjects(people)}")
        if best is not Tri.CERTAIN:
            reason += " (possibly: the record cannot rule it out)"
        out.append(Denial(oid, forbids, people, best.word, reason + "."))
    return out


def _breaches(ctx: Context, action: Action, at: When, acts: list[Act]) -> list[Breach]:
    """Obligations the action would break: leaving instead of returning; removing without
    the notice an order requires."""
    d = ctx.describe
    out = []
    orders = ctx.case.orders
    if action.action == "depart" and action.movement is not None:
        facts = ctx.state.movements[action.movement]
        for order in orders.values():
            effect = ctx.force.effect(order.id)
            if effect is None or not any(x.action == "return_in_transit" for x in order.directs):
                continue
            under_way = min(ctx.state.under_way(action.movement, effect),
                            at_or_before(effect, at), ctx.force.standing(order.id, effect))
            if under_way is Tri.NO:
                continue
            people = [s for s, a in facts.aboard.items()
                      if min(a, ctx.protected(order.id, s, effect, action.movement))]
            if people:
                flight = capital(d.movement(action.movement))
                out.append(Breach(order.id, "return_in_transit", tuple(people), under_way.word,
                                  f"{flight} was under way with people protected by "
                                  f"{d.order(order)} aboard when it took effect "
                                  f"({d.time(effect)}) and must return, not go on."))
    for act in acts if ctx.indexes.notice_orders else ():
        if act.kind != "remove":
            continue
        for oid in ctx.orders_for(act.subject):
            for directive in orders[oid].directs:
                if directive.action != "notice_before_removal":
                    continue
                standing = min(act.applies, ctx.force.in_force(oid, at),
                               ctx.protected(oid, act.subject, at, act.movement))
                need = at.shifted(-timedelta(hours=directive.hours or 0))
                enough = max((at_or_before(e.at, need)
                              for e in ctx.state.person_events.get(act.subject, ())
                              if e.kind == "notice_given" and (
                                  directive.language is None
                                  or e.language == directive.language)), default=Tri.NO)
                certainty = min(standing, enough.negate())
                if certainty is not Tri.NO:
                    out.append(Breach(oid, "notice_before_removal", (act.subject,),
                                      certainty.word,
                                      f"{d.order(orders[oid])} requires {directive.hours} "
                                      f"hours' notice before removing "
                                      f"{d.subject(act.subject)}; none sufficient is recorded."))
    return out


def decide(ctx: Context, action: Action, at: When) -> Decision:
    acts = list(_acts(ctx, action, at))
    found = [v for act in acts for v in violations(ctx, act)]
    denials = tuple(_denials(ctx, found)) if found else ()
    breaches = tuple(_breaches(ctx, action, at, acts)) if (
        action.action == "depart" or ctx.indexes.notice_orders) else ()
    return Decision(not denials and not breaches, action, at, denials, breaches)
