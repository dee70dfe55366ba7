"""How the real track files here were cut from their sources (run by hand, not by tests).

Usage: python tests/data/importers/real/cut.py TRAFFIC_CHECKOUT
where TRAFFIC_CHECKOUT is a checkout of https://github.com/xoolive/traffic at commit
8286f88e6fd319f0062ef768231fb731d935d6f9. Rows are kept unchanged (a subset, in their
original order); only the savan sample is rewritten from the traffic library's units (feet,
knots, feet per minute, milliseconds) into OpenSky's state-vector CSV layout and units
(metres, metres per second, seconds).
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
FEET, KNOTS = 0.3048, 1852 / 3600
HEADER = ("time", "icao24", "lat", "lon", "velocity", "heading", "vertrate", "callsign",
          "onground", "alert", "spi", "squawk", "baroaltitude", "geoaltitude",
          "lastposupdate", "lastcontact")


def keep(count: int, every: int, marks: set[int], context: int = 3) -> list[int]:
    """Every ``every``-th index, the first and last, and ``context`` either side of marks."""
    chosen = {0, count - 1, *range(0, count, every)}
    for mark in marks:
        chosen.update(range(max(0, mark - context), min(count, mark + context + 1)))
    return sorted(chosen)


def scaled(value: float | None, factor: float) -> str:
    return "" if value is None else f"{value * factor:.2f}"


def records(path: Path) -> list[dict]:
    """The rows of a traffic sample (a list of records, or pandas' columns orientation)."""
    with gzip.open(path) as file:
        data = json.load(file)
    if isinstance(data, dict):
        columns = [list(c.values()) for c in data.values()]
        data = [dict(zip(data, values, strict=True)) for values in zip(*columns, strict=True)]
    return sorted(data, key=lambda r: r["timestamp"])


def savan(traffic: Path) -> None:
    rows = records(traffic / "src/traffic/data/samples/collections/savan.json.gz")
    days = ("2022-03-21", "2022-03-24")
    rows = [r for r in rows if datetime.fromtimestamp(r["timestamp"] / 1000, UTC)
            .date().isoformat() in days]
    write_opensky(rows, 60, HERE / "savan-opensky.csv")


def noisy_takeoff(traffic: Path) -> None:
    rows = records(traffic / "src/traffic/data/samples/noisy/noisy_takeoff.json.gz")
    write_opensky(rows, 10, HERE / "noisy-takeoff-opensky.csv")


def write_opensky(rows: list[dict], every: int, path: Path) -> None:
    marks = {i for i in range(1, len(rows))
             if rows[i]["onground"] != rows[i - 1]["onground"]
             or rows[i]["timestamp"] - rows[i - 1]["timestamp"] > 60_000}
    marks |= {i - 1 for i in marks}
    marks |= {i for i, r in enumerate(rows)
              if max(r.get("altitude") or 0, r.get("geoaltitude") or 0) * FEET > 30_000}
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for i in keep(len(rows), every, marks):
            r = rows[i]
            writer.writerow([
                r["timestamp"] // 1000, r["icao24"], r["latitude"] or "", r["longitude"] or "",
                scaled(r["groundspeed"], KNOTS), "" if r["track"] is None else r["track"],
                scaled(r["vertical_rate"], FEET / 60), r["callsign"] or "",
                "True" if r["onground"] else "False", "", "",
                "" if r.get("squawk") is None else int(r["squawk"]),
                scaled(r["altitude"], FEET), scaled(r.get("geoaltitude"), FEET),
                "" if r["last_position"] is None else f"{r['last_position'] / 1000:.3f}",
                r["timestamp"] // 1000])


def readsb(traffic: Path) -> None:
    document = json.loads((traffic / "src/traffic/data/samples/readsb/"
                           "trace_full_ac671b.json").read_text())
    trace = document["trace"]
    marks = {i for i in range(1, len(trace))
             if (trace[i][3] == "ground") != (trace[i - 1][3] == "ground")
             or trace[i][0] - trace[i - 1][0] > 120}
    marks |= {i - 1 for i in marks}
    marks |= {i for i, p in enumerate(trace) if isinstance(p[8], dict) and "flight" in p[8]
              and (i == 0 or p[8].get("flight") != next(
                  (q[8]["flight"] for q in reversed(trace[:i])
                   if isinstance(q[8], dict) and "flight" in q[8]), None))}
    document["trace"] = [trace[i] for i in keep(len(trace), 25, marks)]
    text = json.dumps(document, separators=(",", ":"))
    (HERE / "trace_full_ac671b.json").write_text(text.replace("],[", "],\n["))


if __name__ == "__main__":
    savan(Path(sys.argv[1]))
    noisy_takeoff(Path(sys.argv[1]))
    readsb(Path(sys.argv[1]))
