"""The route map: where the people were taken, on country outlines, as one SVG.

A court cares which border a plane crossed and where custody changed hands, so the map
shows country outlines (the US boundary emphasised), each leg of each movement with its
direction, the places by name, and any recorded positions. Everything is computed from the
case; nothing is fetched.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from habeas.domain import Case, Movement, Place
from habeas.drawings.geometry import (
    Box,
    Placer,
    Point,
    Projection,
    clip_ring,
    label_point,
    ring_area,
)
from habeas.drawings.style import FONT, INK, MUTED, movement_style
from habeas.drawings.svg import Attr, Node, document, el, path_data, points, text_width
from habeas.drawings.words import movement_name, place_name, place_short
from habeas.errors import NotFoundError
from habeas.geo import countries

CAPTION = "Country outlines: Natural Earth (1:110m), public domain. Equirectangular projection."
EMPHASISED = "US"
LEGEND_LINE = 16.0
LEGEND_ROWS = 8  # beyond this the legend says how many more, rather than eat the map
MAX_POSITIONS = 400  # per drawing: a track every few seconds would swamp the page

LatLon = tuple[float, float]

LAND = "#f3f1ea"
SEA = "#e8eff5"
BORDER = "#a3a3a3"


def route_map(case: Case, movement_ids: Sequence[str] | str | None = None,
              positions: Iterable[LatLon] | None = None,
              width: float = 720, height: float = 480) -> str:
    """The movements ``movement_ids`` (default: all, in case order; one id alone is one
    movement, not a sequence of letters) on a map fitted to their places. ``positions`` are
    ``(lat, lon)`` points to draw along the route; by default the case's ``position`` events
    of those movements."""
    movements = _select(case, movement_ids)
    located = _located_places(case, movements)
    track = list(positions) if positions is not None else _recorded_positions(case, movements)
    track = _thin(track)
    footer = LEGEND_LINE * min(len(movements), LEGEND_ROWS + 1) + 26.0
    frame = Box(0, 0, width, height - footer)
    project = Projection.fit([_lonlat(p) for p in located.values()]
                             + [(lon, lat) for lat, lon in track], frame)
    placer = Placer(Box(4, 4, width - 4, frame.bottom - 4))
    visible = _visible_countries(project, frame)
    legs = _legs(movements, located, project)
    for leg in legs:
        for x, y in leg.samples:
            placer.reserve(Box(x - 3, y - 3, x + 3, y + 3))
    markers, labels = _places(located, project, placer)
    body: list[Node] = [
        el("rect", class_="sea", x=0, y=0, width=width, height=frame.bottom, fill=SEA),
        *_countries(visible),
        *(leg.node for leg in legs),
        *_positions(track, project),
        *markers,
        *_country_labels(visible, placer),
        *labels,
        *_legend(case, movements, frame.bottom + 6),
        el("text", class_="caption", x=2, y=height - 6, font_size=10, fill=MUTED,
           font_family=FONT, text=_caption(case, movements, located)),
    ]
    title = "Route map: " + ", ".join(movement_name(m) for m in movements.values())
    return document(width, height, title, *body, class_="habeas-route-map")


def _select(case: Case, movement_ids: Sequence[str] | str | None) -> dict[str, Movement]:
    if movement_ids is None:
        return dict(case.movements)
    if isinstance(movement_ids, str):
        movement_ids = [movement_ids]
    missing = [m for m in movement_ids if m not in case.movements]
    if missing:
        raise NotFoundError(f"no movement with id {', '.join(missing)}")
    return {m: case.movements[m] for m in movement_ids}


def _lonlat(place: Place) -> Point:
    assert place.lon is not None and place.lat is not None  # only located places get here
    return place.lon, place.lat


def _located_places(case: Case, movements: dict[str, Movement]) -> dict[str, Place]:
    """The places the movements touch that have coordinates, in route order."""
    out: dict[str, Place] = {}
    for movement in movements.values():
        for stop in movement.stops:
            place = case.places.get(stop)
            if place is not None and place.lat is not None and place.lon is not None:
                out.setdefault(stop, place)
    return out


def _recorded_positions(case: Case, movements: dict[str, Movement]) -> list[LatLon]:
    events = sorted((e for e in case.events.values()
                     if e.kind == "position" and e.movement in movements),
                    key=lambda e: (e.at.earliest, e.id))
    return [(e.lat, e.lon) for e in events if e.lat is not None and e.lon is not None]


def _thin(track: list[LatLon]) -> list[LatLon]:
    if len(track) <= MAX_POSITIONS:
        return track
    step = math.ceil(len(track) / MAX_POSITIONS)
    return track[::step]


Visible = list[tuple[str, str, list[list[Point]]]]  # code, name, clipped rings


def _visible_countries(project: Projection, frame: Box) -> Visible:
    """Every country with land in the frame, as rings clipped to it."""
    lon_a, lat_a = project.inverse(frame.left, frame.bottom)
    lon_b, lat_b = project.inverse(frame.right, frame.top)
    view = Box(lon_a, lat_a, lon_b, lat_b)  # in degrees; "top" is the southern edge here
    out: Visible = []
    for code, country in sorted(countries().items()):
        rings = []
        for ring in country.rings:
            if not _ring_box(ring).intersects(view):
                continue
            clipped = clip_ring([project(lon, lat) for lon, lat in ring], frame)
            if len(clipped) >= 3:
                rings.append(clipped)
        if rings:
            out.append((code, country.name, rings))
    return out


def _countries(visible: Visible) -> list[Node]:
    """The emphasised country last, so its border is on top of its neighbours'."""
    ordered = sorted(visible, key=lambda v: v[0] == EMPHASISED)
    nodes = []
    for code, _, rings in ordered:
        strong = code == EMPHASISED
        nodes.append(el("path", class_="country country-emphasised" if strong else "country",
                        data_country=code, d=path_data(rings), fill=LAND, fill_rule="evenodd",
                        stroke=INK if strong else BORDER, stroke_width=1.6 if strong else 0.6,
                        stroke_linejoin="round"))
    return nodes


