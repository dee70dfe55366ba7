"""Hypothesis strategies for the law engine: times, orders, movements, events, whole cases.

Cases are generated as bundle data (the same dictionaries a YAML bundle holds) and
validated by ``habeas.bundle.bundle_from_data``, so every generated case is one a user
could have written. The world is small and fixed (two US airports in different districts,
one in Honduras, one in El Salvador; ICE and the Salvadoran police; the AEA proclamation and
Title 8), so that orders, manifests and events collide often.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from habeas.bundle import bundle_from_data
from habeas.domain import Case

BASE = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
PEOPLE = ("p0", "p1", "p2", "p3")
GROUPS = ("g0", "g1")
SUBJECTS = PEOPLE + GROUPS

WORLD: dict[str, Any] = {
    "habeas": 1,
    "title": "generated",
    "timezone": "America/New_York",
    "places": {
        "us1": {"name": "Harlingen", "country": "US", "district": "S.D. Tex."},
        "us2": {"name": "El Paso", "country": "US", "district": "W.D. Tex."},
        "hn": {"name": "Palmerola", "country": "HN"},
        "sv": {"name": "San Salvador", "country": "SV"},
    },
    "holders": {
        "us-ice": {"name": "ICE", "country": "US"},
        "sv-police": {"name": "Salvadoran police", "country": "SV"},
    },
    "authorities": {
        "aea": {"kind": "proclamation"},
        "t8": {"kind": "title8_final_order"},
    },
}


def _iso(minutes: int) -> str:
    return (BASE + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


@st.composite
def times(draw: st.DrawFn, start: int = 0, end: int = 2_000) -> tuple[int, Any]:
    """A valid time within [start, end] minutes after 2025-03-15 12:00 UTC: an instant
    ``"2025-03-15T13:05:00Z"`` or an interval ``["2025-03-15T13:05:00Z", "...T14:20:00Z"]``.
    Returns ``(latest minute, value)`` so that callers can chain times in order."""
    first = draw(st.integers(start, end))
    width = draw(st.sampled_from([0, 0, 1, 30, 120]))
    if width == 0:
        return first, _iso(first)
    return first + width, [_iso(first), _iso(first + width)]


@st.composite
def subjects(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """People p0-p3 and groups g0-g1, each held by ICE under the AEA proclamation, Title 8
    or both: ``{"p0": {"name": "p0", "basis": ["aea"], "nationality": ["VE"], ...}}``."""
    out: dict[str, dict[str, Any]] = {}
    for sid in SUBJECTS:
        basis = draw(st.sampled_from([["aea"], ["t8"], ["aea", "t8"]]))
        body: dict[str, Any] = {"basis": basis, "held_by": "us-ice",
                                "nationality": [draw(st.sampled_from(["VE", "SV"]))]}
        if sid in PEOPLE:
            body["name"] = sid
        else:
            body["count"] = draw(st.integers(1, 200))
        out[sid] = body
    return out


@st.composite
def orders(draw: st.DrawFn) -> dict[str, Any]:
    """One order: oral or written, issued at a generated time, maybe expiring in 14 days,
    protecting named people, groups or the AEA class held in the US, forbidding one or more
    actions and maybe directing planes in the air to return:
    ``{"court": "D.D.C.", "kind": "tro", "form": "oral", "issued": ..., "protects":
    {"class": {"basis": ["aea"], "held_by_country": ["US"]}}, "forbids": ["remove"]}``."""
    _, issued = draw(times())
    protects = draw(st.one_of(
        st.builds(lambda p: {"people": p}, st.lists(st.sampled_from(PEOPLE), min_size=1,
                                                     max_size=2, unique=True)),
        st.builds(lambda g: {"groups": g}, st.lists(st.sampled_from(GROUPS), min_size=1,
                                                     unique=True)),
        st.just({"class": {"basis": ["aea"], "held_by_country": ["US"]}}),
    ))
    forbids = draw(st.lists(st.sampled_from(
        ["remove", {"remove_to": ["SV"]}, "transfer_custody", {"transfer_out_of": ["S.D. Tex."]},
         "depart"]), min_size=1, max_size=3, unique_by=str))
    order: dict[str, Any] = {
        "court": "D.D.C.", "kind": "tro", "form": draw(st.sampled_from(["oral", "written"])),
        "issued": issued, "protects": protects, "forbids": forbids}
    if draw(st.booleans()):
        order["directs"] = ["return_in_transit"]
    if draw(st.booleans()):
        order["expires"] = "P14D"
    return order


@st.composite
def movements(draw: st.DrawFn) -> dict[str, Any]:
    """A flight from a US airport (maybe via Honduras) to El Salvador with a manifest:
    ``{"from": "us1", "via": ["hn"], "to": "sv", "carries": ["g0"], "may_carry": ["p2"]}``."""
    carries = draw(st.lists(st.sampled_from(SUBJECTS), max_size=3, unique=True))
    may = draw(st.lists(st.sampled_from([s for s in SUBJECTS if s not in carries]),
                        max_size=2, unique=True))
    return {"from": draw(st.sampled_from(["us1", "us2"])),
            "via": draw(st.sampled_from([[], ["hn"]])), "to": "sv",
            "carries": carries, "may_carry": may}


@st.composite
def flight_events(draw: st.DrawFn, movement_id: str, movement: dict[str, Any],
                  start: int = 0) -> list[Any]:
    """The life of one flight, in time order, each step optional after the departure:
    departed (from its US airport, ``start`` to ``start`` + 1,500 minutes after 2025-03-15
    12:00 UTC), exited_us, landed (via stop, then El Salvador), custody_transferred to the
    Salvadoran police."""
    t, at = draw(times(start, start + 1_500))
    out = [{"at": at, "kind": "departed", "movement": movement_id, "place": movement["from"]}]
    steps = [("exited_us", None)] + [("landed", p) for p in (*movement["via"], "sv")]
    steps.append(("custody_transferred", "sv"))
    for kind, place in steps:
        if not draw(st.booleans()):
            continue
        t, at = draw(times(t + 1, t + 240))
        event: dict[str, Any] = {"at": at, "kind": kind, "movement": movement_id}
        if place:
            event["place"] = place
        if kind == "custody_transferred":
            event["to"] = "sv-police"
        out.append(event)
    return out


@st.composite
def bundles(draw: st.DrawFn, max_orders: int = 3, max_movements: int = 3) -> dict[str, Any]:
    """A whole case as bundle data: the fixed world, subjects, 0-3 orders, 0-3 flights with
    their events, and a statement asserting compliance with the orders."""
    data: dict[str, Any] = {**WORLD}
    people_groups = draw(subjects())
    data["people"] = {k: v for k, v in people_groups.items() if k in PEOPLE}
    data["groups"] = {k: v for k, v in people_groups.items() if k in GROUPS}
    data["orders"] = {f"o{i}": draw(orders())
                      for i in range(draw(st.integers(0, max_orders)))}
    data["movements"] = {f"m{i}": draw(movements())
                         for i in range(draw(st.integers(0, max_movements)))}
    data["events"] = [e for mid, m in data["movements"].items()
                      for e in draw(flight_events(mid, m))]
    if data["orders"]:
        _, at = draw(times(0, 3_000))
        data["statements"] = {"s0": {"speaker": "spokesperson", "at": at, "text": "complied",
                                     "asserts": {"complied_with": sorted(data["orders"])}}}
    return data


def case_of(data: dict[str, Any]) -> Case:
    """Validate generated bundle data into a ``Case``."""
    return bundle_from_data(data)


cases = bundles().map(case_of)
"""Whole validated cases (see ``bundles``)."""
