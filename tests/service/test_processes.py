"""Several processes, one PostgreSQL: two real ``habeas serve`` processes on loopback ports
share one database; a write through one is answered by the other within a second, and a
webhook subscription gets one delivery per alert, not one per process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.harness import ADMIN, FLAGSHIP

pytestmark = pytest.mark.postgres
#: Longer than the server's worker interval (2 s).
SLOW = 3.0
SRC = str(Path(__file__).resolve().parents[2] / "src")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Receiver:
    """A webhook receiver on loopback that counts what it is sent. It answers slowly (longer
    than a worker's tick), so that a delivery in flight in one process is due in the other's
    tick too: only a claim keeps it from being sent twice."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        seen = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                seen.append({"key": self.headers["Idempotency-Key"], **json.loads(body)})
                time.sleep(SLOW)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def serve(url: str, key: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.Popen(
        [sys.executable, "-m", "habeas", "serve", "--db", url, "--key", str(key),
         "--port", str(port), "--local-webhooks"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode() if process.stderr else "died")
        try:
            if httpx.get(f"{base}/-/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{base} did not start")


@pytest.fixture
def two_servers(postgres_url: str, tmp_path: Path) -> Iterator[tuple[str, str, dict[str, str]]]:
    from habeas.service import Service

    key = tmp_path / "signing.key"
    svc = Service.open(postgres_url, create=True, key_path=str(key))
    svc.import_bundle(ADMIN, FLAGSHIP)
    tokens = {role: svc.create_token(role, name=f"test {role}")[1]
              for role in ("admin", "operator")}
    svc.ledger.close()
    svc.db.close()
    ports = [free_port(), free_port()]
    processes = []
    try:
        for port in ports:  # one after the other: each creates the operational tables once
            processes.append(serve(postgres_url, key, port))
            wait_up(f"http://127.0.0.1:{port}", processes[-1])
        yield f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}", tokens
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)


def test_a_write_through_one_is_read_through_the_other_and_alerted_once(
        two_servers: tuple[str, str, dict[str, str]]) -> None:
    first, second, tokens = two_servers
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    operator = {"Authorization": f"Bearer {tokens['operator']}"}
    receiver = Receiver()
    made = httpx.post(f"{second}/api/subscriptions", headers=admin, json={
        "url": receiver.url, "topics": ["movement"], "people": []})
    assert made.status_code == 201, made.text
    size = httpx.get(f"{second}/-/health").json()["size"]

    event = {"id": "gxa6122.departed.twice", "kind": "departed", "movement": "gxa6122",
             "place": "hrl", "at": "2026-01-05T09:00:00+00:00"}
    written = httpx.post(f"{first}/api/events", headers=operator, json=event)
    assert written.status_code == 201, written.text
    started = time.monotonic()
    while True:
        seen = httpx.get(f"{second}/api/movements/gxa6122", headers=admin).json()
        if any(e["id"] == "gxa6122.departed.twice" for e in seen["events"]):
            break
        assert time.monotonic() - started < 1.0, "the other process did not see the write"
        time.sleep(0.02)
    assert httpx.get(f"{second}/-/health").json()["size"] == size + 1

    # a second write through the other process, so each process both writes and follows
    landed = {**event, "id": "gxa6122.landed.twice", "kind": "landed", "place": "sal",
              "at": "2026-01-05T12:00:00+00:00"}
    assert httpx.post(f"{second}/api/events", headers=operator,
                      json=landed).status_code == 201
    deadline = time.monotonic() + 20
    while len({r["key"] for r in receiver.received}) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(2 * SLOW)  # both workers tick twice more: a second delivery would show
    keys = [r["key"] for r in receiver.received]
    assert len(set(keys)) == 2, receiver.received
    assert len(keys) == 2, f"duplicate deliveries: {keys}"
    summaries = sorted(r["summary"] for r in receiver.received)
    assert any("departed" in s.lower() for s in summaries), summaries
