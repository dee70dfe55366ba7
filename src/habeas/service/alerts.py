"""Alerts and their delivery: raised once, fanned out to matching subscriptions, retried.

An alert is written first and delivered after, from a queue in the operational tables, so a
crash between the two loses nothing: the worker picks up whatever is due. Each delivery
carries the alert id as its idempotency key, so a receiver that sees a retry of something it
already handled can drop it.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from habeas.errors import NotFoundError, Problem, ValidationError
from habeas.service import hookkeys
from habeas.service.access import Principal, Role
from habeas.service.background import Background
from habeas.service.clock import Clock, iso
from habeas.service.database import Database
from habeas.service.webhooks import (
    SIGNATURE_HEADER,
    UNDELIVERED,
    Transport,
    refuse_target,
    sign,
)

TOPICS = ("movement", "order", "obligation", "finding", "notice")
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
#: How long a process holds a delivery it is attempting before another may take it over.
CLAIM = timedelta(seconds=60)


def _sortable_id(prefix: str) -> str:
    """Ids that sort in creation order even when a manual clock stands still."""
    return f"{prefix}_{time.time_ns():x}{secrets.token_hex(3)}"


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min ... doubling: about two hours of trying in all."""
    return FIRST_RETRY * (1 << max(attempts - 1, 0))


@dataclass(frozen=True)
class Alert:
    """Something a subscriber asked to hear about, e.g. a plane carrying a client departed."""

    id: str
    at: str
    topic: str
    people: tuple[str, ...]
    summary: str
    payload: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "topic": self.topic, "people": list(self.people),
                "summary": self.summary, "payload": self.payload}


#: What a subscription's token may be shown of an alert: ``shown(token_id, alert)``.
Shown = Callable[[str, "Alert"], dict[str, Any] | None]


