"""The API end to end, in-process: reads, the engine's questions, writes, proofs, errors."""

from __future__ import annotations

from typing import Any

from api.conftest import Api

EVENT = {"kind": "departed", "movement": "gxa6122", "place": "hrl",
         "at": "2026-01-05T10:00:00+00:00"}


def test_meta_endpoints(any_api: Api) -> None:
    c = any_api.client
    assert c.get("/-/health").json()["status"] == "ok"
    assert c.get("/-/versions").json()["habeas"]
    note = c.get("/-/checkpoint")
    assert note.status_code == 200 and note.text.splitlines()[1] == str(
        any_api.rig.service.ledger.size())
    assert c.get("/-/stats").status_code == 401
    stats = any_api.get("/-/stats", "public").json()
    assert stats["orders"] == 6 and stats["people_in_groups"] == 261
    assert any_api.get("/-/schema/bundle", "public").json()["title"].startswith("Habeas")
    assert c.get("/openapi.json").json()["info"]["title"] == "Habeas"


def test_reading_the_case(any_api: Api) -> None:
    people = any_api.get("/api/people").json()
    assert {p["id"] for p in people} >= {"abrego-garcia", "jgg"}
    person = any_api.get("/api/people/abrego-garcia").json()
    assert [o["id"] for o in person["protections"]] == ["withholding-2019", "facilitate-apr10"]
    assert {m["id"] for m in person["movements"]} == {"gxa6122"}
    assert person["person"]["record"]["seq"] > 0
    movement = any_api.get("/api/movements/gxa6143").json()
    assert movement["movement"]["tail"] == "N278GX"
    assert movement["events"][0]["kind"] == "departed"
    assert any_api.get("/api/orders/tro-class-oral").json()["form"] == "oral"
    assert len(any_api.get("/api/statements").json()) == 5
    assert any_api.get("/api/groups/aea-venezuelans").json()["count"] == 137


def test_impact_audit_matrix_and_timeline(any_api: Api) -> None:
    impact = any_api.get("/api/orders/tro-class-oral/impact").json()
    assert [m["movement"] for m in impact["movements"]] == ["gxa6143", "gxa6145"]
    audit = any_api.get("/api/audit", params={"effect": "written"}).json()
    assert audit["interpretation"]["effect"] == "written"
    matrix = any_api.get("/api/audit/matrix").json()
    assert len(matrix["columns"]) == 6 and matrix["rows"]
    timeline = any_api.get("/api/timeline", params={"tz": "UTC"}).json()
    assert timeline["entries"][0]["id"] == "withholding-2019"


def test_proofs_and_export(any_api: Api) -> None:
    size = any_api.rig.service.ledger.size()
    proof = any_api.get("/api/proofs/inclusion/5", "public").json()
    assert proof["leaf_index"] == 5 and proof["tree_size"] == size
    assert any_api.get(f"/api/proofs/inclusion/{size}", "public").status_code == 404
    consistency = any_api.get("/api/proofs/consistency", "public", params={"old": 3}).json()
    assert consistency["new_size"] == size
    assert any_api.get("/api/proofs/consistency", "public",
                       params={"old": 5, "new": 4}).status_code == 422
    exported = any_api.get("/api/export", "monitor").json()
    assert exported["ledger"]["tree_size"] == size and "orders" in exported


