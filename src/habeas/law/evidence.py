"""Citing the record: ledger references for events, and the notices of an order.

A finding is only as good as the records behind it; each cites them by ledger ``seq`` and
``leaf_hash`` so that ``habeas prove`` can show they are in the log. Notice is cited the
same way: for ``withholding-2019``, ICE "was aware of this grant" (Cerna declaration).
"""

from __future__ import annotations

from habeas.domain import Case
from habeas.law.findings import EvidenceRef, NoticeRef


def evidence(case: Case, section: str, obj_id: str) -> EvidenceRef:
    return EvidenceRef.of(case, section, obj_id)


def notices_of(case: Case, order_id: str) -> tuple[NoticeRef, ...]:
    """The notices of the order, and of the oral order it memorializes (knowing the oral
    order is knowing what the written one puts on paper)."""
    order = case.orders[order_id]
    wanted = {order_id, *([order.memorializes] if order.memorializes else [])}
    out = []
    for nid, notice in case.notices.items():
        if notice.order in wanted:
            ref = case.ref("notices", nid)
            out.append(NoticeRef(nid, notice.order, notice.party, notice.at, notice.how,
                                 ref.seq if ref else None, ref.leaf_hash if ref else None))
    return tuple(sorted(out, key=lambda n: (n.at.earliest, n.id)))

