"""Building a service over the flagship case for tests, on either backend."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files

from habeas.ledger import Ledger
from habeas.service import Service
from habeas.service.access import Principal, Role
from habeas.service.clock import ManualClock
from habeas.service.database import Database
from service.fakes import fake_backend

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
FLAGSHIP = files("habeas.service").joinpath("data/jgg-2025-03-15.yaml").read_text()
ADMIN = Principal("tok_admin", "admin", Role.admin)


class Capture:
    """A transport that records what would have been posted."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.sent: list[tuple[str, bytes, dict[str, str]]] = []

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.sent.append((url, body, headers))
        return self.status


def make_service(url: str = "memory:", *, key_path: str | None = None,
                 flagship: bool = True) -> tuple[Service, ManualClock, Capture]:
    clock, transport = ManualClock(START), Capture()
    ledger = Ledger.init(url, key_path=key_path)
    service = Service(fake_backend(ledger), Database(url), clock=clock, transport=transport)
    if flagship:
        service.import_bundle(ADMIN, FLAGSHIP)
    return service, clock, transport
