"""United States territory for "did the plane leave the US?": land plus a 12 nm territorial sea.

A removal is complete, on one reading of the law, when the plane leaves US territory, and the
territory ends at the outer limit of the territorial sea, 12 nautical miles (22.224 km) off
the coast (Presidential Proclamation 5928, 1988), not at the beach. This module computes that
from the shipped Natural Earth 1:110m outlines of the United States and Puerto Rico.

The outlines are generalised by kilometres at that scale: a bay is cut across, a headland
rounded, and islands smaller than the scale are missing altogether (the Florida Keys, many
Alaskan islands, the US Virgin Islands, Guam). So instead of a yes/no answer a point gets a
:class:`Side`: ``inside`` or ``outside`` only when moving every coast and land border by
:data:`COASTLINE_TOLERANCE_KM` would not change the answer, else ``uncertain``. A derived
crossing time spans the uncertain band, which is how the generalisation becomes part of the
uncertainty of the ``exited_us`` event. Near the missing islands even that is not enough;
docs/importers.md says so. Maritime boundaries with neighbours (Mexico, Cuba, the Bahamas,
Canada, Russia) are approximated by "not on a neighbour's land", not by the treaty lines.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import cache

from habeas.geo.outlines import Country, countries

#: 12 nautical miles, the breadth of the US territorial sea.
TERRITORIAL_SEA_KM = 12 * 1.852
#: How far a 1:110m coastline or land border may lie from the true one, for our purposes.
#: Natural Earth 1:110m is meant for maps of about 1:110,000,000, where 0.1 mm is 11 km.
COASTLINE_TOLERANCE_KM = 15.0
#: Outlines that make up US territory in the shipped data.
US_CODES = ("US", "PR")

_KM_PER_DEGREE = 111.195
_CELL_DEGREES = 0.5
_REACH_KM = TERRITORIAL_SEA_KM + COASTLINE_TOLERANCE_KM

Segment = tuple[float, float, float, float]


class Side(Enum):
    """Where a point lies with respect to US territory, allowing for the outlines' error."""

    INSIDE = "inside"
    OUTSIDE = "outside"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True, slots=True)
class _Land:
    """A country's outline split into rings with their bounding boxes: a point outside a
    ring's box crosses that ring an even number of times (or none), so skipping the ring
    leaves the even-odd answer unchanged and saves most of the work."""

    code: str
    rings: tuple[tuple[tuple[float, float, float, float], Country], ...]

    @classmethod
    def of(cls, country: Country) -> _Land:
        return cls(country.code, tuple(
            ((min(x for x, _ in ring), min(y for _, y in ring),
              max(x for x, _ in ring), max(y for _, y in ring)),
             Country(country.code, country.name, (ring,)))
            for ring in country.rings))

    def contains(self, lon: float, lat: float) -> bool:
        inside = False
        for (x1, y1, x2, y2), ring in self.rings:
            if x1 <= lon <= x2 and y1 <= lat <= y2 and ring.contains(lon, lat):
                inside = not inside
        return inside


@dataclass(frozen=True, slots=True)
class _Cell:
    """The segments of one grid cell that lie within reach, split by whose they are."""

    ours: tuple[Segment, ...]
    theirs: tuple[tuple[Segment, str], ...]


