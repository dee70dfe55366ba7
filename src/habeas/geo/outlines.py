"""Country outlines from Natural Earth, shipped in the package so nothing is fetched.

The data file names its source and licence; ``scripts/make_geodata.py`` rebuilds it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Country:
    """One country's outline: rings of (lon, lat) points, islands and holes alike."""

    code: str
    name: str
    rings: tuple[Ring, ...]

    def contains(self, lon: float, lat: float) -> bool:
        """Even-odd rule over all rings, so holes (lakes, enclaves) are outside."""
        inside = False
        for ring in self.rings:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    inside = not inside
        return inside


@cache
def countries() -> dict[str, Country]:
    """Every country by ISO 3166-1 alpha-2 code."""
    raw = json.loads(files("habeas.geo").joinpath("data/countries-110m.json").read_text())
    return {
        code: Country(code, entry["name"],
                      tuple(tuple((p[0], p[1]) for p in ring) for ring in entry["rings"]))
        for code, entry in raw["countries"].items()
    }
