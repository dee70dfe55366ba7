from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from conftest import DATA, FLAGSHIP
from habeas.bundle import load_bundle
from habeas.domain import Case, Order
from habeas.importers import read_courtlistener
from habeas.law import unconfirmed_orders_bearing_on


@pytest.fixture(scope="module")
def case() -> Case:
    """The flagship with the docket entries of the CourtListener fixtures added, plus an
    unconfirmed order of the Southern District of Texas from a year before."""
    flagship = load_bundle(FLAGSHIP)
    imported = {t.obj.id: t.obj for t in read_courtlistener(
        DATA / "courtlistener-page.json").taken if t.section == "orders"}
    old = next(iter(imported.values())).model_copy(update={
        "id": "txsd-old", "court": "S.D. Tex.",
        "issued": flagship.orders["tro-named"].issued.shifted(timedelta(days=-365))})
    orders: dict[str, Order] = {**flagship.orders, **imported, "txsd-old": old}
    return dataclasses.replace(flagship, orders=orders)


def test_orders_in_force_around_the_flight_and_of_its_district(case: Case) -> None:
    found = unconfirmed_orders_bearing_on(case, "gxa6143")
    ids = [item.order.id for item in found]
    assert ids == ["txsd-old", "courtlistener-900003", "courtlistener-900002"] or \
        ids == ["txsd-old", "courtlistener-900002", "courtlistener-900003"]
    reasons = {item.order.id: item.reasons for item in found}
    assert reasons["txsd-old"] == ("issued in the district of departure (S.D. Tex.)",)
    assert all("in force around" in r[0] for i, r in reasons.items() if i != "txsd-old")
    assert "tro-class-oral" not in ids              # confirmed orders are not listed


def test_a_narrow_window_leaves_out_the_morning_tro(case: Case) -> None:
    # The flagship's own events for gxa6143 start at 17:25 ET; the 09:40 TRO is eight hours
    # earlier, and a TRO of 14 days is still in force, so it stays: expiry, not issue, counts.
    ids = {i.order.id for i in unconfirmed_orders_bearing_on(case, "gxa6143",
                                                             around=timedelta(hours=1))}
    assert "courtlistener-900002" in ids


def test_unknown_movement_is_a_key_error(case: Case) -> None:
    with pytest.raises(KeyError):
        unconfirmed_orders_bearing_on(case, "nope")
