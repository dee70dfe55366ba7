"""The front door: behind a TLS proxy cookies are Secure and HSTS is sent, limits key on the
real client, a guesser never locks the rightful users out, each token has a rate limit,
bundle imports leave the event loop free, database files are private, and the access log
names routes, not people."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import stat
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.conftest import CLIENT, Api, build
from habeas.app import create_app
from habeas.service import Service
from service.harness import FLAGSHIP, make_rig

PROXY = "10.9.8.7"
BROWSER = "198.51.100.20"


@pytest.fixture
def api() -> Api:
    return build(make_rig())


def behind_proxy(api: Api, client: str = PROXY, **options: Any) -> TestClient:
    app = create_app(api.rig.service, forwarded_allow_ips=PROXY, **options)
    return TestClient(app, client=(client, 40000))


def sign_in(client: TestClient, token: str, headers: dict[str, str]) -> Any:
    """The login form and its post, carrying the double-submit cookie by hand (a Secure
    cookie is not sent back over the test's plain http)."""
    form = client.get("/login", headers=headers)
    nonce = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert nonce
    return client.post("/login", data={"token": token, "csrf": nonce.group(1), "next": "/"},
                       headers={**headers, "Cookie": f"habeas_login={nonce.group(1)}"},
                       follow_redirects=False)


def forwarded(address: str = BROWSER) -> dict[str, str]:
    return {"X-Forwarded-Proto": "https", "X-Forwarded-For": address}


def test_behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent(api: Api) -> None:
    client = behind_proxy(api)
    reply = sign_in(client, api.tokens["admin"], forwarded())
    assert reply.status_code == 303
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith("habeas_session=") and "secure" in cookie.lower()
    assert reply.headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" in client.get("/-/health", headers=forwarded()).headers


def test_forwarded_headers_from_anyone_else_are_ignored(api: Api) -> None:
    """Not from the proxy named: a client cannot claim TLS or another address."""
    for client in (behind_proxy(api, client="203.0.113.66"), TestClient(api.app)):
        reply = sign_in(client, api.tokens["admin"], forwarded())
        assert reply.status_code == 303
        assert "secure" not in reply.headers["set-cookie"].lower()
        assert "strict-transport-security" not in reply.headers


def test_sign_in_limits_key_on_the_real_client(api: Api) -> None:
    """Behind one proxy, a guesser at one address is slowed; a neighbour at another is not."""
    client = behind_proxy(api)
    for i in range(30):
        sign_in(client, f"guess-{i}", forwarded("198.51.100.66"))
    assert sign_in(client, "guess", forwarded("198.51.100.66")).status_code == 429
    assert sign_in(client, "typo", forwarded(BROWSER)).status_code == 401
    assert sign_in(client, api.tokens["counsel"], forwarded("198.51.100.66")).status_code == 303


def test_each_token_has_a_rate_limit(api: Api) -> None:
    client = TestClient(create_app(api.rig.service, api_rate=(0.5, 3)))
    answers = [client.get("/api/people", headers=api.auth("monitor")) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"] == "too_many_requests"
    assert refused.headers["x-frame-options"] == "DENY"
    assert client.get("/api/people", headers=api.auth("operator")).status_code == 200
    assert client.get("/-/health").status_code == 200  # no token: not counted against any


def test_a_bundle_import_does_not_hold_up_other_requests(api: Api,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """While an import runs, the health check answers: the import is off the event loop."""
    release, started = threading.Event(), threading.Event()
    real = api.rig.service.import_bundle

    def slow_import(principal: Any, text: str) -> dict[str, Any]:
        started.set()
        release.wait(timeout=20)
        return real(principal, text)

    monkeypatch.setattr(api.rig.service, "import_bundle", slow_import)

    async def scenario() -> tuple[int, bool, int]:
        transport = httpx.ASGITransport(app=api.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            importing = asyncio.create_task(http.post(
                "/api/bundles", content=FLAGSHIP.encode(),
                headers={**api.auth("admin"), "Content-Type": "application/yaml"}))
            while not started.is_set():
                await asyncio.sleep(0.01)
            health = await asyncio.wait_for(http.get("/-/health"), timeout=10)
            still_importing = not importing.done()
            release.set()
            return health.status_code, still_importing, (await importing).status_code

    assert asyncio.run(scenario()) == (200, True, 201)


def test_database_files_are_created_private(tmp_path: Path) -> None:
    """Made under a permissive umask: the database, its WAL and shared-memory files, the
    signing key and the webhook key are the owner's alone."""
    old = os.umask(0)
    try:
        url = str(tmp_path / "h.db")
        service = Service.open(url, create=True, key_path=str(tmp_path / "h.key"))
        service.import_bundle(*_admin(), FLAGSHIP)
        files = sorted(p.name for p in tmp_path.iterdir())
        assert {"h.db", "h.db-wal", "h.db-shm", "h.key", "h.key.webhooks"} <= set(files)
        for path in tmp_path.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        service.ledger.close()
    finally:
        os.umask(old)


def _admin() -> tuple[Any]:
    from service.harness import ADMIN

    return (ADMIN,)


def test_the_access_log_names_routes_not_people(api: Api, caplog: pytest.LogCaptureFixture
                                                ) -> None:
    with caplog.at_level(logging.INFO, logger="habeas.access"):
        api.get(f"/api/people/{CLIENT}")
        api.get("/api/people/nobody-at-all")
        api.get(f"/api/people/{CLIENT}", "counsel", params={"person": CLIENT})
        api.client.get(f"/people/{CLIENT}")
        api.client.get("/static/habeas.css")
        api.client.get(f"/no/such/{CLIENT}")
    lines = [r.getMessage() for r in caplog.records if r.name == "habeas.access"]
    assert "GET /api/people/{person_id} 200" in lines[0]
    assert "GET /api/people/{person_id} 404" in lines[1]
    assert any(line.startswith("GET /static/...") for line in lines), lines
    assert any(line.startswith("GET (no route) 404") for line in lines)
    assert not [line for line in lines if CLIENT in line or "nobody" in line], lines
