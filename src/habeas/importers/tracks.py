"""From a time-ordered stream of position samples to the events of a movement.

The samples of an ADS-B track are snapshots: between two of them anything may have
happened. So an event derived from a change (take-off, landing, leaving US territory) is the
interval between the last sample before the change and the first sample after it; never a
guessed instant in between. Positions are thinned (one per ``every``), keeping the first and
last airborne sample of each flight so the record shows where the track starts and ends.

The deriver consumes samples one at a time and keeps only a few of them, so a track of any
length is processed in bounded memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from habeas.domain import Event, Place, When
from habeas.geo import Side, Territory

#: A take-off or landing is attributed to a stop of the movement within this distance.
AIRPORT_RADIUS_KM = 30.0


@dataclass(frozen=True, slots=True)
class Sample:
    """One state vector: time (aware, UTC), position, altitude, and the on-ground flag."""

    time: datetime
    lat: float
    lon: float
    altitude_m: float | None
    on_ground: bool
    line: int = 0


@dataclass(frozen=True, slots=True)
class Derived:
    """An event and the input line of the sample that settled it."""

    line: int
    event: Event


class Thinner:
    """Streaming thinning: a sample is kept when ``every`` has passed since the last kept
    one; the first is always kept, and ``finish`` returns the last if it was held back."""

    def __init__(self, every: timedelta) -> None:
        self.every = every
        self.kept: Sample | None = None
        self.held: Sample | None = None

    def feed(self, sample: Sample) -> Sample | None:
        if self.kept is None or sample.time - self.kept.time >= self.every:
            self.kept, self.held = sample, None
            return sample
        self.held = sample
        return None

    def finish(self) -> Sample | None:
        held, self.kept, self.held = self.held, None, None
        return held


def thin(samples: Iterable[Sample], every: timedelta) -> Iterator[Sample]:
    """Samples at least ``every`` apart, always with the first and the last one."""
    thinner = Thinner(every)
    for sample in samples:
        kept = thinner.feed(sample)
        if kept is not None:
            yield kept
    last = thinner.finish()
    if last is not None:
        yield last


class TrackDeriver:
    """Feed samples in time order; ``finish()`` returns the events derived.

    Departed: [last on-ground, first airborne]. Landed: [last airborne, first on-ground].
    Exited US: [last sample certainly inside, first sample certainly outside], where
    "certainly" allows for the generalised coastline (see habeas.geo.territory); entered US
    likewise the other way.
    """

    def __init__(self, movement: str, stops: Mapping[str, Place], territory: Territory,
                 every: timedelta, source: tuple[str, ...]) -> None:
        self.movement = movement
        self.stops = stops
        self.territory = territory
        self.source = source
        self.events: list[Derived] = []
        self.last: Sample | None = None
        self.last_inside: Sample | None = None
        self.last_outside: Sample | None = None
        self.outside: bool | None = None
        self.thinner = Thinner(every)

    def feed(self, sample: Sample) -> None:
        previous = self.last
        if previous is not None and previous.on_ground and not sample.on_ground:
            self._change("departed", previous, sample, previous, "between the last on-ground "
                         "and the first airborne sample")
        if previous is not None and not previous.on_ground and sample.on_ground:
            self._flush_position()
            self._change("landed", previous, sample, sample, "between the last airborne and "
                         "the first on-ground sample")
        if not sample.on_ground:
            kept = self.thinner.feed(sample)
            if kept is not None:
                self._position(kept)
        self._territory(sample)
        self.last = sample

    def finish(self) -> list[Derived]:
        self._flush_position()
        return sorted(self.events, key=lambda d: (d.event.at.earliest, d.event.kind))

    def _territory(self, sample: Sample) -> None:
        side = self.territory.side(sample.lon, sample.lat)
        if side is Side.INSIDE:
            if self.outside and self.last_outside is not None:
                self._change("entered_us", self.last_outside, sample, None,
                             "between the last sample certainly outside US territory "
                             "(12 nm sea) and the first certainly inside")
            self.outside = False
            self.last_inside = sample
        elif side is Side.OUTSIDE:
            if self.outside is False and self.last_inside is not None:
                self._change("exited_us", self.last_inside, sample, None,
                             "between the last sample certainly inside US territory "
                             "(12 nm sea) and the first certainly outside")
            self.outside = True
            self.last_outside = sample

    def _position(self, sample: Sample) -> None:
        self._add(sample.line, "position", When.at(sample.time), sample=sample)

    def _flush_position(self) -> None:
        """The last airborne sample of a flight is kept even if it came too soon."""
        held = self.thinner.finish()
        if held is not None:
            self._position(held)

    def _change(self, kind: str, before: Sample, after: Sample, at_stop: Sample | None,
                note: str) -> None:
        place = self._stop_near(at_stop) if at_stop is not None else None
        self._add(after.line, kind, When(before.time, after.time), place=place, note=note)

    def _add(self, line: int, kind: str, at: When, *, sample: Sample | None = None,
             place: str | None = None, note: str | None = None) -> None:
        event = Event(
            id=f"{self.movement}.adsb.{kind}.{_stamp(at.earliest)}", at=at, kind=kind,
            movement=self.movement, place=place, source=self.source, note=note,
            lat=sample.lat if sample else None, lon=sample.lon if sample else None,
            altitude_m=sample.altitude_m if sample else None,
        )
        self.events.append(Derived(line, event))

    def _stop_near(self, sample: Sample) -> str | None:
        best: tuple[float, str] | None = None
        for stop_id, place in self.stops.items():
            if place.lat is None or place.lon is None:
                continue
            distance = _km(sample.lat, sample.lon, place.lat, place.lon)
            if distance <= AIRPORT_RADIUS_KM and (best is None or distance < best[0]):
                best = (distance, stop_id)
        return best[1] if best else None


def _stamp(moment: datetime) -> str:
    """UTC time for an id: to the second, with microseconds only when a sample has them, so
    two samples never share an id however closely they are spaced."""
    fraction = f".{moment.microsecond:06d}" if moment.microsecond else ""
    return moment.strftime("%Y%m%dT%H%M%S") + fraction + "Z"


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))
