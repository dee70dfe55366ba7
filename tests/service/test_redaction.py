"""One redaction boundary: counsel's outputs never name anyone but its clients.

People counsel does not represent are seeded into the same order and the same flight as
its client; then every route of the app (the route table, API and pages), every webhook
topic, the case templates receive, the alerts, the audit and the exports are searched for
their ids, names and A-numbers.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.conftest import Api, build
from habeas.app import route_table
from habeas.domain import SECTIONS
from habeas.routing import route_permission
from habeas.service import DEFAULT, GRANTS, Role
from service.harness import ADMIN, Rig, make_rig

CLIENT = "abrego-garcia"
STRANGERS = {
    "stranger-one": {"name": "Marisol Quintanilla Beltran",
                     "identifiers": {"a_number": "A201555777"}},
    "stranger-two": {"name": "Osvaldo Perdomo Ruiz", "identifiers": {"a_number": "A209888111"}},
}
JOINT_ORDER = {
    "id": "joint-tro", "court": "U.S. District Court for the District of Maryland",
    "case": "8:25-cv-00951", "kind": "tro", "form": "written", "issued": "2026-01-05T10:00:00Z",
    "protects": {"people": [CLIENT, *STRANGERS]}, "forbids": ["remove"],
    "directs": ["return_in_transit"],
    "source": ["scotus-24a949"]}
JOINT_FLIGHT = {
    "id": "joint-flight", "mode": "air", "carrier": "GlobalX", "flight": "GXA6199",
    "tail": "N279GX", "from": "hrl", "to": "sal", "carries": [CLIENT, "stranger-one"],
    "may_carry": ["stranger-two"], "source": ["nyt-timeline"]}


def forbidden_words(rig: Rig) -> list[str]:
    """Every person's id, name and identifier but the client's."""
    case = rig.service.case()
    return sorted({w for p in case.people.values() if p.id != CLIENT
                   for w in (p.id, p.name, *p.identifiers.values())})


def leaks(text: str, words: list[str]) -> list[str]:
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


@pytest.fixture(scope="module")
def seeded() -> tuple[Api, Rig]:
    rig = make_rig()
    svc = rig.service
    api = build(rig)
    counsel = svc.accounts.authenticate(api.tokens["counsel"])
    assert counsel is not None
    svc.alerts.subscribe(counsel, "https://counsel.example/hook", [], [CLIENT])
    for person_id, fields in STRANGERS.items():
        svc.add(ADMIN, "people", {"id": person_id, "nationality": ["SV"], **fields})
    svc.add(ADMIN, "movements", JOINT_FLIGHT)
    svc.add(ADMIN, "events", {"kind": "departed", "movement": "joint-flight", "place": "hrl",
                              "at": "2026-01-05T09:00:00Z"})
    svc.add(ADMIN, "events", {"kind": "custody_transferred", "people": [CLIENT, "stranger-one"],
                              "to": "sv-cecot", "at": "2026-01-05T12:00:00Z"})
    svc.add(ADMIN, "orders", JOINT_ORDER, parties=["U.S. Immigration and Customs Enforcement"])
    rig.clock.advance(timedelta(days=2))  # duties fall due and escalate: every topic fires
    svc.tick()
    return api, rig


def test_the_seeded_strangers_share_the_clients_order_and_flight(seeded: tuple[Api, Rig]
                                                                ) -> None:
    _, rig = seeded
    case = rig.service.case()
    assert {CLIENT, "stranger-one"} <= set(case.movements["joint-flight"].carries)
    assert set(STRANGERS) <= set(case.orders["joint-tro"].protects.people)
    # the whole-case roles do see them: the redaction is counsel's, not a loss of data
    assert "Marisol Quintanilla Beltran" in json.dumps(
        rig.service.entities(ADMIN, "people").items)


PARAMS = {"person_id": CLIENT, "movement_id": "joint-flight", "order_id": "joint-tro",
          "seq": "3", "sub_id": "sub_0", "token_id": "tok_0", "obligation_id": "obl_0"}
OBJECTS = {"orders": "joint-tro", "groups": "aea-venezuelans", "holders": "us-ice",
           "statements": "leavitt"}


def concrete(path: str) -> str:
    if "{obj_id}" in path:
        return path.replace("{obj_id}", OBJECTS[path.split("/")[2]])
    return re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], path)


def sign_in(client: TestClient, token: str) -> None:
    nonce = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert nonce is not None
    client.post("/login", data={"token": token, "csrf": nonce.group(1)})


def test_every_route_counsel_may_call_names_only_its_client(seeded: tuple[Api, Rig]) -> None:
    api, rig = seeded
    words = forbidden_words(rig)
    assert len(words) >= 10  # the flagship's five plus the two strangers' ids, names, A-numbers
    browser = TestClient(api.app, follow_redirects=False)
    sign_in(browser, api.tokens["counsel"])
    checked = 0
    for route in route_table():
        permission = route_permission(route)
        if "GET" not in route.methods or permission is None or \
                Role.counsel not in GRANTS[permission] or route.path == "/logout":
            continue
        url = concrete(route.path)
        web = not url.startswith(("/api/", "/-/"))
        reply = browser.get(url) if web else api.client.get(url, headers=api.auth("counsel"))
        assert reply.status_code < 500, (url, reply.text[:300])
        assert leaks(reply.text, words) == [], (url, leaks(reply.text, words))
        checked += 1
    assert checked >= 25  # every readable route of the table, not a chosen few
    # the lists' filters answer through the same lens
    for url in ("/api/people?q=Marisol", "/api/movements?tail=N279GX",
                "/api/orders?case=8:25-cv-00951"):
        reply = api.client.get(url, headers=api.auth("counsel"))
        assert reply.status_code == 200 and leaks(reply.text, words) == [], url


def test_the_clients_pages_show_the_shared_order_and_flight(seeded: tuple[Api, Rig]) -> None:
    """What counsel is shown is the client's part, not an empty page."""
    api, _ = seeded
    browser = TestClient(api.app, follow_redirects=False)
    sign_in(browser, api.tokens["counsel"])
    flight = browser.get("/movements/joint-flight").text
    assert "Kilmar Abrego Garcia" in flight and "GXA6199" in flight
    order = browser.get("/orders/joint-tro").text
    assert "Kilmar Abrego Garcia" in order and "8:25-cv-00951" in order