def test_appending_an_event_alerts_and_is_idempotent(any_api: Api) -> None:
    c, headers = any_api.client, {**any_api.auth("operator"), "Idempotency-Key": "op-1"}
    first = c.post("/api/events", json=EVENT, headers=headers)
    assert first.status_code == 201, first.text
    again = c.post("/api/events", json=EVENT, headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert any_api.rig.service.ledger.size() == first.json()["records"][0]["seq"] + 1
    alerts = any_api.get("/api/alerts").json()
    assert alerts[0]["topic"] == "movement" and "abrego-garcia" in alerts[0]["people"]
    clash = c.post("/api/events", json={**EVENT, "id": first.json()["id"]},
                   headers=any_api.auth("operator"))
    assert clash.status_code == 422
    assert problems(clash)[0][0] == "id"


def test_entering_an_order_opens_duties_and_acknowledging_closes_them(any_api: Api) -> None:
    order = {"id": "tro-2026", "court": "D.D.C.", "kind": "tro", "form": "oral",
             "issued": "2026-01-05T08:00:00+00:00", "protects": {"people": ["abrego-garcia"]},
             "forbids": ["remove"]}
    made = any_api.client.post("/api/orders", json={"order": order, "parties": ["DOJ"]},
                               headers=any_api.auth("clerk"))
    assert made.status_code == 201, made.text
    [duty] = any_api.get("/api/obligations").json()
    assert duty["party"] == "DOJ" and duty["acknowledged_at"] is None
    doj = any_api.rig.service.create_token("operator", name="DOJ", party="DOJ")[1]
    done = any_api.client.post(f"/api/obligations/{duty['id']}/acknowledge",
                               headers={"Authorization": f"Bearer {doj}"})
    assert done.status_code == 200 and done.json()["acknowledgement_seq"] > 0


def test_a_bundle_imported_twice_appends_nothing(api: Api) -> None:
    from service.harness import FLAGSHIP

    reply = api.client.post("/api/bundles", content=FLAGSHIP.encode(),
                            headers={**api.auth("admin"), "Content-Type": "application/yaml"})
    assert reply.status_code == 201 and reply.json()["seqs"] == []


def problems(reply: Any) -> list[tuple[str, Any, str]]:
    return [(p["path"], p["value"], p["rule"]) for p in reply.json()["problems"]]


def test_errors_name_the_field_the_value_and_the_rule(api: Api) -> None:
    c, headers = api.client, api.auth("operator")
    reply = c.post("/api/events", json={**EVENT, "at": "yesterday"}, headers=headers)
    assert reply.status_code == 422
    assert problems(reply) == [("at", "yesterday", "not an ISO 8601 date or time")]
    reply = c.post("/api/events", json={**EVENT, "movement": "gxa9999"}, headers=headers)
    assert problems(reply) == [("movement", "gxa9999", "no movement with this id")]
    reply = api.get("/api/audit", params={"effect": "whenever"})
    assert reply.status_code == 422 and problems(reply)[0][:2] == ("effect", "whenever")
    reply = api.get("/api/timeline", params={"tz": "Mars/Olympus"})
    assert problems(reply) == [("tz", "Mars/Olympus",
                                "an IANA time zone such as America/New_York")]
    reply = c.post("/api/bundles", content=b"habeas: 2\n", headers=api.auth("admin"))
    assert reply.status_code == 422 and problems(reply)[0][0] == "habeas"
    assert c.post("/api/events", content=b"{", headers={
        **headers, "Content-Type": "application/json"}).status_code == 422


def test_unauthenticated_and_oversized_requests(api: Api) -> None:
    reply = api.client.get("/api/people")
    assert reply.status_code == 401 and reply.headers["www-authenticate"] == "Bearer"
    assert api.client.get("/api/people", headers={
        "Authorization": "Bearer hbs_forged"}).status_code == 401
    big = b"x" * (8 * 1024 * 1024 + 1)
    reply = api.client.post("/api/bundles", content=big, headers=api.auth("admin"))
    assert reply.status_code == 413 and reply.json()["error"] == "too_large"


def test_every_response_carries_the_security_headers(api: Api) -> None:
    for reply in (api.client.get("/-/health"), api.client.get("/api/people"),
                  api.client.get("/login"), api.client.get("/static/habeas.css"),
                  api.client.get("/nowhere")):
        csp = reply.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["x-frame-options"] == "DENY"
        assert reply.headers["referrer-policy"] == "no-referrer"


def test_counsel_sees_only_its_client(api: Api) -> None:
    assert [p["id"] for p in api.get("/api/people", "counsel").json()] == ["abrego-garcia"]
    assert api.get("/api/people/abrego-garcia", "counsel").status_code == 200
    hidden = api.get("/api/people/jgg", "counsel")
    absent = api.get("/api/people/no-such-person", "counsel")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["message"].replace("jgg", "X") == \
        absent.json()["message"].replace("no-such-person", "X")
    assert [m["id"] for m in api.get("/api/movements", "counsel").json()] == ["gxa6122"]
    assert api.get("/api/movements/gxa6143", "counsel").status_code == 404
    orders = {o["id"] for o in api.get("/api/orders", "counsel").json()}
    assert orders == {"withholding-2019", "facilitate-apr10"}
    assert api.get("/api/orders/tro-class-oral/impact", "counsel").status_code == 404
    audit = api.get("/api/audit", "counsel").json()
    findings = audit["findings"]
    assert findings and all("abrego-garcia" in f["people"] for f in findings)
    assert all("abrego-garcia" in o["people"] for o in audit["obligations"])
    assert audit["statements"] == audit["agreements"] == []
    rows = api.get("/api/audit/matrix", "counsel").json()["rows"]
    assert rows and all("abrego-garcia" in r["people"] for r in rows)
    assert len(api.get("/api/audit").json()["findings"]) > len(findings)
    assert api.get("/api/statements", "counsel").status_code == 403


def test_the_guard_denies_what_an_order_forbids(any_api: Api) -> None:
    c, headers = any_api.client, any_api.auth("operator")
    body = {"action": {"action": "remove", "subjects": ["abrego-garcia"], "to": "SV"},
            "at": "2025-03-15T19:30:00-04:00"}
    decision = c.post("/api/check", json=body, headers=headers).json()
    assert decision["decision"] == "deny"
    assert [d["order"] for d in decision["denials"]] == ["withholding-2019"]
    reply = c.post("/api/check", json={**body, "action": {"action": "fly",
                                                          "subjects": ["nobody"]}},
                   headers=headers)
    assert reply.status_code == 422
    assert problems(reply) == [
        ("action", "fly", "one of board, depart, transfer_custody, transfer_out_of, remove"),
        ("subjects[0]", "nobody", "no person or group with this id")]
    naive = c.post("/api/check", json={**body, "at": "2025-03-15T19:30:00"}, headers=headers)
    assert naive.status_code == 422 and problems(naive)[0][0] == "at"


def test_counsel_acknowledges_only_orders_about_its_clients(api: Api) -> None:
    order = {"id": "tro-jgg", "court": "D.D.C.", "kind": "tro", "form": "oral",
             "issued": "2026-01-05T08:00:00+00:00", "protects": {"people": ["jgg"]},
             "forbids": ["remove"]}
    api.client.post("/api/orders", json={"order": order, "parties": ["DOJ"]},
                    headers=api.auth("clerk"))
    [duty] = api.get("/api/obligations").json()
    assert api.get("/api/obligations", "counsel").json() == []
    reply = api.client.post(f"/api/obligations/{duty['id']}/acknowledge",
                            headers=api.auth("counsel"))
    assert reply.status_code == 404


def test_counsel_is_not_shown_other_people_aboard_with_its_client(api: Api) -> None:
    boarded = {"kind": "boarded", "movement": "gxa6122", "people": ["jgg"],
               "at": "2025-03-15T19:00:00-04:00"}
    assert api.client.post("/api/events", json=boarded,
                           headers=api.auth("operator")).status_code == 201
    assert "jgg" in api.get("/api/movements/gxa6122").text
    for path in ("/api/movements/gxa6122", "/api/movements", "/api/people/abrego-garcia",
                 "/api/alerts", "/api/audit", "/api/audit/matrix"):
        reply = api.get(path, "counsel")
        assert reply.status_code == 200 and '"jgg"' not in reply.text, path
    [alert] = [a for a in api.get("/api/alerts", "counsel").json() if a["topic"] == "movement"]
    assert "abrego-garcia" in alert["people"]
