"""Nobody acts for someone else: an acknowledgement needs a token of the party that gives
it, and a webhook subscription belongs to the token that made it. Both backends."""

from __future__ import annotations

from api.conftest import CLIENT, Api

ICE = "U.S. Immigration and Customs Enforcement"
ORDER = {"id": "tro-acting", "court": "D.D.C.", "kind": "tro", "form": "oral",
         "issued": "2026-01-05T08:00:00+00:00", "protects": {"people": [CLIENT]},
         "forbids": ["remove"]}
EVENT = {"kind": "departed", "movement": "gxa6122", "place": "hrl",
         "at": "2026-01-05T10:00:00+00:00"}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def ice_duty(api: Api) -> dict[str, object]:
    made = api.client.post("/api/orders", json={"order": ORDER}, headers=api.auth("clerk"))
    assert made.status_code == 201, made.text
    [duty] = [d for d in api.get("/api/obligations").json() if d["party"] == ICE]
    return duty  # type: ignore[no-any-return]


def notices_by(api: Api, party: str) -> list[str]:
    """How each notice of the order to ``party`` came, as the engine reads them."""
    return [n.how or "" for n in api.rig.service.case().notices.values()
            if n.order == "tro-acting" and n.party == party]


def test_counsel_cannot_put_the_agency_on_notice(any_api: Api) -> None:
    """The attack: counsel for the protected person acknowledges on behalf of ICE, and the
    engine would then read ICE as knowing of the order from that moment."""
    duty = ice_duty(any_api)
    size = any_api.rig.service.ledger.size()
    for role in ("counsel", "operator", "admin"):  # none of these tokens names ICE
        reply = any_api.client.post(f"/api/obligations/{duty['id']}/acknowledge",
                                    headers=any_api.auth(role))
        assert reply.status_code == 403, (role, reply.text)
        assert ICE in reply.json()["message"]
    assert any_api.rig.service.ledger.size() == size, "a refused acknowledgement was recorded"
    assert notices_by(any_api, ICE) == []


def test_a_token_of_the_party_acknowledges_for_it(any_api: Api) -> None:
    duty = ice_duty(any_api)
    made = any_api.client.post("/api/tokens", json={"role": "operator", "name": "ICE officer",
                                                    "party": ICE}, headers=any_api.auth("admin"))
    assert made.status_code == 201 and made.json()["party"] == ICE
    reply = any_api.client.post(f"/api/obligations/{duty['id']}/acknowledge",
                                headers=bearer(made.json()["token"]))
    assert reply.status_code == 200, reply.text
    [how] = notices_by(any_api, ICE)
    assert "ICE officer" in how


def test_a_public_token_acts_for_nobody(api: Api) -> None:
    reply = api.client.post("/api/tokens", json={"role": "public", "party": ICE},
                            headers=api.auth("admin"))
    assert reply.status_code == 422 and reply.json()["problems"][0]["path"] == "party"


def test_a_subscription_is_seen_and_deleted_only_by_its_token_or_an_admin(any_api: Api) -> None:
    api = any_api
    made = api.client.post("/api/subscriptions", json={
        "url": "https://counsel.example/hook", "people": [CLIENT]}, headers=api.auth("counsel"))
    assert made.status_code == 201, made.text
    sub = made.json()["id"]
    for role in ("operator", "monitor"):
        assert api.get("/api/subscriptions", role).json() == []
        assert api.get("/api/deliveries", role).json() == []
        gone = api.client.delete(f"/api/subscriptions/{sub}", headers=api.auth(role))
        assert gone.status_code == 404
    assert [s["id"] for s in api.get("/api/subscriptions", "counsel").json()] == [sub]
    [seen] = api.get("/api/subscriptions", "admin").json()
    assert seen["id"] == sub and seen["token"].startswith("tok_")
    assert api.client.delete(f"/api/subscriptions/{sub}",
                             headers=api.auth("admin")).status_code == 204
    assert api.get("/api/subscriptions", "counsel").json() == []


def test_a_revoked_tokens_subscriptions_stop_at_once(any_api: Api) -> None:
    """Alerts already queued for the revoked token's webhook are not sent either."""
    api, svc = any_api, any_api.rig.service
    secret = svc.create_token("counsel", name="former counsel", people=(CLIENT,))[1]
    made = api.client.post("/api/subscriptions", json={
        "url": "https://former.example/hook", "people": [CLIENT]}, headers=bearer(secret))
    assert made.status_code == 201
    assert api.client.post("/api/events", json=EVENT,
                           headers=api.auth("operator")).status_code == 201
    token_id = api.client.get("/-/whoami", headers=bearer(secret)).json()["token"]
    assert api.client.delete(f"/api/tokens/{token_id}",
                             headers=api.auth("admin")).status_code == 204
    svc.tick()
    assert [url for url, _, _ in api.rig.wire.sent if "former" in url] == []
    assert made.json()["id"] not in {s["id"] for s in api.get("/api/subscriptions").json()}
