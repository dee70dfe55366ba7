from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, FLAGSHIP
from habeas.bundle import load_bundle
from habeas.bundle.records import case_from_records
from habeas.domain import Case, Event
from habeas.errors import ValidationError
from habeas.geo import Side, us_territory
from habeas.importers import Appended, Sample, append_report, normalise_callsign, read_opensky, thin
from habeas.importers.nnumber import icao24_of_n_number
from habeas.importers.synthetic import GXA6143_ICAO24, gxa6143, write_track_file
from habeas.importers.tracks import TrackDeriver
from habeas.ledger import Ledger


@pytest.fixture(scope="module")
def case() -> Case:
    return load_bundle(FLAGSHIP)


def events(report, kind: str) -> list[Event]:
    return [t.obj for t in report.taken if t.section == "events" and t.obj.kind == kind]


def true_crossing(step: timedelta = timedelta(seconds=1)) -> datetime:
    """The first instant, at one-second resolution, at which the flagship's path is outside
    US territory on the best estimate."""
    flight, territory = gxa6143(), us_territory()
    moment = flight.takeoff
    while True:
        lat, lon, _ = flight.position(moment)
        if not territory.contains(lon, lat):
            return moment
        moment += step


def test_tail_number_gives_the_flagships_address() -> None:
    assert icao24_of_n_number("N278GX") == GXA6143_ICAO24
    assert icao24_of_n_number("N1") == "a00001"
    assert icao24_of_n_number("N99999") == "adf7c7"
    assert icao24_of_n_number("n12345") == "a061d9"
    assert icao24_of_n_number("EI-ABC") is None
    assert icao24_of_n_number("N1234AB") is None       # six characters after the N


def test_callsigns_compared_bare() -> None:
    assert normalise_callsign(" gxa 6143  ") == "GXA6143"