def test_a_stranger_is_absent_as_if_it_did_not_exist(seeded: tuple[Api, Rig]) -> None:
    api, _ = seeded
    asked = api.client.get("/api/people/stranger-one", headers=api.auth("counsel"))
    never = api.client.get("/api/people/nobody-at-all", headers=api.auth("counsel"))
    assert asked.status_code == never.status_code == 404
    assert "Marisol" not in asked.text


def test_every_webhook_topic_to_counsel_names_only_its_client(seeded: tuple[Api, Rig]) -> None:
    _, rig = seeded
    words = forbidden_words(rig)
    bodies = [json.loads(body) for url, body, _ in rig.wire.sent
              if url == "https://counsel.example/hook"]
    topics = {b["topic"] for b in bodies}
    assert {"movement", "order", "notice", "obligation"} <= topics, topics
    for body in bodies:
        assert leaks(json.dumps(body), words) == [], body["topic"]
    # the raw alerts did name the strangers: the webhook was redacted, not the alert lost
    raw = json.dumps([a.to_json() for a in rig.service.alerts.recent(ADMIN, limit=500)])
    assert "stranger-one" in raw


def test_the_case_templates_receive_is_the_lens_case(seeded: tuple[Api, Rig]) -> None:
    api, rig = seeded
    counsel = rig.service.accounts.authenticate(api.tokens["counsel"])
    assert counsel is not None
    shown = rig.service.lens(counsel).case()
    dumped = json.dumps({name: {k: v.model_dump(mode="json") for k, v in
                                shown.section(name).items()} for name in SECTIONS})
    assert leaks(dumped, forbidden_words(rig)) == []
    assert list(shown.people) == [CLIENT]
    assert shown.movements["joint-flight"].carries == (CLIENT,)


def test_audit_matrix_alerts_and_reports_for_counsel(seeded: tuple[Api, Rig]) -> None:
    api, rig = seeded
    words = forbidden_words(rig)
    counsel = rig.service.accounts.authenticate(api.tokens["counsel"])
    assert counsel is not None
    outputs = [rig.service.audit(counsel, DEFAULT), rig.service.matrix(counsel),
               rig.service.alerts_for(counsel, limit=500), rig.service.obligations_for(counsel),
               rig.service.dashboard(counsel)]
    assert leaks(json.dumps(outputs), words) == []
    # the export (the whole case with proofs) is not counsel's to take
    assert api.client.get("/api/export", headers=api.auth("counsel")).status_code == 403


def test_a_new_role_without_a_row_is_refused() -> None:
    from habeas.service.lens import SIGHT

    assert set(SIGHT) == set(Role)
