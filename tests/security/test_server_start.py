"""What ``habeas serve`` checks before it listens, and what it writes to its log: run as a
real process on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
from tests.faults.server import SRC, Server, make_service

from habeas.service import Service


def serve(url: str, key: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    return subprocess.run([sys.executable, "-m", "habeas", "serve", "--db", url, "--key",
                           str(key), "--port", "1"], capture_output=True, text=True,
                          timeout=30, env=env, stdin=subprocess.DEVNULL)


def test_a_key_file_others_can_read_is_refused_at_start(tmp_path: Path) -> None:
    """Port 1 is never bound: the server must refuse before it gets that far."""
    url, key = str(tmp_path / "h.db"), tmp_path / "signing.key"
    Service.open(url, create=True, key_path=str(key)).ledger.close()
    key.chmod(0o644)
    done = serve(url, key)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2
    assert done.stderr == (f"Error: key file {key}: mode 0644 lets group or others read it; "
                           f"run chmod 600 {key}\n")


def test_a_missing_key_file_is_refused_at_start(tmp_path: Path) -> None:
    url, key = str(tmp_path / "h.db"), tmp_path / "signing.key"
    Service.open(url, create=True, key_path=str(key)).ledger.close()
    key.unlink()
    done = serve(url, key)
    assert done.returncode == 2 and done.stderr.startswith(f"Error: key file {key}: not found")


NAME, A_NUMBER = "Kilmar Abrego Garcia", "A201-234-567"


def test_no_personal_data_in_the_server_log(tmp_path: Path) -> None:
    """The flagship import and a round of API calls, including a person with an A-number:
    the server's whole output names no person, no person's id and no A-number (the access
    log names routes, not paths)."""
    from importlib.resources import files

    url, key = f"sqlite:///{tmp_path}/h.db", tmp_path / "signing.key"
    token = make_service(url, key)
    server = Server(url, key, tmp_path / "server.log")
    server.start()
    auth = {"Authorization": f"Bearer {token}"}
    flagship = files("habeas.service").joinpath("data/jgg-2025-03-15.yaml").read_text()
    try:
        with httpx.Client(base_url=server.base, headers=auth, timeout=60) as http:
            assert http.post("/api/bundles", content=flagship,
                             headers={"Content-Type": "application/yaml"}).status_code == 201
            person = {"id": "test-person", "name": "Test Person",
                      "identifiers": {"a_number": A_NUMBER}}
            assert http.post("/api/records", json={"records": [
                {"kind": "person", "payload": person}]}).status_code == 201
            for path in ("/api/people/abrego-garcia", "/api/people/test-person", "/api/audit",
                         "/api/export", "/-/checkpoint", "/api/people/nobody"):
                http.get(path)
            http.post("/api/check", json={"action": {"action": "remove",
                                                     "subjects": ["abrego-garcia"], "to": "SV"},
                                          "at": "2025-03-15T19:30:00-04:00"})
            http.post("/api/records", json={"records": [{"kind": "person", "payload": {
                "id": "bad", "name": NAME, "identifiers": {"a_number": A_NUMBER},
                "birth_year": 1}}]})  # refused: its problems must not be logged either
    finally:
        server.stop()
    log = (tmp_path / "server.log").read_text()
    assert "GET /api/people/{person_id} 200" in log, "the access log was not captured"
    for secret in (NAME, "Abrego Garcia", A_NUMBER, A_NUMBER.replace("-", ""), "Test Person",
                   token, "abrego-garcia", "test-person", "nobody"):  # ids too: paths name them
        assert secret not in log, f"{secret!r} in the server log"
