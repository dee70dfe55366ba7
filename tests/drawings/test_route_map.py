"""The route map of the flagship: places where they are, legs in order, text escaped."""

from __future__ import annotations

import dataclasses

import pytest

from habeas.domain import Case, Event, When
from habeas.drawings import route_map
from habeas.errors import NotFoundError

from .svgparse import find_all, parse, texts


def markers(svg: str) -> dict[str, tuple[float, float, str]]:
    return {c.get("data-place", ""): (float(c.get("cx", "")), float(c.get("cy", "")),
                                      c.get("data-country", ""))
            for c in find_all(parse(svg), "circle", "place")}


def test_flagship_places_are_drawn_where_they_are(flagship: Case) -> None:
    places = markers(route_map(flagship))
    assert set(places) == {"hrl", "xpl", "sal"}
    hrl, xpl, sal = places["hrl"], places["xpl"], places["sal"]
    assert (hrl[2], xpl[2], sal[2]) == ("US", "HN", "SV")
    # West to east: Harlingen, San Salvador, Palmerola; north to south: Harlingen, Palmerola,
    # San Salvador (SVG y grows downwards).
    assert hrl[0] < sal[0] < xpl[0]
    assert hrl[1] < xpl[1] < sal[1]


def test_every_place_is_inside_the_map(flagship: Case) -> None:
    root = parse(route_map(flagship, width=600, height=400))
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    for x, y, _ in markers(route_map(flagship, width=600, height=400)).values():
        assert 0 < x < width and 0 < y < height


def test_each_flight_has_its_legs_in_route_order(flagship: Case) -> None:
    legs = find_all(parse(route_map(flagship)), "g", "leg")
    route = [(g.get("data-movement"), g.get("data-from"), g.get("data-to")) for g in legs]
    assert route == [(m, a, b) for m in ("gxa6143", "gxa6145", "gxa6122")
                     for a, b in (("hrl", "xpl"), ("xpl", "sal"))]
    for leg in legs:
        assert find_all(leg, "polygon"), "every leg ends in an arrowhead"


def test_selected_movements_only(flagship: Case) -> None:
    legs = find_all(parse(route_map(flagship, movement_ids=["gxa6122"])), "g", "leg")
    assert {g.get("data-movement") for g in legs} == {"gxa6122"}
    assert route_map(flagship, "gxa6122") == route_map(flagship, ["gxa6122"])
    with pytest.raises(NotFoundError, match="nope"):
        route_map(flagship, movement_ids=["nope"])


def test_the_us_boundary_is_emphasised(flagship: Case) -> None:
    countries = {p.get("data-country"): p for p in find_all(parse(route_map(flagship)),
                                                             "path", "country")}
    assert {"US", "MX", "HN", "SV", "GT"} <= set(countries)
    us = countries.pop("US")
    assert "country-emphasised" in (us.get("class") or "")
    assert all(float(us.get("stroke-width", "0")) > float(p.get("stroke-width", "0"))
               for p in countries.values())


def test_caption_names_the_outline_source(flagship: Case) -> None:
    caption = find_all(parse(route_map(flagship)), "text", "caption")[0].text or ""
    assert "Natural Earth" in caption and "public domain" in caption


def test_labels_shorten_airport_names(flagship: Case) -> None:
    labels = texts(parse(route_map(flagship)))
    assert "Harlingen (US)" in labels
    assert "Palmerola (Soto Cano) (HN)" in labels
    assert "El Salvador Intl Airport (SV)" in labels


def test_text_from_the_case_is_escaped(flagship: Case) -> None:
    hostile = "<script>alert('x')</script> & \"quotes\""
    places = dict(flagship.places)
    places["sal"] = places["sal"].model_copy(update={"name": hostile})
    svg = route_map(dataclasses.replace(flagship, places=places))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert f"{hostile} (SV)" in texts(parse(svg))  # round-trips as text, not markup


def test_output_is_deterministic(flagship: Case) -> None:
    assert route_map(flagship) == route_map(flagship)


def test_position_events_are_drawn_along_the_route(flagship: Case) -> None:
    ping = Event(id="gxa6143.position.1", kind="position", movement="gxa6143",
                 at=When.parse("2025-03-15T22:00:00+00:00", None), lat=21.0, lon=-93.0)
    case = dataclasses.replace(flagship, events={**flagship.events, ping.id: ping})
    dots = find_all(parse(route_map(case)), "circle", "position")
    assert len(dots) == 1
    places = markers(route_map(case))
    x, y = float(dots[0].get("cx", "")), float(dots[0].get("cy", ""))
    assert places["hrl"][0] < x < places["xpl"][0] and places["hrl"][1] < y < places["xpl"][1]


def test_explicit_positions_replace_recorded_ones(flagship: Case) -> None:
    svg = route_map(flagship, positions=[(20.0, -94.0), (18.0, -92.0)])
    assert len(find_all(parse(svg), "circle", "position")) == 2


def test_places_without_coordinates_are_named_in_the_caption(flagship: Case) -> None:
    places = dict(flagship.places)
    places["xpl"] = places["xpl"].model_copy(update={"lat": None, "lon": None})
    svg = route_map(dataclasses.replace(flagship, places=places))
    caption = find_all(parse(svg), "text", "caption")[0].text or ""
    assert "Not drawn (no coordinates): Palmerola (Soto Cano)" in caption
    assert "xpl" not in markers(svg)


def test_an_empty_case_draws_the_world_without_failing() -> None:
    root = parse(route_map(Case(title="empty")))
    assert not find_all(root, "circle", "place") and find_all(root, "path", "country")


def test_many_movements_keep_the_legend_short(flagship: Case) -> None:
    movements = {f"m{i}": flagship.movements["gxa6143"].model_copy(update={"id": f"m{i}"})
                 for i in range(12)}
    root = parse(route_map(dataclasses.replace(flagship, movements=movements)))
    assert len(find_all(root, "g", "legend-row")) == 8
    assert "and 4 more" in texts(root)