def _ring_box(ring: Sequence[Point]) -> Box:
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return Box(min(lons), min(lats), max(lons), max(lats))


@dataclass(frozen=True)
class _Leg:
    node: Node
    samples: list[Point]  # points along the line, kept clear of labels


def _legs(movements: dict[str, Movement], located: dict[str, Place],
          project: Projection) -> list[_Leg]:
    """Each leg as a gentle curve with an arrowhead. Movements flying the same leg bend by
    different amounts, so three planes on one route read as three lines, not one."""
    sharing: dict[tuple[str, str], list[str]] = {}
    for movement_id, movement in movements.items():
        for a, b in zip(movement.stops, movement.stops[1:], strict=False):
            sharing.setdefault((a, b), []).append(movement_id)
    legs: list[_Leg] = []
    for index, (movement_id, movement) in enumerate(movements.items()):
        colour, dash = movement_style(index)
        for a, b in zip(movement.stops, movement.stops[1:], strict=False):
            if a not in located or b not in located:
                continue
            start = project(*_lonlat(located[a]))
            end = project(*_lonlat(located[b]))
            peers = sharing[(a, b)]
            bend = 14.0 * (peers.index(movement_id) - (len(peers) - 1) / 2) + 6.0
            legs.append(_leg(movement_id, a, b, start, end, bend, colour, dash))
    return legs


