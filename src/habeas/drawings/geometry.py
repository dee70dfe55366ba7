"""Plane geometry the drawings share: a fitted map projection, clipping and label placement.

Kept apart from the drawings so each drawing module says only what it draws, and so the
arithmetic can be tested on its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle; y grows downwards, as in SVG."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def intersects(self, other: Box) -> bool:
        return (self.left < other.right and other.left < self.right
                and self.top < other.bottom and other.top < self.bottom)

    def inside(self, other: Box) -> bool:
        return (other.left <= self.left and self.right <= other.right
                and other.top <= self.top and self.bottom <= other.bottom)


@dataclass(frozen=True, slots=True)
class Projection:
    """Equirectangular, x stretched by cos(mid latitude): at the scale of a route (a few
    thousand kilometres) distances and shapes read true enough, and straight lines stay
    straight, which a reader can check against coordinates by hand."""

    lon0: float
    lat0: float
    scale: float  # pixels per degree of latitude
    cx: float
    cy: float

    @classmethod
    def fit(cls, lonlats: Sequence[Point], frame: Box, margin: float = 0.2,
            min_span: float = 4.0) -> Projection:
        """The projection that shows every point of ``lonlats`` inside ``frame``, with
        ``margin`` (a fraction of the extent, at least a degree) on each side; ``min_span``
        degrees keeps a single airport from filling the page."""
        if not lonlats:
            lonlats = [(-180.0, -60.0), (180.0, 80.0)]
        lons = [p[0] for p in lonlats]
        lats = [p[1] for p in lonlats]
        lat_mid = (min(lats) + max(lats)) / 2
        k = math.cos(math.radians(lat_mid))
        span_lon = max(max(lons) - min(lons), min_span)
        span_lat = max(max(lats) - min(lats), min_span)
        pad = 1 + 2 * margin
        scale = min(frame.width / (span_lon * k * pad), frame.height / (span_lat * pad))
        return cls((min(lons) + max(lons)) / 2, lat_mid, scale,
                   (frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2)

    def __call__(self, lon: float, lat: float) -> Point:
        k = math.cos(math.radians(self.lat0))
        return (self.cx + (lon - self.lon0) * k * self.scale,
                self.cy - (lat - self.lat0) * self.scale)

    def inverse(self, x: float, y: float) -> Point:
        k = math.cos(math.radians(self.lat0))
        return (self.lon0 + (x - self.cx) / (k * self.scale),
                self.lat0 - (y - self.cy) / self.scale)


def clip_ring(ring: Iterable[Point], box: Box) -> list[Point]:
    """Sutherland-Hodgman: the part of a closed ring inside ``box``. Clipping here rather
    than with an SVG clip path keeps the output free of ids (two drawings on one web page
    cannot collide) and small."""
    out = list(ring)
    edges: tuple[tuple[Callable[[Point], bool], Callable[[Point, Point], Point]], ...] = (
        (lambda p: p[0] >= box.left, lambda a, b: _at_x(a, b, box.left)),
        (lambda p: p[0] <= box.right, lambda a, b: _at_x(a, b, box.right)),
        (lambda p: p[1] >= box.top, lambda a, b: _at_y(a, b, box.top)),
        (lambda p: p[1] <= box.bottom, lambda a, b: _at_y(a, b, box.bottom)),
    )
    for keep, cross in edges:
        if not out:
            break
        source, out = out, []
        previous = source[-1]
        for current in source:
            if keep(current):
                if not keep(previous):
                    out.append(cross(previous, current))
                out.append(current)
            elif keep(previous):
                out.append(cross(previous, current))
            previous = current
    return out


def _at_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def ring_area(ring: Sequence[Point]) -> float:
    """Unsigned shoelace area."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2


def label_point(ring: Sequence[Point]) -> Point:
    """A point inside the ring for its name: the middle of the widest stretch of the
    horizontal line through the centre of its bounding box. A centroid can fall outside a
    curved country (the US clipped to the Gulf coast has its centroid at sea)."""
    ys = [p[1] for p in ring]
    y = (min(ys) + max(ys)) / 2
    crossings = sorted(
        x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True)
        if (y1 > y) != (y2 > y)
    )
    stretches = list(zip(crossings[::2], crossings[1::2], strict=False))
    if not stretches:
        return (sum(p[0] for p in ring) / len(ring), y)
    left, right = max(stretches, key=lambda s: s[1] - s[0])
    return ((left + right) / 2, y)


class Placer:
    """Greedy label placement: each label takes the first candidate box that stays in the
    frame and clear of everything placed before it. Deterministic because callers place
    labels in a fixed order."""

    def __init__(self, frame: Box) -> None:
        self.frame = frame
        self.taken: list[Box] = []

    def reserve(self, box: Box) -> None:
        self.taken.append(box)

    def place(self, candidates: Iterable[Box]) -> Box | None:
        for box in candidates:
            if box.inside(self.frame) and not any(box.intersects(t) for t in self.taken):
                self.taken.append(box)
                return box
        return None
