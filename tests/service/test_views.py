"""The dashboard opens on what needs action now: movements under way that an order reaches
first (with the orders), then duties and new findings; lists on it are first pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.conftest import build
from service.harness import ADMIN, Rig


def test_a_movement_under_way_that_an_order_reaches_comes_first(rig: Rig) -> None:
    svc = rig.service
    svc.add(ADMIN, "movements", {"id": "cargo-1", "from": "hrl", "to": "xpl",
                                 "carries": ["aea-venezuelans"]})
    svc.add(ADMIN, "movements", {"id": "empty-1", "from": "hrl", "to": "xpl"})
    for movement in ("empty-1", "cargo-1"):
        svc.add(ADMIN, "events", {"kind": "departed", "movement": movement, "place": "hrl",
                                  "at": "2026-01-05T08:00:00Z"})
    board = svc.dashboard(ADMIN)
    ids = [m["movement"]["id"] for m in board["under_way"]]
    assert ids.index("cargo-1") < ids.index("empty-1")
    first = next(m for m in board["under_way"] if m["movement"]["id"] == "cargo-1")
    assert "tro-class-oral" in first["reached_by"]
    assert next(m for m in board["under_way"]
                if m["movement"]["id"] == "empty-1")["reached_by"] == []


def test_the_dashboard_page_puts_action_before_the_record(rig: Rig) -> None:
    api = build(rig)
    browser = TestClient(api.app, follow_redirects=False)
    nonce = re.search(r'name="csrf" value="([^"]+)"', browser.get("/login").text)
    assert nonce is not None
    browser.post("/login", data={"token": api.tokens["operator"], "csrf": nonce.group(1)})
    html = browser.get("/").text
    under_way, findings, orders = (html.index(h) for h in (
        "<h2>Movements under way</h2>", "<h2>Latest findings", "<h2>Orders</h2>"))
    assert under_way < findings < orders
