"""The service object: the composition of follower, views, writes and outbox over one
ledger, and the one handle every shell holds.

Each job lives in its own module: ``follower`` owns the current snapshot (the case and
engine at a tree size), ``lens`` says what a principal sees, ``views`` builds what each page
and endpoint shows through that lens, ``writes`` handles requests that append, ``outbox``
raises alerts as the log grows. This class wires them together and forwards the shells'
calls, so a shell names one object as datasette's views name its app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from habeas.bundle.exchange import bundle_json_schema, export_bundle
from habeas.domain import Case, Entity
from habeas.errors import NotFoundError, Problem, ValidationError
from habeas.law import Engine, Interpretation, findings_schema
from habeas.ledger import Ledger, keys
from habeas.ledger.witnessing import WitnessClient
from habeas.service import hookkeys
from habeas.service.access import Principal, Role
from habeas.service.accounts import Accounts, TokenInfo
from habeas.service.alerts import Alert, Alerts
from habeas.service.clock import Clock, SystemClock
from habeas.service.database import Database
from habeas.service.follower import Follower, Snapshot, Watcher
from habeas.service.lens import Lens
from habeas.service.obligations import DEFAULT_ESCALATION, Obligations
from habeas.service.outbox import Outbox
from habeas.service.pages import Page
from habeas.service.views import DEFAULT, READABLE, Views
from habeas.service.webhooks import HttpTransport, Transport
from habeas.service.writes import Writes

#: Who must acknowledge an order when none are named: the Government's two arms in the case.
DEFAULT_PARTIES = ("United States (Department of Justice)",
                   "U.S. Immigration and Customs Enforcement")

__all__ = ["DEFAULT", "DEFAULT_PARTIES", "READABLE", "Service"]


class Service:
    """One ledger, its follower, and the operational state around them."""

    def __init__(self, ledger: Ledger, db: Database, *, clock: Clock | None = None,
                 transport: Transport | None = None,
                 escalation: tuple[timedelta, ...] = DEFAULT_ESCALATION,
                 parties: tuple[str, ...] = DEFAULT_PARTIES, local_webhooks: bool = False,
                 webhook_key: bytes | None = None) -> None:
        self.ledger = ledger
        self.db = db
        self.clock = clock or SystemClock()
        self.transport = transport or HttpTransport(local_allowed=local_webhooks)
        self.accounts = Accounts(db)
        self.alerts = Alerts(db, self.clock, local_webhooks=local_webhooks,
                             webhook_key=webhook_key)  # None: a key for this process only
        self.obligations = Obligations(db, escalation)
        self.parties = parties
        self.follower = Follower(ledger)
        self.views = Views(self.follower, ledger, self.alerts, self.obligations, self.clock)
        self.outbox = Outbox(db, self.follower, self.alerts, self.obligations,
                             self.clock, parties)
        self.writes = Writes(ledger, db, self.follower, self.views, self.outbox,
                             self.obligations, self.clock)
        self.witnesses: list[WitnessClient] = []  # C2SP tlog-witness servers to cosign

    @classmethod
    def open(cls, url: str, *, create: bool = False, key_path: str | None = None,
             **options: Any) -> Service:
        """The service over the ledger at ``url``, with its operational tables beside it."""
        ledger = Ledger.init(url, key_path) if create else Ledger.open(url, key_path)
        ledger.check_signing_key()  # a 0644 or missing key file stops a server before it starts
        ledger.self_check()  # a log rewritten while the server was down: the signer stops
        hooks = hookkeys.load_or_create(hookkeys.key_path(keys.default_key_path(url, key_path)))
        return cls(ledger, Database(url), webhook_key=hooks, **options)

    # --- the snapshot -------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        return self.follower.current()

    def case(self) -> Case:
        """The whole case: for library callers and tests, never for a shell's output (the
        shells show ``lens(principal).case()``)."""
        return self.follower.current().case

    def engine(self) -> Engine:
        return self.follower.current().engine

    def lens(self, principal: Principal) -> Lens:
        return self.views.lens(principal)

    def watcher(self, poll: float | None = None) -> Watcher:
        """A thread that folds others' appends as they land and raises their alerts."""
        def advanced(snapshot: Snapshot) -> None:
            self.outbox.drain(snapshot)

        return Watcher(self.follower, advanced, **({} if poll is None else {"poll": poll}))

    # --- reads (views.py) ---------------------------------------------------------------

    def entities(self, principal: Principal, section: str, *, limit: int | None = None,
                 cursor: str | None = None, **filters: str | None) -> Page:
        return self.views.entities(principal, section, limit=limit, cursor=cursor, **filters)

    def entity(self, principal: Principal, section: str, obj_id: str) -> dict[str, Any]:
        return self.views.entity(principal, section, obj_id)

    def get(self, principal: Principal, section: str, obj_id: str) -> Entity:
        return self.views.get(self.lens(principal), section, obj_id)

    def alerts_for(self, principal: Principal, *, person: str | None = None,
                   limit: int = 50) -> list[dict[str, Any]]:
        return self.views.alerts_for(principal, person=person, limit=limit)

    def obligations_for(self, principal: Principal) -> list[dict[str, Any]]:
        return self.views.obligations_for(principal)

    def person_view(self, principal: Principal, person_id: str) -> dict[str, Any]:
        return self.views.person(principal, person_id)

    def movement_view(self, principal: Principal, movement_id: str) -> dict[str, Any]:
        return self.views.movement(principal, movement_id)

    def order_view(self, principal: Principal, order_id: str, reading: Interpretation
                   ) -> dict[str, Any]:
        return self.views.order(principal, order_id, reading)

    def dashboard(self, principal: Principal) -> dict[str, Any]:
        return self.views.dashboard(principal)

    def timeline(self, principal: Principal, tz_name: str) -> dict[str, Any]:
        return self.views.timeline(principal, tz_name)

    def impact(self, principal: Principal, order_id: str, reading: Interpretation
               ) -> dict[str, Any]:
        return self.views.impact(principal, order_id, reading)

    def audit(self, principal: Principal, reading: Interpretation,
              as_of: datetime | None = None) -> dict[str, Any]:
        return self.views.audit(principal, reading, as_of)

    def matrix(self, principal: Principal, as_of: datetime | None = None) -> dict[str, Any]:
        return self.views.matrix(principal, as_of)

    def stats(self) -> dict[str, Any]:
        return self.views.stats()

    # --- proofs -------------------------------------------------------------------------

    def checkpoint(self) -> str:
        """The latest checkpoint, cosigned by the configured witnesses that accept it."""
        if self.witnesses:
            return self.ledger.witnessed_checkpoint(self.witnesses)
        return self.ledger.checkpoint()

    def verifier_key(self) -> str:
        return self.ledger.verifier_key()

    def inclusion(self, seq: int, size: int | None = None) -> Any:
        tree = self.ledger.size()
        if not 0 <= seq < (size if size is not None else tree):
            raise NotFoundError(f"no record {seq} in a log of {size or tree}")
        if size is not None and size > tree:
            raise NotFoundError(f"the log holds {tree} records, not {size}")
        return self.ledger.inclusion_proof(seq, size).to_json()

    def consistency(self, old_size: int, new_size: int | None = None) -> Any:
        tree = self.ledger.size()
        new = tree if new_size is None else new_size
        if not 0 < old_size <= new <= tree:
            raise ValidationError(Problem("old", old_size, f"need 0 < old <= new <= {tree}"))
        return self.ledger.consistency_proof(old_size, new).to_json()

    def record(self, principal: Principal, seq: int) -> dict[str, Any]:
        if not 0 <= seq < self.ledger.size():
            raise NotFoundError(f"no record {seq}")
        return self.lens(principal).redact(self.ledger.get(seq).to_json())

    def export(self, principal: Principal, since: int | None = None) -> dict[str, Any]:
        """The case as a bundle, with the checkpoint and every record's inclusion proof;
        made once per state of the case (a proof per object is the costly part; records
        that are not case objects, as receipts, do not change it) by whoever asks first,
        without holding anything another request needs. With ``since``, a consistency
        proof from that tree size (a checkpoint the reader kept)."""
        lens = self.lens(principal)
        return lens.redact(lens.snapshot.answer(("export", since),
                                                lambda: export_bundle(self.ledger, since)))

    def bundle_schema(self, principal: Principal) -> dict[str, Any]:
        """The bundle's JSON Schema; its examples come from a real case, so it leaves
        through the lens like everything else."""
        return self.lens(principal).redact(bundle_json_schema())

    def findings_schema(self, principal: Principal) -> dict[str, Any]:
        return self.lens(principal).redact(findings_schema())

    # --- writes (writes.py) -------------------------------------------------------------

    def add(self, principal: Principal, section: str, payload: Mapping[str, Any], *,
            idempotency_key: str | None = None, parties: Iterable[str] = (),
            context: str = "") -> dict[str, Any]:
        return self.writes.add(principal, section, payload, idempotency_key=idempotency_key,
                               parties=parties, context=context)

    def import_bundle(self, principal: Principal, text: str) -> dict[str, Any]:
        return self.writes.import_bundle(principal, text)

    def acknowledge(self, principal: Principal, obligation_id: str) -> dict[str, Any]:
        return self.writes.acknowledge(principal, obligation_id)

    def check(self, principal: Principal, action: Mapping[str, Any], at: datetime,
              reading: Interpretation) -> dict[str, Any]:
        return self.writes.check(principal, action, at, reading)

    def create_token(self, role: str, *, name: str = "", people: tuple[str, ...] = (),
                     party: str | None = None) -> tuple[TokenInfo, str]:
        return self.accounts.create_token(role, name=name, people=people, party=party,
                                          now=self.clock.now())

    # --- the worker ---------------------------------------------------------------------

    def tick(self) -> None:
        """What the background worker does every few seconds: catch up with the log and
        raise the alerts of records nobody has announced (a crash, another process), alert
        new findings and obligations falling due, escalate unacknowledged notice, then
        deliver, each webhook showing only what its subscriber may see."""
        self.outbox.drain(self.follower.catch_up())
        self.outbox.watch_audit()
        self.outbox.escalate()
        self.alerts.deliver_due(self.transport, self.shown)

    def shown(self, token_id: str, alert: Alert) -> dict[str, Any] | None:
        """What the holder of ``token_id`` may see of ``alert``: the body of its webhook."""
        token = next((t for t in self.accounts.list_tokens() if t.id == token_id), None)
        if token is None or token.revoked_at is not None:
            return None
        principal = Principal(token.id, token.name, Role(token.role), frozenset(token.people),
                              token.party)
        return self.lens(principal).redact(alert.to_json())
