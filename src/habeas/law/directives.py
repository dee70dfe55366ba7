"""What orders direct, and whether it was done by the deadline.

``return_in_transit``: a movement under way with protected people aboard when the order took
effect must turn back; it is due at the effect time (or ``within`` a period of it). GXA6143
and GXA6145 were in the air at 18:45-18:48 EDT with AEA Venezuelans aboard and landed in
Honduras instead: unmet. ``facilitate_return``: a ``returned`` event meets it (Abrego
Garcia, 6 June 2025). ``notice_before_removal``: ``notice_given`` at least ``hours`` before
the removal, in ``language``. ``report``: due ``within`` a period of the effect.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from habeas.domain import Directive, Event, Order, When
from habeas.law.acts import Act
from habeas.law.certainty import Tri, at_or_before
from habeas.law.context import Context
from habeas.law.describe import capital
from habeas.law.evidence import evidence, notices_of
from habeas.law.findings import Finding, FindingKind, Obligation, after, stable_id


@dataclass
class Outcome:
    """Obligations and the findings of those unmet."""

    obligations: list[Obligation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def extend(self, other: Outcome) -> None:
        self.obligations.extend(other.obligations)
        self.findings.extend(other.findings)


def _due(effect: When, directive: Directive) -> When:
    if directive.within is None:
        return effect
    return When(directive.within.add_to(effect.earliest), directive.within.add_to(effect.latest),
                effect.offset)


def _happened(at: When, as_of: When | None) -> Tri:
    return Tri.CERTAIN if as_of is None else at_or_before(at, as_of)


def _directed(ctx: Context, action: str) -> Iterator[tuple[Order, Directive, When]]:
    for order in ctx.case.orders.values():
        for directive in order.directs:
            effect = ctx.force.effect(order.id)
            if directive.action == action and effect is not None:
                yield order, directive, effect


def _finding(ctx: Context, kind: FindingKind, order: Order, action: str, anchor: str,
             people: tuple[str, ...], movement: str | None, certainty: Tri, at: When,
             effect: When, reason: str, events: Iterable[str]) -> Finding:
    least, span = after(effect, at)
    return Finding(
        id=stable_id(kind, order.id, action, anchor), kind=kind, order=order.id,
        action=action, people=people, count=ctx.describe.count(people), movement=movement,
        movements=(movement,) if movement else (), certainty=certainty.word, reason=reason,
        at=at, effect=effect, after_effect=least, after_effect_range=span,
        events=tuple(evidence(ctx.case, "events", e) for e in dict.fromkeys(events)),
        notice=notices_of(ctx.case, order.id))


def return_in_transit(ctx: Context, as_of: When | None) -> Outcome:
    """Movements under way with protected people aboard when the order took effect."""
    out = Outcome()
    d = ctx.describe
    for order, directive, effect in _directed(ctx, "return_in_transit"):
        standing = ctx.force.standing(order.id, effect)
        if standing is Tri.NO:
            continue
        for mid, facts in ctx.state.movements.items():
            under_way = ctx.state.under_way(mid, effect)
            if under_way is Tri.NO or facts.us_departure is None:
                continue
            protected = {s: c for s, a in facts.aboard.items()
                         if (c := min(a, ctx.protected(order.id, s, effect, mid))) is not Tri.NO}
            if not protected:
                continue
            people = tuple(sorted(protected))
            due = _due(effect, directive)
            seen = [e for e in facts.events if _happened(e.at, as_of) is not Tri.NO
                    and at_or_before(effect, e.at) is not Tri.NO]
            home = next((e for e in seen if e in facts.back_home), None)
            breach = next((e for e in seen if _abroad(ctx, facts.movement.id, e)), None)
            oid = stable_id("obligation", order.id, "return_in_transit", mid)
            flight = d.movement(mid)
            if home is not None and (breach is None or at_or_before(home.at, breach.at)):
                out.obligations.append(Obligation(
                    oid, order.id, "return_in_transit", people, mid, due, "met", None, None,
                    f"{flight} turned back ({home.kind} at {d.time(home.at)})."))
                continue
            if breach is None:
                out.obligations.append(Obligation(
                    oid, order.id, "return_in_transit", people, mid, due, "open", None, None,
                    f"{flight} was under way with people protected by the order aboard when "
                    f"it took effect at {d.time(effect)}; no return is recorded yet."))
                continue
            certainty = min(under_way, max(protected.values()), standing,
                            at_or_before(effect, breach.at), _happened(breach.at, as_of))
            air = "in the air" if facts.movement.mode == "air" else "under way"
            where = d.place(breach.place or facts.movement.to)
            deed = (f"it landed at {where} at {d.time(breach.at)} instead of returning"
                    if breach.kind == "landed" else
                    f"it left {where} at {d.time(breach.at)} for {d.place(facts.movement.to)} "
                    "instead of returning")
            reason = (f"{capital(flight)} departed "
                      f"{d.place(facts.us_departure.place or facts.movement.from_)} at "
                      f"{d.time(facts.us_departure.at)} with people protected by the order "
                      f"aboard ({d.subjects(people)}) and was {air} when {d.order(order)} took "
                      f"effect at {d.time(effect)}, which directed it to return; {deed}")
            if certainty is not Tri.CERTAIN:
                reason += "; this is possible, not certain, because the record cannot say " \
                          "whether they were still protected and aboard when it took effect"
            finding = _finding(ctx, "directive_unmet", order, "return_in_transit", mid, people,
                               mid, certainty, breach.at, effect, reason + ".",
                               (facts.us_departure.id, breach.id))
            out.findings.append(finding)
            out.obligations.append(Obligation(
                oid, order.id, "return_in_transit", people, mid, due, "unmet",
                certainty.word, finding.id, reason + "."))
    return out


def _abroad(ctx: Context, movement_id: str, event: Event) -> bool:
    """A landing abroad, or a departure from abroad: going on instead of turning back."""
    facts = ctx.state.movements[movement_id]
    if event.kind == "landed":
        return event in facts.foreign_landings
    return event.kind == "departed" and facts.place_country(event.place) not in ("US", None)


def _scope_subjects(ctx: Context, order: Order) -> list[str]:
    scope = order.protects
    found = [*scope.people, *scope.groups]
    if scope.class_ is not None:
        found += ctx.indexes.population.reachable(scope.class_)
    return list(dict.fromkeys(found))


def facilitate_return(ctx: Context, as_of: When | None, end: When) -> Outcome:
    """People in scope outside US custody when the order took effect, to be brought back."""
    out = Outcome()
    d = ctx.describe
    theory = ctx.interpretation.removal_complete_at
    for order, directive, effect in _directed(ctx, "facilitate_return"):
        due = _due(effect, directive) if directive.within is not None else None
        for subject in _scope_subjects(ctx, order):
            member = ctx.protected(order.id, subject, effect)
            away = {not s.in_us for s in ctx.state.custody(subject, effect, theory)}
            removed = Tri.CERTAIN if away == {True} else (Tri.NO if away == {False}
                                                          else Tri.POSSIBLE)
            if min(member, removed) is Tri.NO:
                continue
            oid = stable_id("obligation", order.id, "facilitate_return", subject)
            returns = [e for e in ctx.state.person_events.get(subject, ())
                       if e.kind == "returned" and _happened(e.at, as_of) is not Tri.NO]
            if returns:
                out.obligations.append(Obligation(
                    oid, order.id, "facilitate_return", (subject,), None, due, "met", None,
                    None, f"{d.subject(subject)} returned at {d.time(returns[0].at)}."))
                continue
            passed = at_or_before(due, as_of or end) if due is not None else Tri.NO
            if passed is Tri.NO:
                out.obligations.append(Obligation(
                    oid, order.id, "facilitate_return", (subject,), None, due, "open", None,
                    None, f"No return of {d.subject(subject)} is recorded yet."))
                continue
            assert due is not None
            certainty = min(member, removed, passed)
            reason = (f"{d.order(order)} directed the Government to facilitate the return of "
                      f"{d.subject(subject)} by {d.time(due)}; no return is recorded.")
            finding = _finding(ctx, "directive_unmet", order, "facilitate_return", subject,
                               (subject,), None, certainty, due, effect, reason, ())
            out.findings.append(finding)
            out.obligations.append(Obligation(
                oid, order.id, "facilitate_return", (subject,), None, due, "unmet",
                certainty.word, finding.id, reason))
    return out


def notice_before_removal(ctx: Context, acts: list[Act]) -> Outcome:
    """Each removal of a protected person with less notice than an order required."""
    out = Outcome()
    d = ctx.describe
    directed = {o.id: (o, dv, e) for o, dv, e in _directed(ctx, "notice_before_removal")}
    if not directed:
        return out
    for act in acts:
        if act.kind != "remove":
            continue
        for oid in ctx.orders_for(act.subject):
            if oid not in directed:
                continue
            order, directive, effect = directed[oid]
            standing = min(act.applies, ctx.force.in_force(oid, act.at),
                           ctx.protected(oid, act.subject, act.at, act.movement, act.exclude))
            if standing is Tri.NO:
                continue
            hours = directive.hours or 0
            need = act.at.shifted(-timedelta(hours=hours))
            given = [e for e in ctx.state.person_events.get(act.subject, ())
                     if e.kind == "notice_given" and at_or_before(e.at, act.at) is not Tri.NO]
            fitting = [e for e in given
                       if directive.language is None or e.language == directive.language]
            enough = max((at_or_before(e.at, need) for e in fitting), default=Tri.NO)
            anchor = f"{act.subject}@{act.movement or act.events[0]}"
            oid_ = stable_id("obligation", oid, "notice_before_removal", anchor)
            if enough is Tri.CERTAIN:
                out.obligations.append(Obligation(
                    oid_, oid, "notice_before_removal", (act.subject,), act.movement, need,
                    "met", None, None, f"Notice was given to {d.subject(act.subject)} in time."))
                continue
            tongue = f" in {directive.language}" if directive.language else ""
            kind: FindingKind
            certainty: Tri
            if not given:
                kind, certainty = "directive_unmet", standing
                what = "no notice of the removal is recorded"
            else:
                kind, certainty = "notice_insufficient", min(standing, enough.negate())
                what = (f"the notice recorded ({d.time(given[-1].at)}) was not given "
                        f"{hours} hours before{tongue}")
            reason = (f"{d.order(order)} required {hours} hours' notice{tongue} before removing "
                      f"{d.subject(act.subject)}, who was removed at {d.time(act.at)}; {what}.")
            finding = _finding(ctx, kind, order, "notice_before_removal", anchor,
                               (act.subject,), act.movement, certainty, act.at, effect, reason,
                               (*act.events, *(e.id for e in given)))
            out.findings.append(finding)
            out.obligations.append(Obligation(
                oid_, oid, "notice_before_removal", (act.subject,), act.movement, need,
                "unmet", certainty.word, finding.id, reason))
    return out


def report(ctx: Context, as_of: When | None, end: When) -> Outcome:
    """Reports due within a period of the effect. The ledger has no record of a report
    filed, so a report past due is a *possible* breach, never a certain one."""
    out = Outcome()
    d = ctx.describe
    for order, directive, effect in _directed(ctx, "report"):
        due = _due(effect, directive) if directive.within is not None else None
        oid = stable_id("obligation", order.id, "report", order.id)
        passed = at_or_before(due, as_of or end) if due is not None else Tri.NO
        if due is None or passed is Tri.NO:
            out.obligations.append(Obligation(oid, order.id, "report", (), None, due, "open",
                                              None, None, "A report is due."))
            continue
        reason = (f"{d.order(order)} directed a report by {d.time(due)}; the record holds "
                  f"no report filed, so this is possible, not certain.")
        finding = _finding(ctx, "directive_unmet", order, "report", order.id, (), None,
                           Tri.POSSIBLE, due, effect, reason, ())
        out.findings.append(finding)
        out.obligations.append(Obligation(oid, order.id, "report", (), None, due, "unmet",
                                          "possible", finding.id, reason))
    return out
