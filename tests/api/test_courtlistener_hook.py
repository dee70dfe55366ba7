"""The CourtListener webhook receiver: verified as CourtListener documents, new orders in
as unconfirmed orders, repeated deliveries idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.conftest import Api

DATA = Path(__file__).resolve().parents[1] / "data" / "importers"
SECRET = "s" * 40
PAGE = json.loads((DATA / "courtlistener-page.json").read_text())


@pytest.fixture
def hook(api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Api:
    config = tmp_path / "hook.json"
    config.write_text(json.dumps({"secret": SECRET, "allowed_ips": ["testclient"],
                                  "dockets": {"69760064": {"court": "dcd",
                                                           "case_number": "1:25-cv-00766"}}}))
    monkeypatch.setenv("HABEAS_COURTLISTENER_HOOK", str(config))
    return api


def envelope() -> dict[str, object]:
    """A docket alert as CourtListener sends it: entries name their docket by id."""
    entries = [{**e, "docket": 69760064} for e in PAGE["results"]]
    return {"webhook": {"event_type": 1, "version": 2, "date_created": "2025-03-15T10:00Z",
                        "deprecation_date": None}, "payload": {"results": entries}}


def post(api: Api, body: object, *, secret: str = SECRET, key: str | None = "k-1") -> object:
    headers = {"Idempotency-Key": key} if key else {}
    return api.client.post(f"/api/hooks/courtlistener?secret={secret}", json=body,
                           headers=headers)


def test_new_orders_arrive_unconfirmed_once(hook: Api) -> None:
    before = hook.rig.service.ledger.size()
    answer = post(hook, envelope())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["orders"] == ["courtlistener-900002", "courtlistener-900003"]
    assert body["added"] == 4 and not body["refused"]          # two orders, two sources
    order = hook.rig.service.case().orders["courtlistener-900002"]
    assert (order.scope, order.court, order.case) == ("unconfirmed", "D.D.C.", "1:25-cv-00766")
    assert order.protects.is_empty and not order.forbids
    again = post(hook, envelope(), key="k-2")
    assert again.json()["added"] == 0 and hook.rig.service.ledger.size() == before + 4


def test_verified_as_courtlistener_documents(hook: Api, monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    size = hook.rig.service.ledger.size()
    assert post(hook, envelope(), secret="wrong" * 10).status_code == 404
    assert post(hook, envelope(), key=None).status_code == 400
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"secret": SECRET}))       # the documented senders only
    monkeypatch.setenv("HABEAS_COURTLISTENER_HOOK", str(elsewhere))
    assert post(hook, envelope()).status_code == 403
    monkeypatch.delenv("HABEAS_COURTLISTENER_HOOK")
    assert post(hook, envelope()).status_code == 404            # not configured: no route
    assert hook.rig.service.ledger.size() == size


def test_unknown_docket_is_refused_not_guessed(hook: Api) -> None:
    body = envelope()
    body["payload"]["results"][1]["docket"] = 1          # type: ignore[index]
    answer = post(hook, body).json()
    assert answer["orders"] == ["courtlistener-900003"]
    assert answer["refused"][0]["field"] == "court"
