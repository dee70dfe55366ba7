"""Server restart under load: clients append over HTTP while the server is SIGKILLed and
started again; clients that retry with their Idempotency-Key end with exactly one copy of
each record, and every retry gets an answer, not an error. Both backends."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import httpx
import pytest
from tests.faults.server import Server, make_service

from habeas.ledger import Ledger

CLIENTS = 4


def client(base: str, token: str, number: int, count: int, failures: list[str],
           retries: list[int]) -> None:
    """Append ``count`` sources, each retried with the same key until it is answered."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=10) as http:
        for n in range(count):
            key = f"c{number}-{n}"
            body = {"records": [{"kind": "source",
                                 "payload": {"id": key, "title": f"restart test {key}"}}]}
            while True:
                try:
                    answer = http.post(f"{base}/api/records", json=body,
                                       headers={**headers, "Idempotency-Key": key})
                except httpx.TransportError:
                    retries[number] += 1
                    time.sleep(0.05)
                    continue
                if answer.status_code >= 500:
                    retries[number] += 1
                    time.sleep(0.05)
                    continue
                if answer.status_code != 201 or answer.json()[0]["id"] != key:
                    failures.append(f"{key}: {answer.status_code} {answer.text[:300]}")
                break


def run(url: str, key: Path, tmp_path: Path, kills: int, per_client: int) -> None:
    token = make_service(url, key)
    server = Server(url, key, tmp_path / "server.log")
    server.start()
    failures: list[str] = []
    retries = [0] * CLIENTS
    threads = [threading.Thread(target=client, args=(server.base, token, c, per_client,
                                                     failures, retries))
               for c in range(CLIENTS)]
    for thread in threads:
        thread.start()
    rng = random.Random(6)
    try:
        for _ in range(kills):
            time.sleep(rng.uniform(0.2, 0.8))
            server.kill()
            server.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        server.stop()
    assert not any(t.is_alive() for t in threads), "a client never finished"
    assert failures == [], failures[:5]
    with Ledger.open(url, key) as ledger:
        ids = [r.payload["id"] for r in ledger.scan() if r.kind == "source"
               and str(r.payload.get("id", "")).startswith("c")]
        ledger.verify()
    expected = {f"c{c}-{n}" for c in range(CLIENTS) for n in range(per_client)}
    assert sorted(ids) == sorted(expected), "a record is missing or appears twice"
    print(f"\nrestart: {url.split(':')[0]}: {kills} kills, {len(ids)} records, "
          f"{sum(retries)} retries")


def test_restart_under_load(url: str, key: Path, tmp_path: Path) -> None:
    run(url, key, tmp_path, kills=3, per_client=15)


@pytest.mark.slow
def test_restart_under_load_long(url: str, key: Path, tmp_path: Path) -> None:
    run(url, key, tmp_path, kills=25, per_client=150)


def test_retry_after_a_crash_between_the_ledger_and_the_answer() -> None:
    """Deterministic form of what the restart test found: the records reached the ledger,
    the stored answer did not (the server died in between). The retry must be answered
    with the same records, not refused as a duplicate id, and append nothing."""
    from habeas.service import Principal, Role, Service

    service = Service.open("memory:", create=True)
    admin = Principal("tok_x", "admin", Role.admin)
    service.import_bundle(admin, 'habeas: 1\ntitle: "t"\ntimezone: UTC\n')
    first = service.add(admin, "sources", {"id": "s1", "title": "t"}, idempotency_key="k1")
    service.db.execute("DELETE FROM svc_requests")  # the answer was never stored
    size = service.ledger.size()
    again = service.add(admin, "sources", {"id": "s1", "title": "t"}, idempotency_key="k1")
    assert again == first
    assert service.ledger.size() == size
