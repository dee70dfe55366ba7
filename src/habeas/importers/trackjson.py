"""Track JSON as served: OpenSky's REST ``/states/all`` and ``/tracks``, and readsb traces.

Each format is turned into rows of the OpenSky state-vector CSV layout (the same column
names, values as text) so that one matcher and one validator serve every track input; this
module only knows where each format keeps each value and in which unit.

- ``/states/all``: ``{"time": T, "states": [[icao24, callsign, origin_country,
  time_position, last_contact, longitude, latitude, baro_altitude, on_ground, velocity,
  true_track, vertical_rate, sensors, geo_altitude, squawk, spi, position_source, ...]]}``;
  one response, a JSON list of responses, or one response per line (a collector's log).
- ``/tracks``: ``{"icao24", "callsign", "startTime", "endTime", "path": [[time, latitude,
  longitude, baro_altitude, true_track, on_ground]]}``.
- readsb / tar1090 ``trace_full_<icao>.json`` (what adsb.lol and ADS-B Exchange serve):
  ``{"icao", "r", "timestamp", "trace": [[seconds after timestamp, lat, lon, altitude in
  feet or "ground", ground speed in knots, track, flags, vertical rate, details or null,
  source, geometric altitude in feet, ...]]}``; the callsign is in the details object
  (``flight``), carried forward until the next one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any

from habeas.importers.report import Report

FEET = 0.3048
KNOTS = 1852 / 3600
#: A track JSON is at most a few hundred megabytes (a day of /states/all snapshots).
MAX_JSON_BYTES = 256 * 1024 * 1024
NAMES = ("time", "icao24", "lat", "lon", "velocity", "callsign", "onground", "baroaltitude",
         "geoaltitude", "lastposupdate")
COLUMNS = {name: i for i, name in enumerate(NAMES)}

Rows = Iterator[tuple[int, dict[str, int], list[str]]]


def load(data: IO[bytes], report: Report) -> list[Any] | None:
    """The JSON documents in ``data``: one, the items of a top-level list, or one per line;
    ``None`` after refusing unreadable input."""
    raw = data.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        report.refuse(1, "", len(raw), f"larger than {MAX_JSON_BYTES} bytes")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        report.refuse(1, "", "", f"not UTF-8: {error}")
        return None
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return _json_lines(text, report)
    except RecursionError as error:
        report.refuse(1, "", "", f"not readable JSON: {error}")
        return None
    return document if isinstance(document, list) else [document]


def _json_lines(text: str, report: Report) -> list[Any] | None:
    documents = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            documents.append(json.loads(line))
        except (json.JSONDecodeError, RecursionError) as error:
            report.refuse(number, "", line[:80], f"not readable JSON: {error}")
            return None
    return documents


def shape(document: Any) -> str | None:
    """Which track format a JSON document is, by the keys only that format has."""
    if not isinstance(document, Mapping):
        return None
    if "states" in document:
        return "opensky-states"
    if "path" in document and "icao24" in document:
        return "opensky-tracks"
    if "trace" in document and "icao" in document:
        return "readsb-trace"
    return None


def rows(documents: Sequence[Any], report: Report) -> Rows:
    """Rows in the state-vector layout, numbered by their position in the input (1-based,
    across all documents); a row of the wrong shape is refused with its JSON path."""
    line = 0
    for index, document in enumerate(documents):
        kind = shape(document)
        if kind is None:
            report.refuse(line + 1, "", type(document).__name__,
                          "expected an OpenSky /states/all or /tracks answer, or a readsb "
                          "trace", f"[{index}]")
            continue
        for where, row in _converted(kind, document):
            line += 1
            report.rows += 1
            if row is None:
                report.refuse(line, "", where, "a state or trace point is a JSON array of "
                              "the documented length", where)
                continue
            yield line, COLUMNS, row


def _converted(kind: str, document: Mapping[str, Any]) -> Iterator[tuple[str, list[str] |
                                                                             None]]:
    if kind == "opensky-states":
        for i, state in enumerate(_list(document.get("states"))):
            yield f"states[{i}]", _state(state, document.get("time"))
    elif kind == "opensky-tracks":
        icao24, callsign = document.get("icao24"), document.get("callsign")
        for i, point in enumerate(_list(document.get("path"))):
            yield f"path[{i}]", _path_point(point, icao24, callsign)
    else:
        flight: Any = None
        base = document.get("timestamp")
        for i, point in enumerate(_list(document.get("trace"))):
            if isinstance(point, list) and len(point) > 8 and isinstance(point[8], Mapping):
                flight = point[8].get("flight", flight)
            yield f"trace[{i}]", _trace_point(point, base, document.get("icao"), flight)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _scaled(value: Any, factor: float) -> str:
    """A number in another unit, as text; anything else as it is, for the validator to
    judge (so a string in a number's place is refused, not silently dropped)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value * factor)
    return _text(value)


def _row(**values: Any) -> list[str]:
    return [value if isinstance(value := values.get(name), str) else _text(value)
            for name in NAMES]


def _state(state: Any, snapshot: Any) -> list[str] | None:
    if not isinstance(state, list) or len(state) < 17:
        return None
    return _row(time=state[4] if state[4] is not None else snapshot, icao24=state[0],
                lat=state[6], lon=state[5], velocity=state[9], callsign=state[1],
                onground=state[8], baroaltitude=state[7], geoaltitude=state[13],
                lastposupdate=state[3])


def _path_point(point: Any, icao24: Any, callsign: Any) -> list[str] | None:
    if not isinstance(point, list) or len(point) < 6:
        return None
    return _row(time=point[0], icao24=icao24, lat=point[1], lon=point[2], callsign=callsign,
                onground=point[5], baroaltitude=point[3])


def _trace_point(point: Any, base: Any, icao: Any, callsign: Any) -> list[str] | None:
    if not isinstance(point, list) or len(point) < 8:
        return None
    offset = point[0]
    moment: Any = offset
    if isinstance(base, (int, float)) and isinstance(offset, (int, float)):
        moment = repr(base + offset)
    on_ground = point[3] == "ground"
    geometric = point[10] if len(point) > 10 else None
    return _row(time=moment, icao24=icao, lat=point[1], lon=point[2],
                velocity=_scaled(point[4], KNOTS), callsign=callsign, onground=on_ground,
                baroaltitude="" if on_ground else _scaled(point[3], FEET),
                geoaltitude="" if on_ground else _scaled(geometric, FEET))
