"""Foreign custody agreements: term, renewal and the fee accrued.

Bukele: "held for one year (renewable)", for a fee (AP: about USD 6 million for about 300
people for a year). Without a stated start, the term runs from the first hand-over to the
agreement's holder (CECOT, 16 March 2025, 04:00-14:00 EDT), so it ends, and renewal falls
due, on 16 March 2026. The fee accrues pro rata over its period (``per``, else the term).
"""

from __future__ import annotations

from habeas.domain import Agreement, Period, When
from habeas.law.context import Context
from habeas.law.findings import AgreementStatus, Money, Obligation, stable_id


def _plus(when: When, period: Period) -> When:
    return When(period.add_to(when.earliest), period.add_to(when.latest), when.offset)


def _start(ctx: Context, agreement: Agreement) -> When | None:
    if agreement.start is not None:
        return agreement.start
    handovers = [e.at for e in ctx.state.by_kind.get("custody_transferred", ())
                 if e.to == agreement.holder]
    return min(handovers, key=lambda w: (w.earliest, w.latest), default=None)


def _accrued(agreement: Agreement, start: When, at: When) -> Money | None:
    fee = agreement.fee
    period = fee.per or agreement.term if fee else None
    if fee is None or period is None:
        return None

    def share(begin: float, now: float) -> float:
        length = period.add_to(start.earliest).timestamp() - start.earliest.timestamp()
        elapsed = max(0.0, now - begin)
        if not agreement.renewable and agreement.term is not None:
            term = agreement.term.add_to(start.earliest).timestamp() - start.earliest.timestamp()
            elapsed = min(elapsed, term)
        return round(fee.amount * elapsed / length, 2)

    low = share(start.latest.timestamp(), at.earliest.timestamp())
    high = share(start.earliest.timestamp(), at.latest.timestamp())
    return Money(low, high, fee.currency)


def agreements(ctx: Context, as_of: When | None,
               end: When) -> tuple[list[AgreementStatus], list[Obligation]]:
    d = ctx.describe
    statuses, obligations = [], []
    for aid, agreement in ctx.case.agreements.items():
        start = _start(ctx, agreement)
        ends = _plus(start, agreement.term) if start and agreement.term else None
        renewal = ends if ends is not None and agreement.renewable else None
        now = as_of or end
        fee = _accrued(agreement, start, now) if start else None
        reason = (f"Custody by {d.holder(agreement.holder)} from {d.time(start)}"
                  if start else "No hand-over to the holder is recorded")
        if ends is not None:
            reason += f"; the term ends {d.time(ends)}"
        statuses.append(AgreementStatus(aid, agreement.holder, start, ends, renewal, fee,
                                        reason + "."))
        for kind, due in (("term_expiry", ends), ("renewal_due", renewal)):
            if due is not None:
                status = "met" if due.latest <= now.earliest else "open"
                obligations.append(Obligation(
                    stable_id("obligation", aid, kind, aid), aid, kind, (), None, due,
                    status, None, None,  # type: ignore[arg-type]
                    f"{kind.replace('_', ' ').capitalize()} of agreement {aid}: {d.time(due)}."))
    return statuses, obligations
