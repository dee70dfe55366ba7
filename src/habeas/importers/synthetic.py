"""Synthetic OpenSky state vectors for tests and benchmarks, written here, never downloaded.

A flight is flown along a straight line (in degrees, which is close enough for a test)
between two airports at a constant ground speed, climbing and descending at 10 m/s, with
on-ground samples before take-off and after landing, and the true take-off and landing
instants are returned so a test can check that the derived intervals bracket them.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

HEADER = ("time", "icao24", "lat", "lon", "velocity", "heading", "vertrate", "callsign",
          "onground", "alert", "spi", "squawk", "baroaltitude", "geoaltitude",
          "lastposupdate", "lastcontact")

HARLINGEN = (26.2285, -97.6544)
PALMEROLA = (14.3824, -87.6212)
#: GXA6143 (N278GX): ICAO address of the US registration N278GX.
GXA6143_ICAO24 = "a2c4e0"
GXA6143_TAKEOFF = datetime(2025, 3, 15, 21, 25, 35, tzinfo=UTC)     # 17:25:35 EDT


@dataclass(frozen=True)
class Flight:
    """One synthetic flight and the truths a derivation must bracket."""

    icao24: str
    callsign: str
    origin: tuple[float, float]
    destination: tuple[float, float]
    takeoff: datetime
    speed_ms: float = 220.0
    ground: timedelta = timedelta(minutes=20)
    cruise_m: float = 10_668.0
    climb_ms: float = 10.0

    @property
    def duration(self) -> timedelta:
        lat1, lon1 = self.origin
        lat2, lon2 = self.destination
        km = math.hypot((lat2 - lat1) * 111.195,
                        (lon2 - lon1) * 111.195 * math.cos(math.radians((lat1 + lat2) / 2)))
        return timedelta(seconds=km * 1000 / self.speed_ms)

    @property
    def landing(self) -> datetime:
        return self.takeoff + self.duration

    def position(self, moment: datetime) -> tuple[float, float, bool]:
        """(lat, lon, on_ground) at ``moment``."""
        if moment < self.takeoff:
            return (*self.origin, True)
        if moment >= self.landing:
            return (*self.destination, True)
        share = (moment - self.takeoff) / self.duration
        lat = self.origin[0] + share * (self.destination[0] - self.origin[0])
        lon = self.origin[1] + share * (self.destination[1] - self.origin[1])
        return lat, lon, False

    def rows(self, step: timedelta) -> Iterator[list[str]]:
        """State vectors every ``step`` from ``ground`` before take-off to ``ground`` after
        landing, as OpenSky writes them (times in Unix seconds, callsign padded to 8)."""
        moment = self.takeoff - self.ground
        end = self.landing + self.ground
        while moment <= end:
            yield self.row(moment)
            moment += step

    def row(self, moment: datetime) -> list[str]:
        lat, lon, on_ground = self.position(moment)
        seconds = min(moment - self.takeoff, self.landing - moment).total_seconds()
        altitude = "" if on_ground else f"{min(self.cruise_m, self.climb_ms * seconds):.1f}"
        stamp = moment.timestamp()
        return [f"{stamp:.3f}".rstrip("0").rstrip("."), self.icao24, f"{lat:.5f}",
                f"{lon:.5f}", "0.0" if on_ground else f"{self.speed_ms:.1f}", "135.0", "0.0",
                f"{self.callsign:<8}", "True" if on_ground else "False", "False", "False",
                "", altitude, altitude, f"{stamp:.3f}", f"{stamp:.3f}"]


def gxa6143() -> Flight:
    """The flagship flight: Harlingen, over the Gulf, to Palmerola, taking off 17:25 EDT."""
    return Flight(GXA6143_ICAO24, "GXA6143", HARLINGEN, PALMEROLA, GXA6143_TAKEOFF)


def write_track(out: TextIO, flight: Flight, step: timedelta, *, others: int = 0,
                rows: int | None = None) -> int:
    """Write ``flight`` with ``others`` unrelated aircraft interleaved at each sample time
    (as in an OpenSky file, which holds every aircraft in view); stop after ``rows`` rows if
    given. Returns the number of data rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    written = 0
    for row in flight.rows(step):
        for other in range(others):
            noise = list(row)
            noise[1] = f"{0x400000 + other:06x}"
            noise[7] = f"NOISE{other % 1000:<3}"
            writer.writerow(noise)
            written += 1
        writer.writerow(row)
        written += 1
        if rows is not None and written >= rows:
            break
    return written


def write_track_file(path: Path, flight: Flight, step: timedelta, **options: int) -> int:
    with path.open("w", encoding="utf-8", newline="") as out:
        return write_track(out, flight, step, **options)