def _leg(movement_id: str, a: str, b: str, start: Point, end: Point, bend: float,
         colour: str, dash: str | None) -> _Leg:
    (x1, y1), (x2, y2) = start, end
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    nx, ny = -(y2 - y1) / length, (x2 - x1) / length
    control = ((x1 + x2) / 2 + nx * bend, (y1 + y2) / 2 + ny * bend)
    tip = _along(end, control, 6.0)
    steps = max(2, int(length // 8))
    samples = [_bezier(start, control, tip, i / steps) for i in range(steps + 1)]
    node = el(
        "g",
        el("path", d=f"M{_xy(start)}Q{_xy(control)} {_xy(tip)}", fill="none", stroke=colour,
           stroke_width=1.8, stroke_dasharray=dash, stroke_linecap="round"),
        el("polygon", points=points(_arrowhead(tip, control)), fill=colour),
        class_="leg", data_movement=movement_id, data_from=a, data_to=b,
    )
    return _Leg(node, samples)


def _bezier(p0: Point, p1: Point, p2: Point, t: float) -> Point:
    u = 1 - t
    return (u * u * p0[0] + 2 * u * t * p1[0] + t * t * p2[0],
            u * u * p0[1] + 2 * u * t * p1[1] + t * t * p2[1])


def _xy(p: Point) -> str:
    return points([p])


def _along(p: Point, towards: Point, distance: float) -> Point:
    """The point ``distance`` from ``p`` in the direction of ``towards``."""
    dx, dy = towards[0] - p[0], towards[1] - p[1]
    length = math.hypot(dx, dy) or 1.0
    return (p[0] + dx / length * distance, p[1] + dy / length * distance)


def _arrowhead(tip: Point, control: Point, size: float = 8.0) -> list[Point]:
    dx, dy = tip[0] - control[0], tip[1] - control[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    base = (tip[0] - ux * size, tip[1] - uy * size)
    half = size * 0.45
    return [tip, (base[0] - uy * half, base[1] + ux * half),
            (base[0] + uy * half, base[1] - ux * half)]


def _positions(track: list[LatLon], project: Projection) -> list[Node]:
    return [el("circle", class_="position", cx=x, cy=y, r=1.6, fill=INK, fill_opacity=0.6)
            for x, y in (project(lon, lat) for lat, lon in track)]


def _places(located: dict[str, Place], project: Projection,
            placer: Placer) -> tuple[list[Node], list[Node]]:
    """Markers first (reserved so no label covers a place), then labels around them."""
    size = 11.0
    markers: list[Node] = []
    spots: list[tuple[str, Place, Point]] = []
    for place_id, place in located.items():
        x, y = project(*_lonlat(place))
        spots.append((place_id, place, (x, y)))
        placer.reserve(Box(x - 5, y - 5, x + 5, y + 5))
        markers.append(el("circle", class_="place", data_place=place_id, data_country=place.country,
                          cx=x, cy=y, r=4.5, fill="#ffffff", stroke=INK, stroke_width=1.8))
    labels: list[Node] = []
    for place_id, place, (x, y) in spots:
        label = f"{place_short(place)} ({place.country})"
        w, h = text_width(label, size), size * 1.25
        candidates = [Box(x + 8, y - h / 2, x + 8 + w, y + h / 2),
                      Box(x - 8 - w, y - h / 2, x - 8, y + h / 2),
                      Box(x - w / 2, y - 8 - h, x + w / 2, y - 8),
                      Box(x - w / 2, y + 8, x + w / 2, y + 8 + h),
                      Box(x + 6, y + 6, x + 6 + w, y + 6 + h),
                      Box(x - 6 - w, y - 6 - h, x - 6, y - 6)]
        box = placer.place(candidates) or candidates[0]
        labels.append(_label(label, box, size, place_id))
    return markers, labels


def _label(text: str, box: Box, size: float, place_id: str) -> Node:
    """Text over a white copy of itself, so it stays legible across borders and routes
    (drawn twice because print renderers ignore ``paint-order``)."""
    common: dict[str, Attr] = {"x": box.left, "y": box.bottom - size * 0.3, "font_size": size,
                               "font_family": FONT, "font_weight": "bold"}
    return el("g", el("text", **common, fill="#ffffff", stroke="#ffffff", stroke_width=3,
                      stroke_linejoin="round", text=text),
              el("text", **common, fill=INK, text=text),
              class_="place-label", data_place=place_id)


def _country_labels(visible: Visible, placer: Placer) -> list[Node]:
    """Names of the larger countries in view, where they fit: orientation, not data."""
    size = 9.0
    nodes: list[Node] = []
    for code, name, rings in visible:
        largest = max(rings, key=ring_area)
        if ring_area(largest) < 1500:
            continue
        x, y = label_point(largest)
        w = text_width(name.upper(), size)
        box = placer.place([Box(x - w / 2, y - size / 2, x + w / 2, y + size / 2)])
        if box is not None:
            nodes.append(el("text", class_="country-label", data_country=code, x=box.left,
                            y=box.bottom - 1, font_size=size, font_family=FONT, fill=MUTED,
                            letter_spacing=0.5, text=name.upper()))
    return nodes


def _legend(case: Case, movements: dict[str, Movement], top: float) -> list[Node]:
    """One line per movement under the map: its line style, its name and its route."""
    size = 10.5
    nodes: list[Node] = []
    for index, (movement_id, movement) in enumerate(movements.items()):
        y = top + LEGEND_LINE * index + LEGEND_LINE / 2
        if index == LEGEND_ROWS:
            nodes.append(el("text", x=42, y=y + size * 0.35, font_size=size, font_family=FONT,
                            fill=MUTED, text=f"and {len(movements) - LEGEND_ROWS} more"))
            break
        colour, dash = movement_style(index)
        row = f"{movement_name(movement)}: " + " → ".join(
            place_name(case, s) for s in movement.stops)
        nodes.append(el("g",
                        el("line", x1=4, y1=y, x2=34, y2=y, stroke=colour, stroke_width=2.2,
                           stroke_dasharray=dash),
                        el("text", x=42, y=y + size * 0.35, font_size=size, font_family=FONT,
                           fill=INK, text=row),
                        class_="legend-row", data_movement=movement_id))
    return [el("g", *nodes, class_="legend")] if nodes else []


def _caption(case: Case, movements: dict[str, Movement], located: dict[str, Place]) -> str:
    unlocated = sorted({s for m in movements.values() for s in m.stops} - set(located))
    if not unlocated:
        return CAPTION
    return CAPTION + " Not drawn (no coordinates): " + ", ".join(
        place_name(case, s) for s in unlocated) + "."
