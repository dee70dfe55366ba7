"""From a time-ordered stream of position samples to the events of a movement.

The samples of an ADS-B track are snapshots: between two of them anything may have
happened. So an event derived from a change (take-off, landing, leaving US territory) is the
interval between the last sample before the change and the first sample after it; never a
guessed instant in between.

Real feeds are noisy. A lone "on ground" flag at cruising speed, or a flag that flickers for a
few seconds during the take-off roll, is noise, not a landing and a departure. So the
aircraft's state (on the ground, or airborne) changes only on consistent evidence:
:data:`CONFIRM` samples in a row that agree, with an on-ground flag believed only when speed
and altitude allow it. When a change is confirmed after some flicker, its interval starts at
the last sample of the old state before the first contradicting one, so whichever flicker
was the real change lies inside it.

A track is cut into flights: a confirmed take-off starts one, a confirmed landing ends it, and
so does a gap in airborne coverage longer than :data:`GAP`, which is said (with the stop near
which the aircraft may have landed unseen). A time window selects whole flights, so reading
the same file with a narrower window gives the same events for the flights it still holds.

The deriver keeps only the events of the current flight and a few samples, so a track of any
length is processed in bounded memory.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from habeas.domain import Event, Place, When
from habeas.geo import Side, Territory

#: A take-off or landing is attributed to a stop of the movement within this distance.
AIRPORT_RADIUS_KM = 30.0
#: Samples in a row, agreeing, that it takes to believe a take-off or a landing.
CONFIRM = 3
#: An "on ground" flag is not believed above this speed (no ground roll reaches 100 m/s,
#: 194 kt) ...
GROUND_SPEED_MAX_MS = 100.0
#: ... nor above this altitude (the highest airports are near 4,400 m).
GROUND_ALTITUDE_MAX_M = 4_500.0
#: No aircraft climbs or descends faster than this (about 11,800 ft/min): a change of state
#: that would need more, such as "airborne at 11 km" one second after a ground sample, is
#: noise.
CLIMB_MS = 60.0
#: Airborne coverage lost for longer than this is noted; it ends the flight (the aircraft
#: may have landed) when the aircraft was low at either end of it, or when it lasts longer
#: than :data:`LONG_GAP`.
GAP = timedelta(minutes=30)
LONG_GAP = timedelta(hours=2)
#: A flight whose coverage is lost this close to one of its stops may have landed there.
GAP_STOP_RADIUS_KM = 80.0
#: ... if it was also this low when last seen.
GAP_STOP_ALTITUDE_M = 4_000.0


@dataclass(frozen=True, slots=True)
class Sample:
    """One state vector: time (aware, UTC), position, altitude, the on-ground flag and the
    ground speed (m/s) when known."""

    time: datetime
    lat: float
    lon: float
    altitude_m: float | None
    on_ground: bool
    line: int = 0
    speed_ms: float | None = None


@dataclass(frozen=True, slots=True)
class Derived:
    """An event and the input line of the sample that settled it."""

    line: int
    event: Event


def plausibly_on_ground(sample: Sample) -> bool:
    """The on-ground flag, believed only when speed and altitude agree with it."""
    return sample.on_ground and \
        (sample.speed_ms is None or sample.speed_ms <= GROUND_SPEED_MAX_MS) and \
        (sample.altitude_m is None or sample.altitude_m <= GROUND_ALTITUDE_MAX_M)


def reachable(high: float | None, seconds: float) -> bool:
    """Whether an aircraft at altitude ``high`` can be on the ground ``seconds`` away."""
    return high is None or high <= GROUND_ALTITUDE_MAX_M + CLIMB_MS * abs(seconds)


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


@dataclass
class _Segment:
    """The events of one stretch of the track (a flight, or time on the ground), held until
    the stretch ends so that the window can keep or drop it whole."""

    airborne: bool
    events: list[Derived] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    first: datetime | None = None
    last: datetime | None = None

    def touch(self, moment: datetime) -> None:
        if self.first is None or moment < self.first:
            self.first = moment
        if self.last is None or moment > self.last:
            self.last = moment


class TrackDeriver:
    """Feed samples in time order; ``finish()`` returns the events derived.

    Departed: [last on-ground, first airborne]. Landed: [last airborne, first on-ground].
    Exited US: [last sample certainly inside, first sample certainly outside], where
    "certainly" allows for the generalised coastline (see habeas.geo.territory); entered US
    likewise the other way. Only flights that overlap ``[since, until]`` are returned; the
    others are counted in ``dropped``.
    """

    def __init__(self, movement: str, stops: Mapping[str, Place], territory: Territory,
                 every: timedelta, source: tuple[str, ...], *, since: datetime | None = None,
                 until: datetime | None = None) -> None:
        self.movement = movement
        self.stops = stops
        self.territory = territory
        self.source = source
        self.since, self.until = since, until
        self.events: list[Derived] = []
        self.notes: list[str] = []
        self.noise: Counter[str] = Counter()
        self.dropped = 0
        self.on_ground: bool | None = None        # the confirmed state; None until known
        self.anchor: Sample | None = None         # last sample of that state before doubt
        self.last_settled: Sample | None = None   # last sample agreeing with the state
        self.pending: list[Sample] = []           # a run contradicting the state
        self.agreeing = 0                         # samples agreeing since the last doubt
        self.segment: _Segment | None = None
        self.last_inside: Sample | None = None
        self.last_outside: Sample | None = None
        self.outside: bool | None = None
        self.thinner = Thinner(every)

    def feed(self, sample: Sample) -> None:
        ground = self._evidence(sample)
        if ground is None:
            if self.on_ground is False and not self.pending:
                self._agree(sample, counts=False)
        elif self.on_ground is None or ground != self.on_ground:
            self._doubt(sample, ground)
        else:
            self._agree(sample)
        self._territory(sample)

    def _evidence(self, sample: Sample) -> bool | None:
        """What the sample says: on the ground (``True``), airborne (``False``), or nothing
        (``None``: an airborne flag with neither altitude nor speed, or a change of state
        the altitudes make impossible)."""
        ground = plausibly_on_ground(sample)
        if sample.on_ground and not ground:
            self.noise["on-ground flag contradicted by speed or altitude"] += 1
        elif not sample.on_ground and sample.altitude_m is None and sample.speed_ms is None:
            return None
        reference = self.last_settled
        if reference is not None and ground != self.on_ground:
            high = reference.altitude_m if ground else sample.altitude_m
            if not reachable(high, (sample.time - reference.time).total_seconds()):
                self.noise["change of state too fast for the altitude"] += 1
                return None
        return ground

    def finish(self) -> list[Derived]:
        if self.pending and (self.on_ground is None or len(self.pending) > 1):
            self._settle(not self.on_ground if self.on_ground is not None
                         else plausibly_on_ground(self.pending[0]))
        self.noise["unconfirmed on-ground or airborne flag"] += len(self.pending)
        self.pending = []
        if self.segment is not None and self.segment.airborne and \
                self.last_settled is not None:
            self.segment.notes.append(f"coverage ends in the air at "
                                      f"{_clock(self.last_settled.time)}: no landing derived")
        self._close()
        self.noise = +self.noise
        self.notes = list(dict.fromkeys(self.notes))
        return sorted(self.events, key=lambda d: (d.event.at.earliest, d.event.kind))

    # -- the state machine -------------------------------------------------------------

    def _agree(self, sample: Sample, *, counts: bool = True) -> None:
        """A sample agreeing with the confirmed state: flicker before it was noise.
        ``counts``: whether it is evidence, or only a position of the confirmed flight."""
        if self.pending:
            self.noise["unconfirmed on-ground or airborne flag"] += len(self.pending)
            self.pending, self.agreeing = [], 0
        self.agreeing += counts
        if self.agreeing >= CONFIRM:
            self.anchor = None
        previous = self.last_settled
        if not self.on_ground and previous is not None and \
                sample.time - previous.time > GAP:
            self._gap(previous, sample)
        self.last_settled = sample
        self._use(sample)

    def _doubt(self, sample: Sample, ground: bool) -> None:
        if self.pending and plausibly_on_ground(self.pending[-1]) != ground:
            self.noise["unconfirmed on-ground or airborne flag"] += len(self.pending)
            self.pending = []
        if not self.pending and self.anchor is None:
            self.anchor = self.last_settled
        self.pending.append(sample)
        if len(self.pending) >= CONFIRM:
            self._settle(ground)

    def _settle(self, ground: bool) -> None:
        """The pending run is believed: the state changes (or is first known)."""
        run, self.pending = self.pending, []
        before, first = self.anchor, run[0]
        if self.on_ground is None:
            self.segment = self.segment or _Segment(airborne=not ground)
            self.segment.airborne = not ground
            if not ground:
                self.segment.notes.append(f"track starts in the air at {_clock(first.time)}: "
                                          "no departure derived")
        elif ground:
            assert before is not None
            self._flush_position()
            self._change("landed", before, first, first, "between the last airborne and the "
                         "first on-ground sample")
            self._close()
            self.segment = _Segment(airborne=False)
        else:
            assert before is not None
            self._close()
            self.segment = _Segment(airborne=True)
            self._change("departed", before, first, before, "between the last on-ground and "
                         "the first airborne sample")
        self.on_ground, self.anchor, self.agreeing = ground, None, len(run)
        for sample in run:
            self.last_settled = sample
            self._use(sample)

    def _use(self, sample: Sample) -> None:
        assert self.segment is not None
        self.segment.touch(sample.time)
        if not self.on_ground:
            kept = self.thinner.feed(sample)
            if kept is not None:
                self._position(kept)

    def _gap(self, before: Sample, after: Sample) -> None:
        """Airborne coverage lost for longer than :data:`GAP`: say so, and if the aircraft
        could have landed meanwhile, end the flight there and say where it may have."""
        assert self.segment is not None
        hours = (after.time - before.time).total_seconds() / 3600
        note = (f"coverage lost in the air at {_clock(before.time)} and resumed "
                f"{hours:.1f} h later at {_clock(after.time)}")
        low = [s for s in (before, after) if s.altitude_m is not None
               and s.altitude_m <= GAP_STOP_ALTITUDE_M]
        if not low and after.time - before.time <= LONG_GAP:
            self.segment.notes.append(note)
            return
        near = self._stop_near(before, GAP_STOP_RADIUS_KM) if before in low else None
        if near is not None:
            place = self.stops[near]
            assert place.lat is not None and place.lon is not None
            distance = _km(before.lat, before.lon, place.lat, place.lon)
            note += (f"; last seen at {before.altitude_m:.0f} m, {distance:.0f} km from "
                     f"{near}: it may have landed there between {_clock(before.time)} and "
                     f"{_clock(after.time)}")
        self.segment.notes.append(note)
        self._flush_position()
        self._close()
        self.segment = _Segment(airborne=True)
        self.segment.notes.append(note)

    def _close(self) -> None:
        """End the current segment: keep its events if it overlaps the window."""
        segment, self.segment = self.segment, None
        if segment is None or segment.first is None or segment.last is None:
            return
        first = min([segment.first, *(d.event.at.earliest for d in segment.events)])
        last = max([segment.last, *(d.event.at.latest for d in segment.events)])
        if (self.since is not None and last < self.since) or \
                (self.until is not None and first > self.until):
            self.dropped += segment.airborne
            return
        self.events.extend(segment.events)
        self.notes.extend(f"{self.movement}: {note}" for note in dict.fromkeys(segment.notes))

    # -- territory ---------------------------------------------------------------------

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

    # -- events ------------------------------------------------------------------------

    def _position(self, sample: Sample) -> None:
        self._add(sample.line, "position", When.at(sample.time), sample=sample)

    def _flush_position(self) -> None:
        """The last airborne sample of a flight is kept even if it came too soon."""
        held = self.thinner.finish()
        if held is not None:
            self._position(held)

    def _change(self, kind: str, before: Sample, after: Sample, at_stop: Sample | None,
                note: str) -> None:
        place = self._stop_near(at_stop, AIRPORT_RADIUS_KM) if at_stop is not None else None
        self._add(after.line, kind, When(before.time, after.time), place=place, note=note)

    def _add(self, line: int, kind: str, at: When, *, sample: Sample | None = None,
             place: str | None = None, note: str | None = None) -> None:
        event = Event(
            id=f"{self.movement}.adsb.{kind}.{_stamp(at.earliest)}", at=at, kind=kind,
            movement=self.movement, place=place, source=self.source, note=note,
            lat=sample.lat if sample else None, lon=sample.lon if sample else None,
            altitude_m=sample.altitude_m if sample else None,
        )
        if self.segment is None:
            self.segment = _Segment(airborne=bool(self.on_ground is False))
        self.segment.events.append(Derived(line, event))
        self.segment.touch(at.earliest)

    def _stop_near(self, sample: Sample, radius_km: float) -> str | None:
        best: tuple[float, str] | None = None
        for stop_id, place in self.stops.items():
            if place.lat is None or place.lon is None:
                continue
            distance = _km(sample.lat, sample.lon, place.lat, place.lon)
            if distance <= radius_km and (best is None or distance < best[0]):
                best = (distance, stop_id)
        return best[1] if best else None


def _clock(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


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
