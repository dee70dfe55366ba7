"""Alerts follow the log, not the request, and are raised once however many servers run.

A cursor in the operational tables names the first record whose alerts have not been
raised. Whoever comes next (the request that appended, another process's follower, the
worker after a crash) raises them; each alert is keyed by its record and claimed by one
insert (``Alerts.once``), so two processes draining the same records raise each alert once.
The parties who must acknowledge a new order are stored before its record is appended, so
whichever process drains it opens the same duties.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from itertools import count

from habeas.domain import KIND_TO_SECTION, Entity, Order, When
from habeas.service import scope, words
from habeas.service.alerts import Alerts
from habeas.service.clock import Clock
from habeas.service.database import Database
from habeas.service.follower import Follower, Snapshot
from habeas.service.obligations import Obligation, Obligations
from habeas.service.views import DEFAULT, entity_json, whole_audit

#: How early an open obligation is announced as coming due.
DUE_SOON = timedelta(days=1)


class Outbox:
    """Raises the alerts of the log's records, its findings, and its duties falling due."""

    def __init__(self, db: Database, follower: Follower, alerts: Alerts,
                 obligations: Obligations, clock: Clock, parties: tuple[str, ...]) -> None:
        self.db = db
        self.follower = follower
        self.alerts = alerts
        self.obligations = obligations
        self.clock = clock
        self.parties = parties
        self._audited_size = -1
        self.db.execute("INSERT INTO svc_outbox VALUES ('alerts', ?) ON CONFLICT (name) "
                        "DO NOTHING", (follower.ledger.size(),))  # history raises nothing

    def cursor(self) -> int:
        return int(self.db.execute("SELECT next_seq FROM svc_outbox WHERE name = 'alerts'")[0][0])

    def skip_to(self, next_seq: int) -> None:
        """Nothing before ``next_seq`` is news (a bulk import); the cursor never goes back."""
        self.db.execute("UPDATE svc_outbox SET next_seq = ? WHERE name = 'alerts' AND "
                        "next_seq < ?", (next_seq, next_seq))

    def expect_parties(self, order_id: str, parties: Iterable[str]) -> None:
        """Who must acknowledge order ``order_id``, named before its record is appended."""
        chosen = json.dumps(list(parties))
        self.db.execute("INSERT INTO svc_parties VALUES (?, ?) ON CONFLICT (order_id) DO "
                        "UPDATE SET parties = excluded.parties", (order_id, chosen))

    def drain(self, snapshot: Snapshot | None = None) -> None:
        """Raise the alerts of every record past the cursor that ``snapshot`` (default:
        the follower's current one) holds."""
        snap = snapshot or self.follower.current()
        start = self.cursor()
        if start >= snap.size:
            return
        case = snap.case
        for record in self.follower.ledger.scan(start, snap.size):
            section = KIND_TO_SECTION.get(record.kind)
            obj = case.section(section).get(str(record.payload.get("id"))) if section in (
                "events", "orders") else None
            if section is not None and obj is not None:
                self._after(snap, section, obj, record.seq)
        self.skip_to(snap.size)

    def _after(self, snap: Snapshot, section: str, obj: Entity, seq: int) -> None:
        """Alerts for what record ``seq`` changes; notice duties for a new order."""
        engine, case = snap.engine, snap.case
        keys = (f"record:{seq}:{n}" for n in count())
        if section == "events":
            people = scope.event_subjects(engine, obj.id)
            self.alerts.once(next(keys), "movement", people, words.label(case, section, obj),
                             {"event": entity_json(snap, section, obj)})
        if section == "orders":
            assert isinstance(obj, Order)
            people = scope.protected(engine, obj)
            self.alerts.once(next(keys), "order", people,
                             f"New order {words.label(case, section, obj)}",
                             {"order": entity_json(snap, section, obj)})
            for due in engine.impact(obj.id).to_json()["obligations"]:
                self.alerts.once(next(keys), "obligation", {*due["people"]} or people,
                                 words.obligation_summary(case, obj, due),
                                 {"order": obj.id, "obligation": due})
            opened = self.obligations.open(obj.id, self._parties(obj.id), self.clock.now())
            for duty in opened:
                self.alerts.once(next(keys), "notice", people, f"{duty.party} must acknowledge "
                                 f"{obj.id} by {duty.due_at}", duty.to_json())

    def _parties(self, order_id: str) -> list[str]:
        named = self.db.execute("SELECT parties FROM svc_parties WHERE order_id = ?",
                                (order_id,))
        chosen: list[str] = json.loads(named[0][0]) if named else []
        return chosen or list(self.parties)

    def watch_audit(self) -> None:
        """Alert each new finding once, and each open obligation once when it falls due
        within a day and once when it is overdue. The audit runs here, off the request path,
        and only when the log has grown (it is cached per size): a large record makes it
        slow."""
        snap = self.follower.current()
        audit = whole_audit(snap, DEFAULT)
        if snap.size != self._audited_size:
            for finding in audit["findings"]:
                self.alerts.once(f"finding:{finding['id']}", "finding", finding["people"],
                                 finding["reason"], {"finding": finding})
            self._audited_size = snap.size
        now = self.clock.now()
        for duty in audit["obligations"]:
            if duty["status"] != "open" or not duty["due"]:
                continue
            due = When.parse(duty["due"], None)
            stage = "overdue" if due.latest < now else (
                "due within a day" if due.earliest < now + DUE_SOON else None)
            if stage:
                self.alerts.once(f"obligation:{duty['id']}:{stage}", "obligation",
                                 duty["people"], f"{stage.capitalize()}: {duty['reason']}",
                                 {"obligation": duty})

    def escalate(self) -> None:
        for duty in self.obligations.escalate(self.clock.now()):
            self._escalated(duty)

    def _escalated(self, duty: Obligation) -> None:
        engine = self.follower.current().engine
        order = engine.case.orders.get(duty.order)
        people = scope.protected(engine, order) if order else set()
        self.alerts.raise_alert(
            "notice", people, f"ESCALATION {duty.level}: {duty.party} has not acknowledged "
            f"{duty.order}", duty.to_json())