def test_flagship_track_brackets_the_truth(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "gxa6143.csv"
    write_track_file(path, gxa6143(), timedelta(seconds=47), others=3)
    report = read_opensky(path, case, movement="gxa6143", progress=False)
    assert report.ok, report.refused
    flight = gxa6143()
    (departed,) = events(report, "departed")
    assert departed.place == "hrl"
    assert departed.at.earliest < flight.takeoff <= departed.at.latest
    assert departed.at.latest - departed.at.earliest == timedelta(seconds=47)
    (exited,) = events(report, "exited_us")
    assert exited.at.earliest <= true_crossing() <= exited.at.latest
    assert exited.at.latest - exited.at.earliest < timedelta(minutes=10)
    (landed,) = events(report, "landed")
    assert landed.place == "xpl"
    assert landed.at.earliest < flight.landing <= landed.at.latest
    positions = events(report, "position")
    assert positions[0].at.earliest == departed.at.latest        # the first airborne sample
    assert positions[-1].at.earliest == landed.at.earliest       # the last airborne sample
    gaps = [b.at.earliest - a.at.earliest for a, b in itertools.pairwise(positions)]
    assert all(gap >= timedelta(minutes=5) for gap in gaps[:-1])
    assert report.ignored["another aircraft"] > 0
    assert {t.obj.id for t in report.taken if t.section == "sources"} == \
        {positions[0].source[0]}


def test_matching_by_callsign_alone(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    flight = gxa6143()
    write_track_file(path, type(flight)("0abcde", "GXA6143", flight.origin, flight.destination,
                                        flight.takeoff), timedelta(seconds=60))
    report = read_opensky(path, case, movement="gxa6143", progress=False)
    assert len(events(report, "departed")) == 1


def test_shipped_small_file(case: Case) -> None:
    report = read_opensky(DATA / "opensky-gxa6143.csv", case, movement="gxa6143",
                          progress=False)
    assert report.ok and report.rows == 336
    assert [len(events(report, k)) for k in ("departed", "exited_us", "landed")] == [1, 1, 1]


def test_malformed_rows_refused_by_line_field_rule(case: Case) -> None:
    report = read_opensky(DATA / "opensky-bad.csv", case, movement="gxa6143", progress=False)
    got = [(r.line, r.field) for r in report.refused]
    assert got == [(4, "time"), (6, "onground"), (7, ""), (8, "baroaltitude"), (12, "time")]
    assert report.refused[-1].rule.startswith("earlier than the previous row")
    assert report.ignored["no position"] == 1 and report.ignored["another aircraft"] == 1
    # Impossible coordinates (lines 3 and 5) are outliers, passed over and counted.
    assert report.ignored["impossible lat (row passed over)"] == 1
    assert report.ignored["impossible lon (row passed over)"] == 1


def test_nothing_appended_unless_skip_bad(case: Case, ledger: Ledger) -> None:
    report = read_opensky(DATA / "opensky-bad.csv", case, movement="gxa6143", progress=False)
    with pytest.raises(ValidationError):
        append_report(report, ledger)
    assert ledger.size() == 0
    assert append_report(report, ledger, skip_bad=True).added == len(report.taken)


def test_reimport_adds_nothing_even_after_a_crash_between_chunks(
        flagship_ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    case = case_from_records(flagship_ledger.scan())
    path = DATA / "opensky-gxa6143.csv"
    report = read_opensky(path, case, movement="gxa6143", progress=False)
    total, before = len(report.taken), flagship_ledger.size()
    real_append, calls = flagship_ledger.append, []

    def crash_on_third(drafts, expected_size=None):  # type: ignore[no-untyped-def]
        calls.append(len(drafts))
        if len(calls) == 3:
            raise OSError("simulated crash")
        return real_append(drafts, expected_size=expected_size)

    monkeypatch.setattr(flagship_ledger, "append", crash_on_third)
    with pytest.raises(OSError):
        append_report(report, flagship_ledger, chunk=5)
    assert flagship_ledger.size() == before + 10      # two chunks made it before the crash
    monkeypatch.undo()
    again = read_opensky(path, case, movement="gxa6143", progress=False)
    assert append_report(again, flagship_ledger, chunk=5) == Appended(total - 10, 0, 10)
    assert append_report(again, flagship_ledger, chunk=5) == Appended(0, 0, total)
    read_back = case_from_records(flagship_ledger.scan())
    derived = [e for e in read_back.events.values() if ".adsb." in e.id]
    assert len(derived) == total - 1                   # all but the source record
    assert read_back.ref("events", derived[0].id) is not None


def test_unknown_movement_refused(case: Case) -> None:
    report = read_opensky(DATA / "opensky-gxa6143.csv", case, movement="nope",
                          progress=False)
    assert report.refused[0].field == "movement" and not report.taken


def test_outside_the_window_is_passed_over(case: Case) -> None:
    report = read_opensky(DATA / "opensky-gxa6143.csv", case, movement="gxa6143",
                          since=datetime(2025, 3, 16, tzinfo=UTC), until=None,
                          progress=False)
    assert not report.taken and report.ignored["flights outside the time window"] == 1
    assert any("no usable rows" in note for note in report.notes)


START = datetime(2025, 3, 15, 20, tzinfo=UTC)
sample_times = st.lists(st.integers(1, 900), min_size=1, max_size=60).map(
    lambda steps: [START + timedelta(seconds=sum(steps[:i + 1])) for i in range(len(steps))])


@given(sample_times, st.integers(1, 30))
def test_thinning_keeps_first_and_last(times: list[datetime], minutes: int) -> None:
    samples = [Sample(t, 0.0, 0.0, None, False) for t in times]
    kept = list(thin(samples, timedelta(minutes=minutes)))
    assert kept[0] == samples[0] and kept[-1] == samples[-1]
    inner = kept[:-1]
    assert all(b.time - a.time >= timedelta(minutes=minutes)
               for a, b in itertools.pairwise(inner))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-99.0, -93.0), st.floats(24.0, 30.0)), min_size=2,
                max_size=40))
def test_exit_interval_brackets_the_first_point_outside(points: list[tuple[float, float]]) -> None:
    territory = us_territory()
    deriver = TrackDeriver("m", {}, territory, timedelta(minutes=5), ())
    samples = [Sample(START + timedelta(minutes=i), lat, lon, None, False, i)
               for i, (lon, lat) in enumerate(points)]
    for sample in samples:
        deriver.feed(sample)
    exits = [d.event for d in deriver.finish() if d.event.kind == "exited_us"]
    sides = [territory.side(s.lon, s.lat) for s in samples]
    first_inside = next((i for i, side in enumerate(sides) if side is Side.INSIDE), None)
    first_out = None if first_inside is None else next(
        (i for i in range(first_inside, len(sides)) if sides[i] is Side.OUTSIDE), None)
    if first_out is None:
        assert not exits
        return
    exit_ = exits[0]
    assert exit_.at.latest == samples[first_out].time
    assert exit_.at.earliest < samples[first_out].time
    earliest = samples.index(next(s for s in samples if s.time == exit_.at.earliest))
    assert sides[earliest] is Side.INSIDE
    assert all(side is not Side.INSIDE for side in sides[earliest + 1:first_out])


def test_ids_stay_unique_for_samples_within_a_second() -> None:
    deriver = TrackDeriver("m", {}, us_territory(), timedelta(seconds=1), ())
    for i in range(40):
        deriver.feed(Sample(START + timedelta(seconds=i * 0.3), 30.0, -60.0,
                            None if i == 39 else 9_000.0, i == 39, i))
    ids = [d.event.id for d in deriver.finish()]
    assert len(ids) == len(set(ids))
    assert "m.adsb.position.20250315T200000Z" in ids
    assert "m.adsb.position.20250315T200001.200000Z" in ids
