"""The audit: every finding under one interpretation, as of one valid time.

Findings are sorted by time, then kind and id, and their ids hash only what they are
about, so the order in which the record lists events never changes the output. Later
events never erase earlier findings: a vacatur acts from its own effect time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from habeas.domain import When
from habeas.law.agreements import agreements
from habeas.law.context import Context
from habeas.law.directives import (
    Outcome,
    facilitate_return,
    notice_before_removal,
    report,
    return_in_transit,
)
from habeas.law.findings import Audit, Finding, InterpretationJSON, Unconfirmed
from habeas.law.forbid import forbidden_findings, record_acts
from habeas.law.motions import at_risk
from habeas.law.statements import contradicts, verdicts
from habeas.law.unconfirmed import unconfirmed_in_case


def record_end(ctx: Context) -> When:
    """The latest time the record speaks of: "now", for a record without an ``as_of``."""
    case = ctx.case
    times = [o.issued for o in case.orders.values()]
    times += [s.at for s in case.statements.values()] + [n.at for n in case.notices.values()]
    if ctx.state.last_event is not None:
        times.append(ctx.state.last_event)
    if not times:
        return When.at(datetime(1970, 1, 1, tzinfo=UTC))
    return max(times, key=lambda w: (w.latest, w.earliest))


def run_audit(ctx: Context, as_of: When | None) -> Audit:
    end = record_end(ctx)
    acts = list(record_acts(ctx, as_of))
    outcome = Outcome(findings=forbidden_findings(ctx, acts))
    outcome.extend(return_in_transit(ctx, as_of))
    outcome.extend(facilitate_return(ctx, as_of, end))
    outcome.extend(notice_before_removal(ctx, acts))
    outcome.extend(report(ctx, as_of, end))
    outcome.findings.extend(at_risk(ctx, acts))
    statuses, terms = agreements(ctx, as_of, end)
    statements = verdicts(ctx, outcome.findings)
    findings = [_with_statements(ctx, f) for f in outcome.findings]
    findings.sort(key=lambda f: (f.at.earliest, f.at.latest, f.kind, f.id))
    obligations = sorted(outcome.obligations + terms,
                         key=lambda o: (o.due.earliest.isoformat() if o.due else "~", o.id))
    i = ctx.interpretation
    return Audit(
        interpretation=InterpretationJSON(i.effect, i.removal_complete_at,
                                          i.pending_motion_protects),
        as_of=as_of, findings=tuple(findings), statements=tuple(statements),
        obligations=tuple(obligations), agreements=tuple(statuses),
        unconfirmed=tuple(Unconfirmed(item.order.id, movement, item.reasons)
                          for movement, item in unconfirmed_in_case(ctx.case)))


def _with_statements(ctx: Context, finding: Finding) -> Finding:
    against = tuple(sid for sid, s in ctx.case.statements.items() if contradicts(finding, s))
    return replace(finding, contradicts=against) if against else finding
