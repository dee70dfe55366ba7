"""``at_risk``: a removal while a protective motion was pending, under a stated policy.

A motion to stay removal does not bind until granted; but removing someone while it is
pending defeats the court's power to decide it. Whether that is reported is a policy
(``Interpretation.pending_motion_protects``), not a rule of law, and the finding says so.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from habeas.domain import When
from habeas.law.acts import Act
from habeas.law.certainty import Tri, at_or_before, before
from habeas.law.context import Context
from habeas.law.describe import capital
from habeas.law.evidence import evidence
from habeas.law.findings import Finding, after, stable_id
from habeas.law.scope import member


def at_risk(ctx: Context, acts: list[Act]) -> list[Finding]:
    """One finding per motion and subject removed while it was pending."""
    if not ctx.interpretation.pending_motion_protects or not ctx.case.motions:
        return []
    theory = ctx.interpretation.removal_complete_at
    grouped: dict[tuple[str, str], list[tuple[Act, Tri]]] = defaultdict(list)
    for act in acts:
        if act.kind != "remove":
            continue
        for mid in ctx.motions_for(act.subject):
            motion = ctx.case.motions[mid]
            pending = at_or_before(motion.filed, act.at)
            if motion.decided is not None:
                pending = min(pending, before(act.at, motion.decided))
            covered = member(motion.protects, act.subject, ctx.case, act.at,
                             partial(ctx.state.custody, act.subject, act.at, theory,
                                     act.movement, act.exclude))
            certainty = min(act.applies, pending, covered)
            if certainty is not Tri.NO:
                grouped[(mid, act.subject)].append((act, certainty))
    return [_finding(ctx, mid, subject, found) for (mid, subject), found in grouped.items()]


def _finding(ctx: Context, motion_id: str, subject: str,
             found: list[tuple[Act, Tri]]) -> Finding:
    d = ctx.describe
    motion = ctx.case.motions[motion_id]
    best = max(c for _, c in found)
    chosen = sorted((a for a, c in found if c is best), key=lambda a: a.at.earliest)
    at: When = chosen[0].at
    for act in chosen[1:]:
        at = at.hull(act.at)
    least, span = after(motion.filed, at)
    reason = (f"{capital(d.subject(subject))} "
              f"{'were' if subject in ctx.case.groups else 'was'} removed at {d.time(at)} "
              f"while motion {motion_id} ({motion.kind}, filed {d.time(motion.filed)}) was "
              f"pending; by policy a pending protective motion is treated as protecting them")
    if best is not Tri.CERTAIN:
        reason += "; this is possible, not certain, on the record's times and passengers"
    movements = tuple(dict.fromkeys(a.movement for a in chosen if a.movement))
    return Finding(
        id=stable_id("at_risk", motion_id, "remove", subject), kind="at_risk", order=None,
        motion=motion_id, action="remove", people=(subject,), count=d.count((subject,)),
        movement=movements[0] if len(movements) == 1 else None, movements=movements,
        certainty=best.word, reason=reason + ".", at=at, effect=motion.filed,
        after_effect=least, after_effect_range=span,
        events=tuple(evidence(ctx.case, "events", e)
                     for e in dict.fromkeys(e for a in chosen for e in a.events)))