class Alerts:
    """Subscriptions, alerts and the delivery queue."""

    def __init__(self, db: Database, clock: Clock, *, local_webhooks: bool = False,
                 webhook_key: bytes | None = None) -> None:
        self.db = db
        self.clock = clock
        self.local_webhooks = local_webhooks
        self._key = webhook_key or hookkeys.load_or_create(None)

    # --- subscriptions -----------------------------------------------------------------

    def subscribe(self, principal: Principal, url: str, topics: Iterable[str],
                  people: Iterable[str]) -> dict[str, Any]:
        """A new webhook; its signing secret is returned here once."""
        chosen, wanted = sorted(set(topics) or set(TOPICS)), sorted(set(people))
        bad = [t for t in chosen if t not in TOPICS]
        if bad:
            raise ValidationError(Problem("topics", bad, "each one of " + ", ".join(TOPICS)))
        refused = refuse_target(url, local_allowed=self.local_webhooks)
        if refused:
            raise ValidationError(Problem("url", url, refused))
        if principal.scoped:
            outside = [p for p in wanted if p not in principal.people]
            if outside or not wanted:
                raise ValidationError(Problem("people", outside or wanted,
                                              "counsel subscribes to its own clients only"))
        sub_id = "sub_" + secrets.token_hex(6)
        secret = hookkeys.derive(self._key, sub_id)  # stored: only that it is derived
        self.db.execute("INSERT INTO svc_subscriptions VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                        (sub_id, principal.token_id, url, hookkeys.DERIVED, json.dumps(chosen),
                         json.dumps(wanted), iso(self.clock.now())))
        return {"id": sub_id, "url": url, "topics": chosen, "people": wanted, "secret": secret}

    def subscriptions(self, principal: Principal) -> list[dict[str, Any]]:
        """The subscriptions the principal made; an admin sees every one (with its token)."""
        rows = self.db.execute("SELECT id, url, topics, people, created_at, token_id "
                               "FROM svc_subscriptions WHERE active = 1 ORDER BY created_at")
        everyone = principal.role is Role.admin
        return [{"id": r[0], "url": r[1], "topics": json.loads(r[2]),
                 "people": json.loads(r[3]), "created_at": r[4],
                 **({"token": r[5]} if everyone else {})}
                for r in rows if everyone or r[5] == principal.token_id]

    def unsubscribe(self, principal: Principal, sub_id: str) -> None:
        mine = [s for s in self.subscriptions(principal) if s["id"] == sub_id]
        if not mine:
            raise NotFoundError(f"no subscription {sub_id!r}")
        self.db.execute("UPDATE svc_subscriptions SET active = 0 WHERE id = ?", (sub_id,))

    # --- alerts ------------------------------------------------------------------------

    def raise_alert(self, topic: str, people: Iterable[str], summary: str,
                    payload: dict[str, Any]) -> Alert:
        """Store the alert and queue one delivery per matching subscription."""
        now = self.clock.now()
        alert = Alert(_sortable_id("alr"), iso(now), topic, tuple(sorted(set(people))),
                      summary, payload)
        self.db.execute("INSERT INTO svc_alerts VALUES (?, ?, ?, ?, ?, ?)",
                        (alert.id, alert.at, topic, json.dumps(list(alert.people)), summary,
                         json.dumps(payload)))
        for sub_id, topics, wanted in self.db.execute(
                "SELECT id, topics, people FROM svc_subscriptions WHERE active = 1"):
            interested = json.loads(wanted)
            if topic in json.loads(topics) and (
                    not interested or set(interested) & set(alert.people)):
                self.db.execute(
                    "INSERT INTO svc_deliveries (id, alert_id, subscription_id, attempts, "
                    "status, next_at) VALUES (?, ?, ?, 0, 'pending', ?)",
                    (_sortable_id("dlv"), alert.id, sub_id, iso(now)))
        return alert

    def once(self, key: str, topic: str, people: Iterable[str], summary: str,
             payload: dict[str, Any]) -> Alert | None:
        """Raise the alert unless one with ``key`` was raised before: a finding is news once,
        an obligation falls due once. The key is claimed by one insert, so of several
        processes following the same log exactly one raises it."""
        if not self.db.execute("INSERT INTO svc_alerted VALUES (?, ?) ON CONFLICT (key) "
                               "DO NOTHING RETURNING key", (key, iso(self.clock.now()))):
            return None
        return self.raise_alert(topic, people, summary, payload)

    def recent(self, principal: Principal, *, person: str | None = None,
               limit: int = 50) -> list[Alert]:
        """Newest first; counsel sees only alerts about its clients."""
        rows = self.db.execute("SELECT id, at, topic, people, summary, payload FROM svc_alerts "
                               "ORDER BY id DESC LIMIT ?", (limit * 20,))
        alerts = [Alert(r[0], r[1], r[2], tuple(json.loads(r[3])), r[4], json.loads(r[5]))
                  for r in rows]
        if person is not None:
            alerts = [a for a in alerts if person in a.people]
        if principal.scoped:
            alerts = [a for a in alerts if set(a.people) & principal.people]
        return alerts[:limit]

    def deliveries(self, principal: Principal) -> list[dict[str, Any]]:
        mine = {s["id"] for s in self.subscriptions(principal)}
        rows = self.db.execute("SELECT id, alert_id, subscription_id, attempts, status, "
                               "last_code, last_error, next_at, delivered_at "
                               "FROM svc_deliveries ORDER BY next_at DESC LIMIT 500")
        keys = ("id", "alert", "subscription", "attempts", "status", "last_code", "last_error",
                "next_at", "delivered_at")
        return [dict(zip(keys, r, strict=True)) for r in rows if r[2] in mine]

    # --- delivery ----------------------------------------------------------------------

    def deliver_due(self, transport: Transport, shown: Shown) -> int:
        """Attempt every delivery that is due; returns how many were attempted.

        Each delivery is claimed first by moving its ``next_at`` forward only if nobody
        else has (compare and set), so several processes sharing the tables deliver it
        once; a claimant that dies leaves it due again after ``CLAIM``. The body is what
        ``shown`` lets the subscription's token see of the alert (``None``: nothing now,
        the token was revoked), never the raw alert.
        """
        now = self.clock.now()
        due = self.db.execute(
            "SELECT d.id, d.attempts, d.next_at, s.url, s.secret, s.id, s.token_id, a.id, "
            "a.at, a.topic, a.people, a.summary, a.payload FROM svc_deliveries d "
            "JOIN svc_subscriptions s ON s.id = d.subscription_id "
            "JOIN svc_alerts a ON a.id = d.alert_id "
            "WHERE d.status = 'pending' AND d.next_at <= ? AND s.active = 1 "
            "ORDER BY d.next_at LIMIT 100",
            (iso(now),))
        attempted = 0
        for dlv_id, attempts, next_at, url, stored, sub_id, token_id, *alert_row in due:
            if not self.db.execute("UPDATE svc_deliveries SET next_at = ? WHERE id = ? AND "
                                   "status = 'pending' AND next_at = ? RETURNING id",
                                   (iso(now + CLAIM), dlv_id, next_at)):
                continue  # another process claimed it
            alert = Alert(alert_row[0], alert_row[1], alert_row[2], tuple(json.loads(alert_row[3])),
                          alert_row[4], json.loads(alert_row[5]))
            body = shown(token_id, alert)
            if body is None:
                self.db.execute("UPDATE svc_deliveries SET status = 'failed', last_error = ? "
                                "WHERE id = ?", ("the subscription's token is revoked", dlv_id))
                continue
            # A subscription made before secrets were derived keeps the secret it was given.
            secret = hookkeys.derive(self._key, sub_id) if stored == hookkeys.DERIVED else stored
            self._attempt(transport, dlv_id, attempts + 1, url, secret, alert.id, body, now)
            attempted += 1
        return attempted

    def _attempt(self, transport: Transport, dlv_id: str, attempt: int, url: str, secret: str,
                 alert_id: str, shown: dict[str, Any], now: datetime) -> None:
        body = json.dumps(shown, sort_keys=True).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": alert_id,
                   SIGNATURE_HEADER: sign(secret, int(now.timestamp()), body),
                   "User-Agent": "habeas-webhooks/1"}
        code: int | None = None
        error: str | None = None
        try:
            code = transport.post(url, body, headers)
        except OSError as failure:
            error = UNDELIVERED
            logging.getLogger("habeas.webhooks").info("delivery %s: %s", dlv_id, failure)
        if code is not None and 200 <= code < 300:
            self.db.execute("UPDATE svc_deliveries SET attempts = ?, status = 'delivered', "
                            "last_code = ?, last_error = NULL, delivered_at = ? WHERE id = ?",
                            (attempt, code, iso(now), dlv_id))
            return
        status = "failed" if attempt >= MAX_ATTEMPTS else "pending"
        self.db.execute("UPDATE svc_deliveries SET attempts = ?, status = ?, last_code = ?, "
                        "last_error = ?, next_at = ? WHERE id = ?",
                        (attempt, status, code, error, iso(now + backoff(attempt)), dlv_id))


class Worker(Background):
    """The background thread of the server process: delivers and escalates every few seconds."""

    def __init__(self, tick: Callable[[], None], interval: float = 2.0) -> None:
        super().__init__("habeas-worker")
        self._tick = tick
        self._interval = interval

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._tick()
            except Exception:  # one bad tick must not stop deliveries for good
                logging.getLogger("habeas.worker").exception("worker tick failed")
