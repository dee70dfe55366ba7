"""Building a service over the flagship case for tests, on either backend."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files

from habeas.ledger import Ledger
from habeas.service import Principal, Role, Service
from habeas.service.clock import Clock, ManualClock
from habeas.service.database import Database

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
FLAGSHIP = files("habeas.service").joinpath("data/jgg-2025-03-15.yaml").read_text()
ADMIN = Principal("tok_admin", "admin", Role.admin)
COUNSEL = Principal("tok_counsel", "counsel", Role.counsel, frozenset({"abrego-garcia"}))


class Capture:
    """A transport that records what would have been posted, answering ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.sent: list[tuple[str, bytes, dict[str, str]]] = []

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.sent.append((url, body, headers))
        return self.status


@dataclass
class Rig:
    """A service with its hands on the clock and the wire."""

    service: Service
    clock: ManualClock
    wire: Capture

    def token(self, role: str, *people: str) -> str:
        return self.service.create_token(role, name=f"test {role}", people=people)[1]


def make_rig(url: str = "memory:", *, key_path: str | None = None, flagship: bool = True,
             clock: Clock | None = None) -> Rig:
    manual, wire = ManualClock(START), Capture()
    ledger = Ledger.init(url, key_path=key_path)
    service = Service(ledger, Database(url), clock=clock or manual, transport=wire)
    if flagship:
        service.import_bundle(ADMIN, FLAGSHIP)
    return Rig(service, manual, wire)


def enrol(service: Service, principal: Principal) -> None:
    """A token row for a principal the tests name directly, so that what is sent on its
    behalf (a webhook) is shown as its token may see; no secret opens it."""
    service.db.execute("INSERT INTO svc_tokens (id, name, role, people, hash, created_at, "
                       "party) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (principal.token_id, principal.name, principal.role.value,
                        json.dumps(sorted(principal.people)), f"unusable:{principal.token_id}",
                        START.isoformat(), principal.party))
