"""Alerts reach the subscriptions that asked, signed, with an idempotency key, and retried."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

from habeas.service import Principal, Role
from habeas.service.webhooks import HttpTransport, verify
from service.harness import ADMIN, Rig

COUNSEL = Principal("tok_counsel", "counsel", Role.counsel, frozenset({"abrego-garcia"}))
DEPARTED = {"kind": "departed", "movement": "gxa6122", "place": "hrl",
            "at": "2026-01-05T09:00:00+00:00"}


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
    rig.service.alerts.subscribe(COUNSEL, "https://c.example/", [], ["abrego-garcia"])
    rig.service.add(ADMIN, "events", {**DEPARTED, "movement": "gxa6143"})
    rig.service.tick()
    assert rig.wire.sent == []
    assert rig.service.alerts.recent(COUNSEL) == []
    assert rig.service.alerts.recent(ADMIN)[0].summary == \
        "GXA6143 departed at Valley International Airport"


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
        rig.service.transport = HttpTransport(timeout=5)
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

    from habeas.api import create_app

    rig.service.alerts.subscribe(ADMIN, "https://monitor.example/hook", ["movement"], [])
    with TestClient(create_app(rig.service, worker=True, worker_interval=0.05)):
        rig.service.add(ADMIN, "events", DEPARTED)
        deadline = time.monotonic() + 5
        while not rig.wire.sent and time.monotonic() < deadline:
            time.sleep(0.02)
    assert [url for url, _, _ in rig.wire.sent] == ["https://monitor.example/hook"]
