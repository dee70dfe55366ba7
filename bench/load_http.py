"""Load test of the HTTP service on loopback: a bounded mix of appends, guard checks and
reads from concurrent clients against a real ``habeas serve`` process; reports sustained
throughput and p50/p99 latency per kind of request, and every error.

It starts its own server over a fresh ledger holding the flagship case (SQLite file or a
PostgreSQL database you name), sends exactly ``--requests`` requests and stops by itself.

    PYTHONPATH=src python bench/load_http.py --db sqlite:///tmp/load.db --requests 3000
    PYTHONPATH=src python bench/load_http.py --db postgresql://habeas@127.0.0.1:55435/load
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import httpx

SRC = Path(__file__).resolve().parents[1] / "src"
MIX = (("append", 0.10), ("check", 0.45), ("read", 0.45))
CHECK = {"action": {"action": "remove", "subjects": ["abrego-garcia"], "to": "SV"},
         "at": "2025-03-15T19:30:00-04:00"}
READS = ("/api/people/abrego-garcia", "/api/orders/tro-class-oral", "/-/checkpoint",
         "/api/proofs/inclusion/3")


@dataclass
class LoadReport:
    backend: str
    requests: int
    concurrency: int
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def summary(self) -> dict[str, Any]:
        def pct(values: list[float], q: float) -> float:
            ordered = sorted(values)
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if values \
                else 0.0

        every = [v for values in self.latencies.values() for v in values]
        kinds = {kind: {"count": len(v), "p50_ms": round(pct(v, 0.50), 2),
                        "p99_ms": round(pct(v, 0.99), 2)} for kind, v in self.latencies.items()}
        return {"backend": self.backend, "requests": self.requests,
                "concurrency": self.concurrency, "seconds": round(self.seconds, 2),
                "throughput_rps": round(self.throughput, 1),
                "p50_ms": round(pct(every, 0.50), 2), "p99_ms": round(pct(every, 0.99), 2),
                "mean_ms": round(statistics.fmean(every) * 1000, 2) if every else 0.0,
                "errors": len(self.errors), "by_kind": kinds}


def prepare(url: str, key: Path) -> str:
    """A fresh ledger with the flagship case and an admin token (its secret returned)."""
    from habeas.service import Principal, Role, Service

    service = Service.open(url, create=True, key_path=str(key))
    flagship = files("habeas.service").joinpath("data/jgg-2025-03-15.yaml").read_text()
    service.import_bundle(Principal("", "load", Role.admin), flagship)
    secret: str = service.create_token("admin", name="load test")[1]
    service.ledger.close()
    return secret


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, key: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(SRC))
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "habeas", "serve", "--db", url,
                                 "--key", str(key), "--host", "127.0.0.1", "--port",
                                 str(port), "--rate-limit", "0"],  # the load is the point
                                env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/-/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start")


def plan(total: int, seed: int) -> list[str]:
    """The exact sequence of request kinds: bounded and reproducible."""
    rng = random.Random(seed)
    kinds, weights = zip(*MIX, strict=True)
    return rng.choices(kinds, weights=weights, k=total)


def drive(base: str, token: str, total: int, concurrency: int, seed: int = 6,
          backend: str = "") -> LoadReport:
    """Send ``total`` requests from ``concurrency`` clients; each client takes the next
    request from the shared plan until it is used up."""
    work = plan(total, seed)
    lock = threading.Lock()
    cursor = [0]
    report = LoadReport(backend, total, concurrency, 0.0,
                        {kind: [] for kind, _ in MIX})
    headers = {"Authorization": f"Bearer {token}"}

    def client(number: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            while True:
                with lock:
                    index = cursor[0]
                    cursor[0] += 1
                if index >= total:
                    return
                kind = work[index]
                began = time.perf_counter()
                try:
                    response = _send(http, kind, index)
                    ok = response.status_code < 400
                    problem = f"{kind} {response.status_code} {response.text[:200]}"
                except httpx.HTTPError as error:
                    ok, problem = False, f"{kind} {type(error).__name__}: {error}"
                elapsed = time.perf_counter() - began
                with lock:
                    report.latencies[kind].append(elapsed)
                    if not ok:
                        report.errors.append(problem)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = time.perf_counter() - began
    return report


def _send(http: httpx.Client, kind: str, index: int) -> httpx.Response:
    if kind == "append":
        key = f"load-{index}"
        return http.post("/api/records", headers={"Idempotency-Key": key}, json={
            "records": [{"kind": "source", "payload": {"id": key, "title": f"load {index}"}}]})
    if kind == "check":
        return http.post("/api/check", json=CHECK)
    return http.get(READS[index % len(READS)])


def run(url: str, total: int, concurrency: int, seed: int = 6) -> LoadReport:
    """Prepare a ledger at ``url``, serve it, drive the load, stop the server."""
    with tempfile.TemporaryDirectory(prefix="habeas-load-") as tmp:
        key = Path(tmp) / "signing.key"
        token = prepare(url, key)
        proc, base = start_server(url, key, Path(tmp) / "server.log")
        try:
            for path in READS:  # warm up: the first read builds the case and the engine
                httpx.get(base + path, headers={"Authorization": f"Bearer {token}"},
                          timeout=60)
            return drive(base, token, total, concurrency, seed, url.split(":", 1)[0])
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="sqlite:///path or postgresql://...")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    report = run(args.db, args.requests, args.concurrency, args.seed)
    print(json.dumps(report.summary(), indent=2))
    for error in report.errors[:10]:
        print("error:", error, file=sys.stderr)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
