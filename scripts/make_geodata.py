"""Rebuild src/habeas/geo/data/countries-110m.json from Natural Earth (public domain).

Not run by the package or the tests: it documents where the shipped file comes from.
Source: Natural Earth 1:110m Cultural Vectors, Admin 0 – Countries, as shipped in the
geopandas 0.14.4 wheel (geopandas/datasets/naturalearth_lowres). Needs `pyshp` and
`pycountry` and the unpacked wheel:

    pip download --no-deps geopandas==0.14.4 && unzip geopandas-0.14.4-py3-none-any.whl
    python scripts/make_geodata.py geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp
"""

from __future__ import annotations

import json
import sys
from itertools import pairwise
from pathlib import Path

import pycountry  # type: ignore[import-not-found]
import shapefile  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parents[1] / "src/habeas/geo/data/countries-110m.json"
# Codes Natural Earth gives that ISO 3166 does not (or gives as -99).
EXTRA = {"KOS": "XK", "SOL": "SO", "CYN": "CY"}
BY_NAME = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}


def alpha2(alpha3: str, name: str) -> str | None:
    if name in BY_NAME:
        return BY_NAME[name]
    if alpha3 in EXTRA:
        return EXTRA[alpha3]
    country = pycountry.countries.get(alpha_3=alpha3)
    return country.alpha_2 if country else None


def rings(shape: shapefile.Shape) -> list[list[list[float]]]:
    parts = [*shape.parts, len(shape.points)]
    return [
        [[round(x, 3), round(y, 3)] for x, y in shape.points[a:b]]
        for a, b in pairwise(parts)
    ]


def main(path: str) -> None:
    reader = shapefile.Reader(path)
    fields = [f[0] for f in reader.fields[1:]]
    countries: dict[str, dict[str, object]] = {}
    for record, shape in zip(reader.records(), reader.shapes(), strict=True):
        row = dict(zip(fields, record, strict=True))
        code = alpha2(row["iso_a3"], row["name"])
        if code is None:
            print(f"skipped {row['name']} ({row['iso_a3']})", file=sys.stderr)
            continue
        entry = countries.setdefault(code, {"name": row["name"], "rings": []})
        entry["rings"] += rings(shape)  # type: ignore[operator]
    OUT.write_text(json.dumps({
        "source": "Natural Earth 1:110m Admin 0 - Countries (naturalearthdata.com), "
                  "via geopandas 0.14.4 datasets/naturalearth_lowres",
        "license": "public domain",
        "note": "outer rings and holes are not distinguished; coordinates are lon, lat "
                "rounded to 0.001 degree",
        "countries": dict(sorted(countries.items())),
    }, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
