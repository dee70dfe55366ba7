"""Notice of an order: each party must acknowledge it, and silence escalates.

The default timers follow the LOCATE Act's: a first escalation 6 hours after the order is
entered, a second at 12 hours. Obligations are operational state; the acknowledgement
itself is a ledger record, so that when a party knew is part of the proved record.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from habeas.errors import NotFoundError
from habeas.service.clock import iso
from habeas.service.database import Database

DEFAULT_ESCALATION = (timedelta(hours=6), timedelta(hours=12))


@dataclass(frozen=True)
class Obligation:
    """One party's duty to acknowledge one order, and how far it has escalated."""

    id: str
    order: str
    party: str
    opened_at: str
    due_at: str
    level: int
    acknowledged_at: str | None
    ack_seq: int | None

    @property
    def open(self) -> bool:
        return self.acknowledged_at is None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "order": self.order, "party": self.party,
                "opened_at": self.opened_at, "due_at": self.due_at,
                "escalation_level": self.level, "acknowledged_at": self.acknowledged_at,
                "acknowledgement_seq": self.ack_seq}


class Obligations:
    """Open, acknowledge and escalate acknowledgement obligations."""

    def __init__(self, db: Database,
                 escalation: tuple[timedelta, ...] = DEFAULT_ESCALATION) -> None:
        self.db = db
        self.escalation = escalation

    def open(self, order: str, parties: list[str], now: datetime) -> list[Obligation]:
        for party in parties:  # one insert per duty: of several processes, one opens it
            self.db.execute(
                "INSERT INTO svc_obligations (id, order_id, party, opened_at, due_at, level)"
                " VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (order_id, party) DO NOTHING",
                ("obl_" + secrets.token_hex(6), order, party, iso(now),
                 iso(now + self.escalation[0])))
        return [o for o in self.select(order=order) if o.party in parties]

    def select(self, *, order: str | None = None, only_open: bool = False) -> list[Obligation]:
        rows = self.db.execute("SELECT id, order_id, party, opened_at, due_at, level, "
                               "acknowledged_at, ack_seq FROM svc_obligations "
                               "ORDER BY due_at, party")
        found = [Obligation(*r) for r in rows]
        return [o for o in found if (order is None or o.order == order)
                and (not only_open or o.open)]

    def get(self, obligation_id: str) -> Obligation:
        for obligation in self.select():
            if obligation.id == obligation_id:
                return obligation
        raise NotFoundError(f"no obligation {obligation_id!r}")

    def acknowledge(self, obligation_id: str, seq: int, now: datetime) -> Obligation:
        self.db.execute("UPDATE svc_obligations SET acknowledged_at = ?, ack_seq = ? "
                        "WHERE id = ? AND acknowledged_at IS NULL",
                        (iso(now), seq, obligation_id))
        return self.get(obligation_id)

    def escalate(self, now: datetime) -> list[Obligation]:
        """Raise the level of every open obligation past its next timer; returns those raised
        (by this call: the update only moves a level it read)."""
        raised = []
        for obligation in self.select(only_open=True):
            opened = datetime.fromisoformat(obligation.opened_at)
            level = sum(1 for step in self.escalation if now >= opened + step)
            if level > obligation.level:
                following = (iso(opened + self.escalation[level])
                             if level < len(self.escalation) else obligation.due_at)
                if self.db.execute("UPDATE svc_obligations SET level = ?, due_at = ? WHERE id = ? "
                                   "AND level = ? RETURNING id",
                                   (level, following, obligation.id, obligation.level)):
                    raised.append(self.get(obligation.id))  # not raised twice by two processes
        return raised
