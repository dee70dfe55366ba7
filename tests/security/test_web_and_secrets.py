"""Secrets at rest, session cookies, CSRF, security headers and the sign-in rate limit,
against the app in-process over the flagship case."""

from __future__ import annotations

import hashlib
import inspect
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.conftest import Api, build
from habeas.service.accounts import Accounts
from service.harness import make_rig


@pytest.fixture
def api() -> Api:
    return build(make_rig())


def login(client: TestClient, token: str) -> Any:
    form = client.get("/login")
    nonce = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert nonce, "the login form carries no CSRF field"
    return client.post("/login", data={"token": token, "csrf": nonce.group(1), "next": "/"},
                       follow_redirects=False)


# -- secrets at rest -----------------------------------------------------------------------

def test_tokens_and_sessions_are_stored_only_as_hashes(api: Api) -> None:
    db = api.rig.service.db
    secrets = list(api.tokens.values())
    response = login(api.client, api.tokens["clerk"])
    session_id = response.cookies.get("habeas_session")
    assert session_id
    for table in ("svc_tokens", "svc_sessions"):
        dump = repr(db.execute(f"SELECT * FROM {table}"))
        for secret in [*secrets, session_id]:
            assert secret not in dump, f"a plaintext secret in {table}"
    hashes = {row[0] for row in db.execute("SELECT hash FROM svc_tokens")}
    assert {hashlib.sha256(s.encode()).hexdigest() for s in secrets} <= hashes


def test_token_comparison_is_constant_time() -> None:
    """The stored hash is found by an indexed lookup of the request's hash, then compared
    with ``hmac.compare_digest``: no early exit that a timing attack could measure."""
    source = inspect.getsource(Accounts.authenticate)
    assert "compare_digest" in source and "==" not in source


# -- cookies and CSRF ----------------------------------------------------------------------

def test_session_cookie_flags_over_plain_http(api: Api) -> None:
    response = login(api.client, api.tokens["clerk"])
    assert response.status_code == 303
    cookie = next(v for k, v in response.headers.multi_items()
                  if k == "set-cookie" and v.startswith("habeas_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_tls(api: Api) -> None:
    client = TestClient(api.app, base_url="https://testserver")
    response = login(client, api.tokens["clerk"])
    cookie = next(v for k, v in response.headers.multi_items()
                  if k == "set-cookie" and v.startswith("habeas_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "max-age=31536000" in response.headers["strict-transport-security"]


def test_form_post_without_csrf_token_is_refused(api: Api) -> None:
    assert login(api.client, api.tokens["operator"]).status_code == 303
    size = api.rig.service.ledger.size()
    form = {"movement": "gxa6122", "kind": "departed", "at": "2025-03-15T17:26",
            "zone": "America/New_York"}
    for csrf in (None, "forged"):
        data = form if csrf is None else {**form, "csrf": csrf}
        response = api.client.post("/forms/event", data=data, follow_redirects=False)
        assert response.status_code == 403
    assert api.rig.service.ledger.size() == size, "a form without its CSRF token wrote"


def test_login_without_its_double_submit_cookie_is_refused(api: Api) -> None:
    response = api.client.post("/login", data={"token": api.tokens["admin"],
                                               "csrf": "x" * 20, "next": "/"},
                               follow_redirects=False)
    assert response.status_code == 403
    assert "habeas_session" not in response.headers.get("set-cookie", "")


# -- headers and pages ---------------------------------------------------------------------

PAGES = ["/", "/login", "/alerts", "/verify", "/people/abrego-garcia", "/audit"]


@pytest.mark.parametrize("path", [*PAGES, "/-/health", "/api/people", "/nowhere"])
def test_security_headers(api: Api, path: str) -> None:
    login(api.client, api.tokens["admin"])
    response = api.client.get(path, headers=api.auth("admin"), follow_redirects=False)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    script = re.search(r"script-src ([^;]*)", csp)
    assert script and "'unsafe-inline'" not in script.group(1)
    assert "'unsafe-eval'" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", PAGES)
def test_pages_hold_no_inline_script(api: Api, path: str) -> None:
    login(api.client, api.tokens["admin"])
    html = api.client.get(path).text
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
        assert "src=" in tag, f"inline script on {path}: {tag}"
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, flags=re.I), f"event handler on {path}"


# -- sign-in rate limit --------------------------------------------------------------------

def test_sign_in_is_rate_limited(api: Api) -> None:
    statuses = [login(api.client, "not-a-token-" + str(i)).status_code for i in range(30)]
    assert statuses[0] == 401
    assert 429 in statuses, "30 failed sign-ins in a row were never slowed down"
    refused = login(api.client, "not-a-token-either")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    other = TestClient(api.app, client=("198.51.100.7", 50000))
    assert login(other, "not-a-token").status_code == 401, "another address is blocked"


def test_a_guesser_never_locks_the_rightful_users_out(api: Api) -> None:
    """Everyone behind one address (a proxy not declared, a campus): a guesser there keeps
    failing, and a right token still signs in, at once, every time."""
    for i in range(30):
        login(api.client, f"guess-{i}")
    assert login(api.client, "guess-31").status_code == 429
    for role in ("counsel", "operator", "monitor"):  # three browsers at the same address
        assert login(TestClient(api.app), api.tokens[role]).status_code == 303
    assert login(api.client, "guess-32").status_code == 429, "a sign-in reset the limit"
