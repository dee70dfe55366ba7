"""The pages in-process: sign-in, cookie flags, CSRF, what each role is shown."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.conftest import Api


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]*)"', html)
    assert found is not None
    return found.group(1)


def signed_in(api: Api, role: str) -> tuple[TestClient, str]:
    client = TestClient(api.app, follow_redirects=False)
    reply = client.post("/login", data={"token": api.tokens[role],
                                        "csrf": csrf_of(client.get("/login").text)})
    assert reply.status_code == 303
    cookie = reply.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    return client, csrf_of(client.get("/").text)


def test_pages_need_a_session(api: Api) -> None:
    client = TestClient(api.app, follow_redirects=False)
    reply = client.get("/orders/tro-class-oral")
    assert reply.status_code == 303
    assert reply.headers["location"] == "/login?next=/orders/tro-class-oral"


def test_a_bad_token_or_a_stale_form_does_not_sign_in(api: Api) -> None:
    client = TestClient(api.app, follow_redirects=False)
    nonce = csrf_of(client.get("/login").text)
    assert client.post("/login", data={"token": "hbs_nope", "csrf": nonce}).status_code == 401
    assert client.post("/login", data={"token": api.tokens["admin"],
                                       "csrf": "forged"}).status_code == 403


def test_sign_in_goes_only_to_a_local_page(api: Api) -> None:
    client = TestClient(api.app, follow_redirects=False)
    nonce = csrf_of(client.get("/login").text)
    reply = client.post("/login", data={"token": api.tokens["admin"], "csrf": nonce,
                                        "next": "//evil.example/"})
    assert reply.headers["location"] == "/"


def test_every_form_post_needs_the_session_csrf_token(api: Api) -> None:
    client, csrf = signed_in(api, "operator")
    form = {"movement": "gxa6122", "kind": "position", "at": "2026-01-05T10:00",
            "zone": "UTC"}
    before = api.rig.service.ledger.size()
    assert client.post("/forms/event", data=form).status_code == 403
    assert client.post("/forms/event", data={**form, "csrf": "x" * 32}).status_code == 403
    assert api.rig.service.ledger.size() == before
    reply = client.post("/forms/event", data={**form, "csrf": csrf})
    assert reply.status_code == 303 and api.rig.service.ledger.size() == before + 1


def test_counsel_is_shown_its_client_only(api: Api) -> None:
    client, _ = signed_in(api, "counsel")
    assert "Kilmar Abrego Garcia" in client.get("/people/abrego-garcia").text
    assert client.get("/people/jgg").status_code == 404
    board = client.get("/").text
    assert 'href="/people/jgg"' not in board and "GXA6143" not in board


def test_the_public_sees_counts_and_checkpoints_only(api: Api) -> None:
    client, _ = signed_in(api, "public")
    board = client.get("/").text
    assert "checkpoints, proofs and counts only" in board and "Abrego" not in board
    assert "BEGIN" not in board
    assert client.get("/verify").status_code == 200
    assert client.get("/people/abrego-garcia").status_code == 403


def test_signing_out_ends_the_session(api: Api) -> None:
    client, csrf = signed_in(api, "monitor")
    assert client.post("/logout", data={"csrf": csrf}).status_code == 303
    assert client.get("/").status_code == 303


def test_the_order_page_names_the_people_in_scope(api: Api) -> None:
    client, _ = signed_in(api, "monitor")
    page = client.get("/orders/tro-class-oral").text
    assert 'href="/people/jgg">J.G.G.</a>' in page and "aea-venezuelans" in page
    assert "built-in method" not in page and "U.S. Immigration and Customs Enforcement (142)" \
        in page


def test_counsel_subscribes_from_the_alerts_page(api: Api) -> None:
    client, csrf = signed_in(api, "counsel")
    refused = client.post("/alerts/subscriptions",
                          data={"csrf": csrf, "url": "http://10.0.0.1/", "topics": "movement"})
    assert refused.status_code == 422 and 'id="url-error"' in refused.text
    made = client.post("/alerts/subscriptions", data={
        "csrf": csrf, "url": "https://counsel.example/hook", "topics": ["movement", "order"]})
    assert made.status_code == 201 and "whsec_" in made.text
    [sub] = api.rig.service.alerts.subscriptions(api.rig.service.accounts.authenticate(
        api.tokens["counsel"]))  # type: ignore[arg-type]
    assert sub["people"] == ["abrego-garcia"] and sub["topics"] == ["movement", "order"]
    assert "whsec_" not in client.get("/alerts").text
