"""Flight tracks from ADS-B state vectors: OpenSky's historical "states" CSV (plain, ``.gz``
or ``.csv.tar``), OpenSky's REST ``/states/all`` and ``/tracks`` JSON, and readsb traces.

CSV columns, as OpenSky publishes them: ``time`` (Unix seconds), ``icao24``, ``lat``,
``lon``, ``velocity``, ``heading``, ``vertrate``, ``callsign``, ``onground``, ``alert``,
``spi``, ``squawk``, ``baroaltitude``, ``geoaltitude``, ``lastposupdate``, ``lastcontact``;
empty fields are missing values. Only ``time``, ``icao24``, ``lat``, ``lon`` and
``onground`` are required; ``velocity``, ``callsign``, the altitudes and ``lastposupdate``
are used when present. JSON inputs are turned into rows of the same layout
(:mod:`habeas.importers.trackjson`).

Rows of aircraft the movements do not name are counted and passed over without parsing
their numbers, which keeps a file of millions of rows fast; rows of a named aircraft are
validated field by field. Text that is not a value (``yesterday`` for a time) refuses the
row; a value that is physically impossible (an altitude of 32 km) is ignored and counted,
and the rest of the row is used, because real feeds carry such outliers in every large file.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from habeas.domain import Case, Movement, Place, When
from habeas.errors import Problem, ValidationError
from habeas.geo import Territory, us_territory
from habeas.importers import trackjson
from habeas.importers.csvrows import read_rows
from habeas.importers.inputs import readable_file
from habeas.importers.nnumber import icao24_of_n_number
from habeas.importers.report import Report, Taken
from habeas.importers.shipped import gunzipped, is_tar
from habeas.importers.sources import file_source
from habeas.importers.tracks import Sample, TrackDeriver

REQUIRED = ("time", "icao24", "lat", "lon", "onground")
#: Default spacing of recorded positions.
DEFAULT_EVERY = timedelta(minutes=5)
#: How far before the first and after the last known time of a movement its track is sought.
WINDOW_MARGIN = timedelta(hours=12)
#: Ranges outside which a value is physically impossible for an aircraft.
ALTITUDE_M = (-1_000.0, 30_000.0)
SPEED_MS = (0.0, 700.0)
_TRUE = {"true", "t", "1", "yes"}
_FALSE = {"false", "f", "0", "no"}


def normalise_callsign(text: str) -> str:
    """Callsigns come padded to 8 characters and in any case: compare them bare."""
    return "".join(text.split()).upper()


@dataclass(frozen=True, slots=True)
class Target:
    """A movement to find in the file: its identifiers and the time window to look in."""

    movement: str
    icao24: frozenset[str]
    callsigns: frozenset[str]
    since: datetime | None
    until: datetime | None

    def covers(self, moment: datetime) -> bool:
        return (self.since is None or moment >= self.since) and \
            (self.until is None or moment <= self.until)


def target_for(case: Case, movement: Movement, since: datetime | None = None,
               until: datetime | None = None) -> Target:
    """The identifiers of ``movement`` (icao24, the address of a US tail, callsign or
    flight number) and its window: as given, else the span of what the case already knows
    of it (planned time, events) widened by :data:`WINDOW_MARGIN`, else unbounded."""
    addresses = {movement.icao24.lower()} if movement.icao24 else set()
    if movement.tail and (address := icao24_of_n_number(movement.tail)):
        addresses.add(address)
    callsigns = {normalise_callsign(c) for c in (movement.callsign, movement.flight) if c}
    if since is None and until is None:
        times = [e.at for e in case.events.values() if e.movement == movement.id]
        times += [movement.planned] if movement.planned else []
        if times:
            since = min(t.earliest for t in times) - WINDOW_MARGIN
            until = max(t.latest for t in times) + WINDOW_MARGIN
    return Target(movement.id, frozenset(addresses), frozenset(callsigns), since, until)


def read_opensky(path: Path, case: Case, *, movement: str | None = None,
                 every: timedelta = DEFAULT_EVERY, since: datetime | None = None,
                 until: datetime | None = None, territory: Territory | None = None,
                 progress: bool = True) -> Report:
    """Derive departed, position, exited_us / entered_us and landed events for the
    movements of ``case`` (or just ``movement``) from the state vectors at ``path``."""
    report = Report(str(path), "opensky")
    chosen = _movements(case, movement, report)
    if every <= timedelta(0):
        report.refuse(0, "every", str(every), "the spacing of positions must be positive")
    if not chosen or report.refused or not readable_file(path, report):
        return report
    targets = [target_for(case, m, since, until) for m in chosen]
    for target in targets:
        if target.since is None:
            report.notes.append(f"{target.movement}: no time window given or known; every "
                                "flight of its aircraft is used")
    documents = _json_documents(path, report)
    if report.refused:
        return report
    kind = "readsb" if documents and trackjson.shape(documents[0]) == "readsb-trace" \
        else "opensky"
    report.format = kind
    source = file_source(path, kind, "readsb trace" if kind == "readsb"
                         else "OpenSky Network state vectors")
    territory = territory or us_territory()
    derivers = {t.movement: TrackDeriver(t.movement, _stops(case, case.movements[t.movement]),
                                         territory, every, (source.id,), since=t.since,
                                         until=t.until) for t in targets}
    feed = _Feed(report, derivers)
    match = _Matcher(targets)
    others = 0
    rows = trackjson.rows(documents, report) if documents is not None else \
        read_rows(path, REQUIRED, report, progress=progress)
    for line, columns, row in rows:
        candidates = match(row, columns)
        if candidates:
            feed(line, columns, row, candidates)
        else:
            others += 1
    if others:
        report.ignored["another aircraft"] += others
    for target in targets:
        deriver = derivers[target.movement]
        derived = deriver.finish()
        for item in derived:
            report.take(item.line, "events", item.event)
        report.ignored.update(deriver.noise)
        if deriver.dropped:
            report.ignored["flights outside the time window"] += deriver.dropped
        report.notes.extend(deriver.notes)
        if not derived:
            report.notes.append(f"{target.movement}: no usable rows of its aircraft in the "
                                "window")
    if report.taken:
        report.taken.insert(0, Taken(1, "sources", source))
    return report


def _json_documents(path: Path, report: Report) -> list[object] | None:
    """The JSON documents of a track JSON file, or ``None`` for CSV (told apart by the
    first character that is not a byte-order mark or white space)."""
    if is_tar(path):
        return None
    with path.open("rb") as raw:
        data = gunzipped(raw)
        try:
            head = data.read(64).decode("utf-8-sig", errors="replace").lstrip()[:1]
        except OSError:
            return None
        if head not in ("{", "["):
            return None
    with path.open("rb") as raw:
        return trackjson.load(gunzipped(raw), report)


class _Feed:
    """Hands a row of a tracked aircraft, once validated, to each movement it may belong to,
    refusing rows that go back in time (the derivation needs time order). Rows outside a
    movement's window are fed too: they say where its flights begin and end, and the
    deriver keeps only the flights that overlap the window."""

    def __init__(self, report: Report, derivers: dict[str, TrackDeriver]) -> None:
        self.report = report
        self.derivers = derivers
        self.last_time: dict[str, datetime] = {}
        self.parse: _RowParser | None = None

    def __call__(self, line: int, columns: dict[str, int], row: list[str],
                 candidates: tuple[Target, ...]) -> None:
        if self.parse is None:
            self.parse = _RowParser(columns, self.report)
        sample = self.parse(line, row)
        if sample is None:
            return
        for target in candidates:
            previous = self.last_time.get(target.movement)
            if previous is not None and sample.time < previous:
                self.report.refuse(line, "time", row[columns["time"]], "earlier than the "
                                   "previous row of this aircraft: the file must be in time "
                                   "order")
            elif previous is not None and sample.time == previous:
                self.report.ignored["same time as the previous row"] += 1
            else:
                self.last_time[target.movement] = sample.time
                self.derivers[target.movement].feed(sample)


def _movements(case: Case, movement: str | None, report: Report) -> list[Movement]:
    if movement is not None:
        if movement not in case.movements:
            report.refuse(0, "movement", movement, "no movement with this id in the reference "
                          "case")
            return []
        return [case.movements[movement]]
    chosen = [m for m in case.movements.values() if m.icao24 or m.tail or m.callsign or m.flight]
    if not chosen:
        report.refuse(0, "movement", None, "no movement in the reference case has an icao24, "
                      "tail, callsign or flight number to match")
    return chosen


def _stops(case: Case, movement: Movement) -> dict[str, Place]:
    return {stop: case.places[stop] for stop in movement.stops if stop in case.places}


class _Matcher:
    """The targets a row may belong to, by its raw icao24 and callsign fields.

    Rows of one aircraft repeat the same two strings, so each pair is resolved once and
    remembered: the cache holds one entry per aircraft in the file, not per row, and the
    millions of rows of other aircraft cost a dictionary look-up each.
    """

    def __init__(self, targets: list[Target]) -> None:
        self.by_address: dict[str, list[Target]] = defaultdict(list)
        self.by_callsign: dict[str, list[Target]] = defaultdict(list)
        for target in targets:
            for address in target.icao24:
                self.by_address[address].append(target)
            for callsign in target.callsigns:
                self.by_callsign[callsign].append(target)
        self.seen: dict[tuple[str, str], tuple[Target, ...]] = {}

    def __call__(self, row: list[str], columns: dict[str, int]) -> tuple[Target, ...]:
        column = columns.get("callsign")
        key = (row[columns["icao24"]], row[column] if column is not None else "")
        found = self.seen.get(key)
        if found is None:
            by_address = self.by_address.get(key[0].strip().lower(), [])
            by_callsign = self.by_callsign.get(normalise_callsign(key[1]), [])
            found = tuple(dict.fromkeys([*by_address, *by_callsign]))
            self.seen[key] = found
        return found


class _RowParser:
    """Validates a row of a tracked aircraft into a sample, with the column positions
    looked up once per file rather than once per field."""

    def __init__(self, columns: dict[str, int], report: Report) -> None:
        self.report = report
        self.time, self.lat, self.lon = columns["time"], columns["lat"], columns["lon"]
        self.onground = columns["onground"]
        self.position_time = columns.get("lastposupdate")
        self.speed = columns.get("velocity")
        self.altitudes = [(name, columns[name]) for name in ("geoaltitude", "baroaltitude")
                          if name in columns]

    def __call__(self, line: int, row: list[str]) -> Sample | None:
        """The row as a sample, or ``None`` after refusing it (text that is not a value) or
        passing over it (no position, or an impossible one)."""
        refuse = self.report.refuse
        moment = _time(row[self.time])
        if moment is None:
            refuse(line, "time", row[self.time], "Unix seconds or ISO 8601 with an offset")
            return None
        if self.position_time is not None and row[self.position_time].strip():
            moment = _time(row[self.position_time])
            if moment is None:
                refuse(line, "lastposupdate", row[self.position_time], "Unix seconds or empty")
                return None
        raw_lat, raw_lon = row[self.lat].strip(), row[self.lon].strip()
        if not raw_lat and not raw_lon:
            self.report.ignored["no position"] += 1
            return None
        lat, lon = _float(raw_lat), _float(raw_lon)
        if lat is None or lon is None:
            name, text = ("lat", raw_lat) if lat is None else ("lon", raw_lon)
            refuse(line, name, text, f"a {'latitude' if name == 'lat' else 'longitude'} in "
                   "degrees")
            return None
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            name = "lat" if not -90.0 <= lat <= 90.0 else "lon"
            self.report.ignored[f"impossible {name} (row passed over)"] += 1
            return None
        flag = row[self.onground].strip().lower()
        if flag not in _TRUE and flag not in _FALSE:
            refuse(line, "onground", row[self.onground], "true or false")
            return None
        altitude: float | None = None
        try:
            for name, column in self.altitudes:
                altitude = self._optional(line, name, row[column], ALTITUDE_M, "metres")
                if altitude is not None:
                    break
            speed = None if self.speed is None else \
                self._optional(line, "velocity", row[self.speed], SPEED_MS, "metres per second")
        except _Refused:
            return None
        return Sample(moment, lat, lon, altitude, flag in _TRUE, line, speed)

    def _optional(self, line: int, name: str, text: str, bounds: tuple[float, float],
                  unit: str) -> float | None:
        """An optional number: ``None`` when empty or impossible (counted, the row kept);
        text that is not a number at all is refused (raises :class:`_Refused`)."""
        if not text.strip():
            return None
        value = _float(text)
        if value is None:
            self.report.refuse(line, name, text, f"a number ({unit}) or empty")
            raise _Refused
        if not bounds[0] <= value <= bounds[1]:
            self.report.ignored[f"impossible {name} (value ignored, row used)"] += 1
            return None
        return value


class _Refused(Exception):
    """A field of the row was refused (and reported): the row gives no sample."""


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _time(text: str) -> datetime | None:
    text = text.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        return moment.astimezone(UTC) if moment.tzinfo is not None else None
    if not math.isfinite(seconds) or not 0 <= seconds < 4_102_444_800:   # before 2100
        return None
    return datetime.fromtimestamp(seconds, UTC)


def window_from_text(since: str | None, until: str | None) -> tuple[datetime | None,
                                                                     datetime | None]:
    """Parse ``--since``/``--until`` (ISO 8601 with offset, or a date: its start/end in UTC);
    a bad value is a ``ValidationError`` naming the option."""
    window: list[datetime | None] = []
    for name, text, end in (("--since", since, False), ("--until", until, True)):
        try:
            when = When.parse(text, UTC) if text else None
        except ValueError as error:
            raise ValidationError(Problem(name, text, str(error))) from None
        window.append(None if when is None else when.latest if end else when.earliest)
    return window[0], window[1]
