"""Forbidden actions: an act of the record (or a proposed one) that an order in force
forbade, for someone in its scope.

One function, ``violations``, judges an ``Act`` against the orders that can reach its
subject; the audit runs it over every act in the record, the guard over the acts a proposed
action would be. Example (court's reading): the hand-over of the AEA Venezuelans from
GXA6143 and GXA6145 to the Salvadoran police at 23:30-04:00 EDT came after both class
orders took effect, so both forbade it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from habeas.domain import Prohibition, When
from habeas.law.acts import Act, handover_acts, movement_acts
from habeas.law.certainty import Tri, at_or_before
from habeas.law.context import Context
from habeas.law.describe import capital
from habeas.law.evidence import evidence, notices_of
from habeas.law.findings import Finding, after, human_duration, stable_id


@dataclass(frozen=True, slots=True)
class Violation:
    """An act an order forbids, with how surely: ``certainty`` is the weakest of the act
    touching the subject, the order being in force, and the subject being in scope."""

    order: str
    prohibition: Prohibition
    act: Act
    certainty: Tri
    in_force: Tri
    member: Tri


def matches(prohibition: Prohibition, act: Act) -> bool:
    """Whether ``prohibition`` names this kind of act (and its country or district)."""
    kind = prohibition.action
    if kind == "remove":
        return act.kind == "remove"
    if kind == "remove_to":
        return act.kind == "remove" and act.country in prohibition.countries
    if kind == "transfer_custody":
        return act.kind == "transfer_custody" and (
            not prohibition.countries or act.country in prohibition.countries)
    if kind == "transfer_out_of":
        return act.kind == "transfer_out_of" and act.district in prohibition.districts
    return act.kind == "depart"


def violations(ctx: Context, act: Act) -> Iterator[Violation]:
    """Every order in force that forbids ``act`` for its subject."""
    orders = ctx.case.orders
    for oid in ctx.orders_for(act.subject):
        forbids = [p for p in orders[oid].forbids if matches(p, act)]
        if not forbids:
            continue
        in_force = ctx.force.in_force(oid, act.at)
        if in_force is Tri.NO:
            continue
        member = ctx.protected(oid, act.subject, act.at, act.movement, act.exclude)
        certainty = min(act.applies, in_force, member)
        if certainty is not Tri.NO:
            for prohibition in forbids:
                yield Violation(oid, prohibition, act, certainty, in_force, member)


def record_acts(ctx: Context, as_of: When | None) -> Iterator[Act]:
    """Every act in the record that some order could forbid, up to ``as_of``."""
    state, theory = ctx.state, ctx.interpretation.removal_complete_at
    acts: list[Act] = []
    for facts in state.movements.values():
        for subject, aboard in facts.aboard.items():
            kinds = ctx.forbidden_kinds(subject)
            if kinds:
                acts.extend(movement_acts(state, facts, subject, aboard, theory, kinds))
    for event in state.by_kind.get("custody_transferred", ()):
        if event.people and any(ctx.orders_for(s) for s in event.people):
            acts.extend(handover_acts(state, event.id, theory))
    for act in acts:
        if as_of is None:
            yield act
            continue
        happened = at_or_before(act.at, as_of)
        if happened is Tri.CERTAIN:
            yield act
        elif happened is Tri.POSSIBLE:
            yield Act(act.kind, act.subject, act.at, min(act.applies, happened), act.movement,
                      act.country, act.holder, act.district, act.place, act.events)


def forbidden_findings(ctx: Context, acts: list[Act]) -> list[Finding]:
    """One finding per order, prohibition and subject, on its strongest evidence."""
    grouped: dict[tuple[str, str, str], list[Violation]] = defaultdict(list)
    for act in acts:
        for violation in violations(ctx, act):
            grouped[(violation.order, violation.prohibition.action, act.subject)].append(
                violation)
    return [_finding(ctx, key, found) for key, found in grouped.items()]


def _finding(ctx: Context, key: tuple[str, str, str], found: list[Violation]) -> Finding:
    order_id, action, subject = key
    best = max(v.certainty for v in found)
    chosen = sorted((v for v in found if v.certainty is best),
                    key=lambda v: (v.act.at.earliest, v.act.at.latest, v.act.movement or ""))
    effect = ctx.force.effect(order_id)
    assert effect is not None
    at = chosen[0].act.at
    for v in chosen[1:]:
        at = at.hull(v.act.at)
    least, span = after(effect, at)
    movements = tuple(dict.fromkeys(v.act.movement for v in chosen if v.act.movement))
    event_ids = list(dict.fromkeys(e for v in chosen for e in v.act.events))
    return Finding(
        id=stable_id("forbidden_action", order_id, action, subject),
        kind="forbidden_action", order=order_id, action=action, people=(subject,),
        count=ctx.describe.count((subject,)),
        movement=movements[0] if len(movements) == 1 else None, movements=movements,
        certainty=best.word, reason=_reason(ctx, chosen, at, least), at=at, effect=effect,
        after_effect=least, after_effect_range=span,
        events=tuple(evidence(ctx.case, "events", e) for e in event_ids),
        notice=notices_of(ctx.case, order_id))


def _reason(ctx: Context, chosen: list[Violation], at: When, least: str) -> str:
    d = ctx.describe
    first = chosen[0]
    order = ctx.case.orders[first.order]
    act = first.act
    effect = ctx.force.effect(first.order)
    assert effect is not None
    movements = list(dict.fromkeys(v.act.movement for v in chosen if v.act.movement))
    aboard = f" from {d.movements(movements)}" if movements else ""
    subject = d.subject(act.subject)
    plural = act.subject in ctx.case.groups
    verb = "were" if plural else "was"
    theory = ctx.interpretation.removal_complete_at
    when = d.time(at)
    if act.kind == "remove" and act.movement and theory == "departure":
        deed = f"removed from the United States when {d.movements(movements)} departed " \
               f"{d.place(act.place or ctx.case.movements[act.movement].from_)} at {when}"
    elif act.kind == "remove" and act.movement and theory == "exit_territory":
        deed = f"removed from the United States when {d.movements(movements)} left US " \
               f"territory at {when}"
    elif act.kind in ("remove", "transfer_custody"):
        deed = f"handed to {d.holder(act.holder)}{aboard} at {when}"
    elif act.kind == "depart":
        deed = f"aboard {d.movements(movements)} when it departed {d.place(act.place)} at {when}"
    else:
        deed = f"moved out of {act.district} when {d.movements(movements)} departed " \
               f"{d.place(act.place)} at {when}"
    forbids = d.forbidden(first.prohibition)
    lapse = (f"at least {human_duration(least)} after it took effect" if least != "PT0S"
             else "around the time it took effect")
    sentence = (f"{capital(subject)}, protected by {d.order(order)} "
                f"(in effect from {d.time(effect)}), {verb} {deed}, {lapse}: {forbids}, "
                f"which the order forbids")
    doubts = []
    if first.act.applies is not Tri.CERTAIN:
        doubts.append("they are listed only as possibly aboard" if act.movement else
                      "the record cannot say whether they were still in US custody")
    if first.in_force is not Tri.CERTAIN:
        doubts.append("the record cannot say whether this happened before or after the "
                      "order took effect")
    if first.member is not Tri.CERTAIN:
        doubts.append("the record cannot say whether they were still within the order's "
                      "class at the time")
    if doubts:
        sentence += "; it is possible, not certain, because " + " and ".join(doubts)
    return sentence + "."
