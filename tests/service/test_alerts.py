"""Alerts reach the subscriptions that asked, signed, with an idempotency key, and retried."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from habeas.service import DEFAULT
from habeas.service.webhooks import HttpTransport, verify
from service.harness import ADMIN, COUNSEL, Rig, enrol

DEPARTED = {"kind": "departed", "movement": "gxa6122", "place": "hrl",
            "at": "2026-01-05T09:00:00+00:00"}


@pytest.fixture
def rig(rig: Rig) -> Rig:
    """The subscribers here are tokens of the service: a webhook shows what its token sees."""
    for principal in (ADMIN, COUNSEL):
        enrol(rig.service, principal)
    return rig


@pytest.fixture
def any_rig(any_rig: Rig) -> Rig:
    for principal in (ADMIN, COUNSEL):
        enrol(any_rig.service, principal)
    return any_rig


def test_a_movement_alert_is_signed_and_delivered_once(any_rig: Rig) -> None:
    svc = any_rig.service
    sub = svc.alerts.subscribe(COUNSEL, "https://counsel.example/hook", ["movement"],
                               ["abrego-garcia"])
    svc.add(ADMIN, "events", DEPARTED)
    svc.tick()
    [(url, body, headers)] = any_rig.wire.sent
    assert url == "https://counsel.example/hook"
    now = int(any_rig.clock.now().timestamp())
    assert verify(sub["secret"], headers["Habeas-Signature"], body, now=now)
    assert not verify(sub["secret"], headers["Habeas-Signature"], body + b" ", now=now)
    assert not verify(sub["secret"], headers["Habeas-Signature"], body, now=now + 3600)
    alert = json.loads(body)
    assert headers["Idempotency-Key"] == alert["id"]
    assert alert["topic"] == "movement" and "abrego-garcia" in alert["people"]
    svc.tick()
    assert len(any_rig.wire.sent) == 1
    [delivery] = svc.alerts.deliveries(COUNSEL)
    assert (delivery["status"], delivery["attempts"], delivery["last_code"]) == \
        ("delivered", 1, 200)


def test_counsel_hears_only_about_its_clients(rig: Rig) -> None:
    rig.service.alerts.subscribe(COUNSEL, "https://c.example/", ["movement"], ["abrego-garcia"])
    rig.service.add(ADMIN, "events", {**DEPARTED, "movement": "gxa6143"})
    rig.service.tick()
    assert rig.wire.sent == []
    assert all("abrego-garcia" in a.people for a in rig.service.alerts.recent(COUNSEL))
    movements = [a for a in rig.service.alerts.recent(ADMIN) if a.topic == "movement"]
    assert [a.summary for a in movements] == ["GXA6143 departed Harlingen"]
    assert [a for a in rig.service.alerts.recent(COUNSEL) if a.topic == "movement"] == []


def test_a_failing_receiver_is_retried_with_backoff(rig: Rig) -> None:
    rig.wire.status = 503
    rig.service.alerts.subscribe(ADMIN, "https://down.example/", ["movement"], [])
    rig.service.add(ADMIN, "events", DEPARTED)
    rig.service.tick()
    rig.service.tick()
    assert len(rig.wire.sent) == 1  # the next attempt waits 30 s
    rig.clock.advance(timedelta(seconds=31))
    rig.service.tick()
    assert len(rig.wire.sent) == 2
    rig.clock.advance(timedelta(seconds=31))
    rig.service.tick()
    assert len(rig.wire.sent) == 2  # then 60 s
    rig.wire.status = 204
    rig.clock.advance(timedelta(seconds=30))
    rig.service.tick()
    [delivery] = rig.service.alerts.deliveries(ADMIN)
    assert (delivery["status"], delivery["attempts"], delivery["last_code"]) == \
        ("delivered", 3, 204)
    assert len({h["Idempotency-Key"] for _, _, h in rig.wire.sent}) == 1


def test_counsel_cannot_subscribe_to_someone_else(rig: Rig) -> None:
    import pytest

    from habeas.errors import ValidationError

    with pytest.raises(ValidationError) as caught:
        rig.service.alerts.subscribe(COUNSEL, "https://c.example/", [], ["jgg"])
    assert caught.value.problems[0].path == "people"


def test_a_real_delivery_to_a_receiver_on_localhost(rig: Rig) -> None:
    received: list[tuple[bytes, str]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers["Habeas-Signature"]))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        rig.service.transport = HttpTransport(timeout=5, local_allowed=True)
        rig.service.alerts.local_webhooks = True
        sub = rig.service.alerts.subscribe(
            ADMIN, f"http://127.0.0.1:{server.server_port}/hook", ["movement"], [])
        rig.service.add(ADMIN, "events", DEPARTED)
        rig.service.tick()
    finally:
        server.shutdown()
    [(body, signature)] = received
    assert verify(sub["secret"], signature, body, now=int(rig.clock.now().timestamp()))
    assert rig.service.alerts.deliveries(ADMIN)[0]["last_code"] == 202


def test_the_server_process_delivers_from_a_background_worker(rig: Rig) -> None:
    import time

    from fastapi.testclient import TestClient

    from habeas.app import create_app

    rig.service.alerts.subscribe(ADMIN, "https://monitor.example/hook", ["movement"], [])
    with TestClient(create_app(rig.service, worker=True, worker_interval=0.05)):
        rig.service.add(ADMIN, "events", DEPARTED)
        deadline = time.monotonic() + 5
        while not rig.wire.sent and time.monotonic() < deadline:
            time.sleep(0.02)
    assert [url for url, _, _ in rig.wire.sent] == ["https://monitor.example/hook"]


def test_a_new_finding_is_alerted_once_by_the_worker(rig: Rig) -> None:
    svc = rig.service
    svc.tick()  # the flagship's own findings are alerted on the first pass
    before = {a.payload["finding"]["id"] for a in svc.alerts.recent(ADMIN, limit=500)
              if a.topic == "finding"}
    assert len(before) == len(svc.audit(ADMIN, DEFAULT)["findings"])
    svc.add(ADMIN, "orders", {
        "id": "tro-morning", "court": "D. Md.", "kind": "tro", "form": "written",
        "issued": "2025-03-15T12:00:00-04:00", "protects": {"people": ["abrego-garcia"]},
        "forbids": ["remove"]})
    svc.tick()
    svc.tick()
    fresh = [a for a in svc.alerts.recent(ADMIN, limit=500)
             if a.topic == "finding" and a.payload["finding"]["id"] not in before]
    assert [a.payload["finding"]["order"] for a in fresh] == ["tro-morning"]
    assert fresh[0].people == ("abrego-garcia",)


def test_webhooks_go_to_public_https_addresses_only(rig: Rig) -> None:
    import pytest

    from habeas.errors import ValidationError

    for url in ("http://counsel.example/", "https://127.0.0.1/", "https://10.1.2.3/hook",
                "https://[::1]/", "https://169.254.169.254/latest", "https://localhost/"):
        with pytest.raises(ValidationError) as caught:
            rig.service.alerts.subscribe(ADMIN, url, [], [])
        assert caught.value.problems[0].path == "url", url
    assert rig.service.alerts.subscribe(ADMIN, "https://8.8.8.8/h", [], [])["id"]


def test_an_open_obligation_is_alerted_when_it_falls_due_and_when_overdue(rig: Rig) -> None:
    from datetime import timedelta

    svc = rig.service  # the clock stands at 5 January 2026; CECOT's term ends 16 March 2026
    svc.tick()
    due = [a for a in svc.alerts.recent(ADMIN, limit=500) if a.topic == "obligation"]
    assert due == []
    rig.clock.advance(timedelta(days=69, hours=20))
    svc.tick()
    svc.tick()
    soon = [a.summary for a in svc.alerts.recent(ADMIN, limit=500) if a.topic == "obligation"]
    assert soon and all(s.startswith("Due within a day: ") for s in soon)
    rig.clock.advance(timedelta(days=2))
    svc.tick()
    late = [a.summary for a in svc.alerts.recent(ADMIN, limit=500) if a.topic == "obligation"]
    assert len(late) == 2 * len(soon) and late[0].startswith("Overdue: ")
