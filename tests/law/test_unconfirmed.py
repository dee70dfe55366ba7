"""Orders awaiting a clerk: reported beside the movements they may bear on, never applied."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from habeas.bundle import load_bundle
from habeas.domain import Scope
from habeas.law import Engine

FLAGSHIP = Path(__file__).resolve().parents[2] / "examples" / "jgg-2025-03-15.yaml"


def test_an_unconfirmed_order_is_reported_beside_the_movements_it_may_bear_on() -> None:
    case = load_bundle(FLAGSHIP)
    imported = case.orders["tro-named"].model_copy(update={
        "id": "txsd-entry-12", "court": "S.D. Tex.", "scope": "unconfirmed",
        "protects": Scope(), "forbids": ()})
    with_import = dataclasses.replace(case, orders={**case.orders, "txsd-entry-12": imported})
    before, after = Engine(case).audit(), Engine(with_import).audit()
    assert before.unconfirmed == ()
    assert {u.movement for u in after.unconfirmed} == {"gxa6143", "gxa6145", "gxa6122"}
    assert {u.order for u in after.unconfirmed} == {"txsd-entry-12"}
    assert all("issued in the district of departure (S.D. Tex.)" in u.reasons
               for u in after.unconfirmed)
    assert [f.id for f in after.findings] == [f.id for f in before.findings]
    assert after.to_json()["unconfirmed"][0]["order"] == "txsd-entry-12"
