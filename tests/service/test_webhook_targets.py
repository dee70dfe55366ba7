"""Webhook targets are checked when each delivery connects, by every address the name
resolves to then, and the connection goes to the address checked; what a subscriber learns
of a failure says nothing about the server's neighbourhood; secrets are not in the database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from habeas.service import Principal, Role, Service
from habeas.service import webhooks as hooks
from habeas.service.webhooks import UNDELIVERED, HttpTransport, verify
from service.harness import ADMIN, FLAGSHIP, Rig, enrol

DEPARTED = {"kind": "departed", "movement": "gxa6122", "place": "hrl",
            "at": "2026-01-05T09:00:00+00:00"}
#: What a hostile DNS zone, a resolver's special names or /etc/hosts answer.
ZONE = {
    "app.localtest.me": ["127.0.0.1"],
    "cgnat.example": ["100.64.0.1"],
    "hosts-entry.example": ["10.0.0.5"],
    "metadata.example": ["169.254.169.254"],
    "mixed.example": ["93.184.216.34", "127.0.0.1"],
    "mapped.example": ["::ffff:127.0.0.1"],
    "v6-local.example": ["fd00::1"],
}


@pytest.fixture
def any_rig(any_rig: Rig) -> Rig:
    """The subscribers are tokens of the service: a webhook shows what its token sees."""
    enrol(any_rig.service, ADMIN)
    return any_rig


def fake_resolver(host: str, port: int) -> list[str]:
    if host not in ZONE:
        raise OSError("no such name")
    return ZONE[host]


class Receiver:
    """A plain HTTP receiver on loopback that records each request's Host header."""

    def __init__(self) -> None:
        hosts: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                hosts.append(self.headers["Host"])
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.hosts = hosts
        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.server.shutdown()


@pytest.mark.parametrize("name", list(ZONE))
def test_a_name_resolving_anywhere_non_public_is_refused_at_connect(receiver: Receiver,
                                                                    name: str) -> None:
    transport = HttpTransport(timeout=2, resolver=fake_resolver)
    with pytest.raises(OSError, match="non-public"):
        transport.post(f"http://{name}:{receiver.port}/hook", b"{}", {})
    assert receiver.hosts == []


@pytest.mark.parametrize("name", ["localhost", "localhost."])
def test_names_from_etc_hosts_are_resolved_and_refused(receiver: Receiver, name: str) -> None:
    """The system's own resolver: localhost (with or without its trailing dot) is loopback."""
    with pytest.raises(OSError):
        HttpTransport(timeout=2).post(f"http://{name}:{receiver.port}/hook", b"{}", {})
    assert receiver.hosts == []
    HttpTransport(timeout=2, local_allowed=True).post(
        f"http://127.0.0.1:{receiver.port}/hook", b"{}", {})
    assert len(receiver.hosts) == 1, "the receiver would have seen a connection"


def test_the_connection_goes_to_the_address_checked(receiver: Receiver,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolved once, checked, and connected to by address: a second answer (rebinding)
    is never asked for; the name still travels in Host."""
    answers = iter([["127.0.0.1"], ["10.0.0.9"]])
    asked: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return next(answers)

    monkeypatch.setattr(hooks, "public", lambda address: str(address) == "127.0.0.1")
    code = HttpTransport(timeout=2, resolver=rebinding).post(
        f"http://rebind.example:{receiver.port}/hook", b"{}", {})
    assert code == 200 and asked == ["rebind.example"]
    assert receiver.hosts == [f"rebind.example:{receiver.port}"]


def test_a_subscriber_learns_nothing_of_why_a_delivery_failed(any_rig: Rig) -> None:
    """A closed port, a refused address and an unknown name read the same in last_error:
    ``last_error`` is not a port scanner."""
    svc = any_rig.service
    svc.transport = HttpTransport(timeout=1, resolver=fake_resolver)
    for url in ("https://app.localtest.me/hook", "https://cgnat.example:8443/admin",
                "https://no-such-name.example/hook"):
        svc.alerts.subscribe(ADMIN, url, ["movement"], [])
    svc.add(ADMIN, "events", DEPARTED)
    svc.tick()
    deliveries = svc.alerts.deliveries(ADMIN)
    assert len(deliveries) == 3
    assert {(d["last_error"], d["last_code"]) for d in deliveries} == {(UNDELIVERED, None)}


def test_subscription_secrets_are_not_in_the_database(any_rig: Rig) -> None:
    svc = any_rig.service
    counsel = Principal("tok_c", "counsel", Role.counsel, frozenset({"abrego-garcia"}))
    enrol(svc, counsel)
    made = svc.alerts.subscribe(counsel, "https://counsel.example/hook", ["movement"],
                                ["abrego-garcia"])
    [(stored,)] = svc.db.execute("SELECT secret FROM svc_subscriptions")
    assert made["secret"].startswith("whsec_") and made["secret"] not in str(stored)
    svc.add(ADMIN, "events", DEPARTED)
    svc.tick()
    [(_, body, headers)] = any_rig.wire.sent
    assert verify(made["secret"], headers["Habeas-Signature"], body,
                  now=int(any_rig.clock.now().timestamp()))


def test_a_restarted_server_signs_with_the_same_secrets(tmp_path: Path) -> None:
    """The secret is derived from the webhook key beside the signing key, not stored:
    another process with the same key file derives the same one."""
    from service.harness import Capture

    url, key = str(tmp_path / "h.db"), str(tmp_path / "h.key")
    first = Service.open(url, create=True, key_path=key)
    first.import_bundle(ADMIN, FLAGSHIP)
    enrol(first, ADMIN)
    made = first.alerts.subscribe(ADMIN, "https://monitor.example/hook", ["movement"], [])
    first.ledger.close()
    wire = Capture()
    second = Service.open(url, key_path=key, transport=wire)
    second.add(ADMIN, "events", DEPARTED)
    second.tick()
    [(_, body, headers)] = wire.sent
    now = int(headers["Habeas-Signature"].split(",")[0].removeprefix("t="))
    assert verify(made["secret"], headers["Habeas-Signature"], body, now=now)
    second.ledger.close()
