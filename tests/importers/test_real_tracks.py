"""The track importer on real public files (tests/data/importers/real, sources in its README).

Each test is one defect that real feeds showed: glitching on-ground flags, impossible
altitudes, coverage gaps near a stop, multi-day files, movements known by different
identifiers, and the file formats as OpenSky, adsb.lol and ADS-B Exchange ship them.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import DATA
from habeas.bundle import load_bundle
from habeas.bundle.records import import_case
from habeas.domain import Case, Event
from habeas.importers import Appended, Report, append_report, read_opensky
from habeas.ledger import Ledger

REAL = DATA / "real"
SAVAN = REAL / "savan-opensky.csv"
TRACE = REAL / "trace_full_ac671b.json"
WIDE = {"since": datetime(2000, 1, 1, tzinfo=UTC), "until": datetime(2100, 1, 1, tzinfo=UTC)}


@pytest.fixture(scope="module")
def case() -> Case:
    return load_bundle(REAL / "tracks-case.yaml")


@pytest.fixture
def case_ledger(case: Case) -> Iterator[Ledger]:
    with Ledger.init("memory:") as ledger:
        import_case(ledger, case)
        yield ledger


def events(report: Report, kind: str, movement: str | None = None) -> list[Event]:
    return [t.obj for t in report.taken if t.section == "events" and t.obj.kind == kind
            and (movement is None or t.obj.movement == movement)]


def moments(report: Report) -> list[tuple[str, datetime, datetime]]:
    return [(t.obj.id, t.obj.at.earliest, t.obj.at.latest)
            for t in report.taken if t.section == "events"]


def test_on_ground_glitches_in_flight_are_noise(case: Case) -> None:
    """savan (OpenSky, 21 March 2022): three rows flagged on ground at 6,700 m and 270+ kt
    mid-flight, and one at 180 m on final approach, used to make four landed/departed pairs."""
    report = read_opensky(SAVAN, case, movement="savan-0321", progress=False)
    assert report.ok
    (departed,) = events(report, "departed")
    (landed,) = events(report, "landed")
    assert departed.place == "lfbo" and landed.place == "lfbo"
    assert departed.at.earliest == datetime(2022, 3, 21, 8, 37, 18, 164000, tzinfo=UTC)
    assert landed.at.latest == datetime(2022, 3, 21, 17, 36, 30, 680000, tzinfo=UTC)
    assert report.ignored["on-ground flag contradicted by speed or altitude"] == 3
    assert report.ignored["unconfirmed on-ground or airborne flag"] == 1


def test_flickering_take_off_is_one_departure(case: Case) -> None:
    """noisy_takeoff (OpenSky, Zurich 2019): ground/air/ground/air within three seconds at
    take-off, and airborne flags at 11 km while parked, give one departure whose interval
    holds every flicker."""
    report = read_opensky(REAL / "noisy-takeoff-opensky.csv", case, movement="afr181l",
                          progress=False)
    (departed,) = events(report, "departed")
    assert not events(report, "landed")
    assert departed.place == "lszh"
    assert departed.at.earliest <= datetime(2019, 11, 11, 17, 39, 47, tzinfo=UTC)
    assert departed.at.latest >= datetime(2019, 11, 11, 17, 39, 49, tzinfo=UTC)
    assert report.ignored["change of state too fast for the altitude"] == 2


def test_impossible_altitudes_are_ignored_and_the_row_used(case: Case) -> None:
    """savan: barometric and geometric altitudes of 28-32 km in a 6,700 m cruise."""
    report = read_opensky(SAVAN, case, movement="savan-0321", progress=False, **WIDE)
    assert report.ok
    assert report.ignored["impossible baroaltitude (value ignored, row used)"] == 4
    assert report.ignored["impossible geoaltitude (value ignored, row used)"] == 4
    with SAVAN.open() as file:
        rows = list(csv.DictReader(file))
    outlier = next(r for r in rows if r["baroaltitude"] and float(r["baroaltitude"]) > 30_000
                   and r["onground"] == "False")
    dense = read_opensky(SAVAN, case, movement="savan-0321", progress=False,
                         every=timedelta(seconds=1), **WIDE)
    at = datetime.fromtimestamp(float(outlier["lastposupdate"]), UTC)
    (used,) = [e for e in events(dense, "position") if e.at.earliest == at]
    assert (used.lat, used.lon) == (float(outlier["lat"]), float(outlier["lon"]))
    assert used.altitude_m is not None and used.altitude_m < 30_000   # the other altitude


def test_gap_near_a_stop_is_said_and_splits_the_flight(case: Case) -> None:
    """savan: coverage ends at 945 m near Vatry at 11:45 and resumes 2.8 h later climbing."""
    report = read_opensky(SAVAN, case, movement="savan-0321", progress=False)
    (note,) = [n for n in report.notes if "may have landed" in n]
    assert "lfok" in note and "2022-03-21T11:45:02Z" in note and "2022-03-21T14:33:53Z" in note
    positions = {e.at.earliest for e in events(report, "position")}
    assert datetime(2022, 3, 21, 11, 45, 2, tzinfo=UTC) in {p.replace(microsecond=0)
                                                          for p in positions}
    assert not any("landed" in e.id for e in events(report, "landed")
                   if e.place == "lfok")            # a possible landing is not a landing


def test_readsb_gap_near_spokane(case: Case) -> None:
    report = read_opensky(TRACE, case, movement="n899dn-msp-geg", progress=False)
    (note,) = [n for n in report.notes if "may have landed" in n]
    assert "37 km from geg" in note and "8.4 h later" in note


def test_multi_day_file_splits_into_flights(case: Case) -> None:
    report = read_opensky(SAVAN, case, movement="savan-0321", progress=False, **WIDE)
    assert [e.at.earliest.date().isoformat() for e in events(report, "departed")] == \
        ["2022-03-21", "2022-03-24"]
    assert len(events(report, "landed")) == 2
    narrow = read_opensky(SAVAN, case, movement="savan-0321", progress=False)
    assert narrow.ignored["flights outside the time window"] == 2


def test_narrower_window_appends_nothing_new(case: Case, case_ledger: Ledger) -> None:
    wide = read_opensky(TRACE, case, movement="n899dn-msp-geg", progress=False, **WIDE)
    assert append_report(wide, case_ledger).added == len(wide.taken)
    narrow = read_opensky(TRACE, case, movement="n899dn-msp-geg", progress=False,
                          since=datetime(2025, 2, 5, 4, tzinfo=UTC),
                          until=datetime(2025, 2, 5, 5, tzinfo=UTC))
    assert events(narrow, "departed") and len(narrow.taken) < len(wide.taken)
    assert append_report(narrow, case_ledger) == Appended(0, 0, len(narrow.taken))


def test_tail_and_callsign_movements_both_get_their_rows(case: Case) -> None:
    """The trace's aircraft is N899DN (one movement, by tail); its last leg, DAL2927, is
    another movement known only by callsign."""
    report = read_opensky(TRACE, case, progress=False)
    (departed,) = events(report, "departed", "dal2927")
    (landed,) = events(report, "landed", "dal2927")
    assert (departed.place, landed.place) == ("msp", "den")
    assert events(report, "departed", "n899dn-msp-geg")
    assert not any("dal2927" in note for note in report.notes)


# -- files as shipped -------------------------------------------------------------------


def same_events(a: Report, b: Report) -> None:
    assert a.ok and b.ok and moments(a) == moments(b) and moments(a)


def test_gzip_tar_and_byte_order_mark(case: Case, tmp_path: Path) -> None:
    plain = read_opensky(SAVAN, case, movement="savan-0321", progress=False)
    data = SAVAN.read_bytes()
    gz = tmp_path / "states_2022-03-21-08.csv.gz"
    gz.write_bytes(gzip.compress(data))
    same_events(plain, read_opensky(gz, case, movement="savan-0321", progress=False))
    # OpenSky's layout: a .csv.tar holding the .csv.gz beside a licence and a readme.
    tar = tmp_path / "states_2022-03-21-08.csv.tar"
    with tarfile.open(tar, "w") as archive:
        for name, content in (("LICENSE.txt", b"licence"), (gz.name, gz.read_bytes()),
                              ("README.txt", b"readme")):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    same_events(plain, read_opensky(tar, case, movement="savan-0321", progress=False))
    bom = tmp_path / "excel.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + data)
    same_events(plain, read_opensky(bom, case, movement="savan-0321", progress=False))


def savan_rows() -> list[dict[str, str]]:
    with SAVAN.open() as file:
        return list(csv.DictReader(file))


def number(text: str) -> float | None:
    return float(text) if text else None


def test_opensky_rest_tracks_json(case: Case, tmp_path: Path) -> None:
    """The savan rows in the shape of GET /api/tracks/all: [time, lat, lon, baro_altitude,
    true_track, on_ground] waypoints."""
    rows = savan_rows()
    path = [[int(r["time"]), number(r["lat"]), number(r["lon"]), number(r["baroaltitude"]),
             number(r["heading"]), r["onground"] == "True"] for r in rows if r["lat"]]
    file = tmp_path / "tracks.json"
    file.write_text(json.dumps({"icao24": "39b415", "callsign": "SAVAN01 ",
                                "startTime": path[0][0], "endTime": path[-1][0],
                                "path": path}))
    report = read_opensky(file, case, movement="savan-0321", progress=False)
    assert report.ok and report.rows == len(path)
    assert [e.place for e in events(report, "departed")] == ["lfbo"]
    assert [e.place for e in events(report, "landed")] == ["lfbo"]


def test_opensky_rest_states_json(case: Case, tmp_path: Path) -> None:
    """The savan rows as a collector's log of GET /api/states/all answers, one per line."""
    lines = []
    for r in savan_rows():
        state = ["39b415", r["callsign"], "France", number(r["lastposupdate"]),
                 int(r["lastcontact"]), number(r["lon"]), number(r["lat"]),
                 number(r["baroaltitude"]), r["onground"] == "True", number(r["velocity"]),
                 number(r["heading"]), number(r["vertrate"]), None,
                 number(r["geoaltitude"]), r["squawk"] or None, False, 0]
        lines.append(json.dumps({"time": int(r["time"]), "states": [state]}))
    file = tmp_path / "states.jsonl"
    file.write_text("\n".join(lines))
    plain = read_opensky(SAVAN, case, movement="savan-0321", progress=False)
    from_json = read_opensky(file, case, movement="savan-0321", progress=False)
    same_events(plain, from_json)


def test_readsb_trace_is_read_directly(case: Case) -> None:
    report = read_opensky(TRACE, case, movement="n899dn-msp-geg", progress=False)
    assert report.ok and report.rows == len(json.loads(TRACE.read_text())["trace"])
    assert report.format == "readsb"
    (source,) = [t.obj for t in report.taken if t.section == "sources"]
    assert source.id.startswith("readsb-")
    assert [e.place for e in events(report, "landed")] == ["msp", "msp"]