class Territory:
    """US territory with a grid index, so classifying millions of track points stays cheap.

    Only cells within reach of a coast or border need distance work; any other cell is on
    one side throughout and its answer is computed once.
    """

    def __init__(self, ours: Iterable[Country], theirs: Iterable[Country]) -> None:
        ours = tuple(ours)
        theirs = tuple(theirs)
        self._ours = tuple(_Land.of(c) for c in ours)
        self._theirs = {c.code: _Land.of(c) for c in theirs}
        self._constant: dict[tuple[int, int], Side] = {}
        ours_by_cell: dict[tuple[int, int], list[Segment]] = {}
        for country in ours:
            for segment in _segments(country):
                for key in _cells_within_reach(segment):
                    ours_by_cell.setdefault(key, []).append(segment)
        theirs_by_cell: dict[tuple[int, int], list[tuple[Segment, str]]] = {}
        for country in theirs:
            for segment in _segments(country):
                for key in _cells_within_reach(segment):
                    if key in ours_by_cell:
                        theirs_by_cell.setdefault(key, []).append((segment, country.code))
        self._cells = {key: _Cell(tuple(segments), tuple(theirs_by_cell.get(key, ())))
                       for key, segments in ours_by_cell.items()}
        self._centres: dict[tuple[int, int], tuple[bool, bool]] = {}

    def side(self, lon: float, lat: float) -> Side:
        """Inside, outside, or too close to a generalised coast or border to say."""
        key = _cell_of(lon, lat)
        cell = self._cells.get(key)
        if cell is None:
            side = self._constant.get(key)
            if side is None:
                on_ours = any(land.contains(*_centre(key)) for land in self._ours)
                side = Side.INSIDE if on_ours else Side.OUTSIDE
                self._constant[key] = side
            return side
        return self._classify(lon, lat, key, cell)

    def contains(self, lon: float, lat: float) -> bool:
        """The best single answer: on US land, or within 12 nm of it and not on other land."""
        key = _cell_of(lon, lat)
        cell = self._cells.get(key)
        if cell is None:
            return self.side(lon, lat) is Side.INSIDE
        on_ours, on_theirs = self._land(lon, lat, key, cell)
        if on_ours:
            return True
        return _nearest_km(lon, lat, cell.ours) <= TERRITORIAL_SEA_KM and not on_theirs

    def _classify(self, lon: float, lat: float, key: tuple[int, int], cell: _Cell) -> Side:
        on_ours, on_theirs = self._land(lon, lat, key, cell)
        ours_km = 0.0 if on_ours else _nearest_km(lon, lat, cell.ours)
        theirs_km = _nearest_km(lon, lat, (s for s, _ in cell.theirs))
        if on_theirs:
            return Side.OUTSIDE if ours_km > COASTLINE_TOLERANCE_KM else Side.UNCERTAIN
        if ours_km > TERRITORIAL_SEA_KM + COASTLINE_TOLERANCE_KM:
            return Side.OUTSIDE
        if ours_km < TERRITORIAL_SEA_KM - COASTLINE_TOLERANCE_KM or ours_km == 0.0:
            return Side.INSIDE if theirs_km > COASTLINE_TOLERANCE_KM else Side.UNCERTAIN
        return Side.UNCERTAIN

    def _land(self, lon: float, lat: float, key: tuple[int, int],
              cell: _Cell) -> tuple[bool, bool]:
        """(on US land, on another country's land), by the even-odd rule along the short
        path from the cell's centre: every outline edge that path can cross lies within
        reach of the cell and so is in the cell's lists, and the centre's answer is computed
        once per cell with the full outlines."""
        centre = self._centres.get(key)
        if centre is None:
            point = _centre(key)
            theirs = {code for _, code in cell.theirs}
            centre = (any(land.contains(*point) for land in self._ours),
                      sum(self._theirs[code].contains(*point) for code in theirs) % 2 == 1)
            self._centres[key] = centre
        x0, y0 = _centre(key)
        on_ours = centre[0] != _odd_crossings(x0, y0, lon, lat, cell.ours)
        on_theirs = centre[1] != _odd_crossings(x0, y0, lon, lat, (s for s, _ in cell.theirs))
        return on_ours, on_theirs


@cache
def us_territory() -> Territory:
    """US land and territorial sea from the shipped outlines (built once, about 0.1 s)."""
    every = countries()
    return Territory((every[c] for c in US_CODES if c in every),
                     (c for code, c in every.items() if code not in US_CODES))


def _segments(country: Country) -> Iterable[Segment]:
    for ring in country.rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            yield (x1, y1, x2, y2)


def _centre(key: tuple[int, int]) -> tuple[float, float]:
    return (key[0] + 0.5) * _CELL_DEGREES, (key[1] + 0.5) * _CELL_DEGREES


def _odd_crossings(ax: float, ay: float, bx: float, by: float,
                   segments: Iterable[Segment]) -> bool:
    """Whether the path a→b crosses an odd number of ``segments``. An end point exactly on
    the path counts only on one side, so a path through a vertex counts it once."""
    odd = False
    for cx, cy, dx, dy in segments:
        side_a = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx) > 0
        side_b = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx) > 0
        if side_a == side_b:
            continue
        side_c = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) > 0
        side_d = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax) > 0
        if side_c != side_d:
            odd = not odd
    return odd


def _cell_of(lon: float, lat: float) -> tuple[int, int]:
    return math.floor(lon / _CELL_DEGREES), math.floor(lat / _CELL_DEGREES)


def _cells_within_reach(segment: Segment) -> Iterable[tuple[int, int]]:
    """Every cell that holds a point within reach of ``segment`` (a generous box)."""
    x1, y1, x2, y2 = segment
    pad_lat = _REACH_KM / _KM_PER_DEGREE
    widest = min(max(abs(y1), abs(y2)) + pad_lat, 89.0)
    pad_lon = pad_lat / math.cos(math.radians(widest))
    low_x, low_y = _cell_of(min(x1, x2) - pad_lon, min(y1, y2) - pad_lat)
    high_x, high_y = _cell_of(max(x1, x2) + pad_lon, max(y1, y2) + pad_lat)
    for i in range(low_x, high_x + 1):
        for j in range(low_y, high_y + 1):
            yield i, j


def _nearest_km(lon: float, lat: float, segments: Iterable[Segment]) -> float:
    """Distance to the nearest segment in a local flat projection (exact enough within
    tens of kilometres); ``inf`` when there is none."""
    scale_x = _KM_PER_DEGREE * math.cos(math.radians(lat))
    best = math.inf
    for x1, y1, x2, y2 in segments:
        ax, ay = (x1 - lon) * scale_x, (y1 - lat) * _KM_PER_DEGREE
        bx, by = (x2 - lon) * scale_x, (y2 - lat) * _KM_PER_DEGREE
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
        px, py = ax + t * dx, ay + t * dy
        best = min(best, px * px + py * py)
    return math.sqrt(best)
