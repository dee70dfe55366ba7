"""Valid time: parsing with zones, intervals, and the certainly/possibly comparisons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habeas.domain.time import Period, When

NY = ZoneInfo("America/New_York")


def test_time_without_offset_takes_the_bundle_zone() -> None:
    when = When.parse("2025-03-15T18:48", NY)
    assert when.earliest == datetime(2025, 3, 15, 22, 48, tzinfo=UTC)
    assert when.offset == -240
    assert when.to_json() == "2025-03-15T18:48:00-04:00"


def test_explicit_offset_wins_over_the_zone() -> None:
    when = When.parse("2025-03-15T17:26-05:00", NY)
    assert when.earliest == datetime(2025, 3, 15, 22, 26, tzinfo=UTC)
    assert when.offset == -300


def test_a_date_is_the_whole_day_in_the_zone() -> None:
    when = When.parse("2025-04-07", NY)
    assert when.earliest == datetime(2025, 4, 7, 4, 0, tzinfo=UTC)
    assert when.latest == datetime(2025, 4, 8, 3, 59, 59, 999999, tzinfo=UTC)


def test_interval_keeps_both_ends() -> None:
    when = When.parse(["2025-03-15T18:45", "2025-03-15T18:48"], NY)
    assert (when.latest - when.earliest) == timedelta(minutes=3)
    assert when.format(NY) == "2025-03-15 18:45–18:48 EDT"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["2025-03-15T18:48", "2025-03-15T18:45"], "interval start is after its end"),
        ("2025-03-15T18:48", "no UTC offset"),
        ("2025-03-15", "needs a timezone"),
        ("15 March", "not an ISO 8601"),
        (["2025-03-15T18:48"], "list of two"),
        (42, "ISO 8601 string"),
    ],
)
def test_bad_times_are_refused_with_the_rule(value: object, message: str) -> None:
    tz = NY if value != "2025-03-15T18:48" and value != "2025-03-15" else None
    with pytest.raises(ValueError, match=message):
        When.parse(value, tz)


def test_comparisons_respect_uncertainty() -> None:
    exited = When.parse(["2025-03-15T17:25", "2025-03-15T19:25"], NY)
    oral = When.parse(["2025-03-15T18:45", "2025-03-15T18:48"], NY)
    departed = When.parse(["2025-03-15T17:25", "2025-03-15T17:26"], NY)
    assert departed.certainly_before(oral)
    assert not exited.certainly_before(oral)
    assert exited.possibly_before(oral)
    assert not oral.possibly_before(departed)


instants = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-4)), NY]),
)


@given(instants, instants)
def test_certainly_implies_possibly(a: datetime, b: datetime) -> None:
    x, y = When.at(a), When.at(b).hull(When.at(a + timedelta(hours=1)))
    if x.certainly_before(y):
        assert x.possibly_before(y)
    assert x.certainly_before(y) == (not y.possibly_at_or_before(x))


@given(instants)
def test_json_round_trip(moment: datetime) -> None:
    when = When.at(moment)
    assert When.parse(when.to_json(), None) == when


def test_period_calendar_arithmetic() -> None:
    start = datetime(2025, 3, 16, 6, 0, tzinfo=UTC)
    assert Period.parse("P1Y").add_to(start) == datetime(2026, 3, 16, 6, 0, tzinfo=UTC)
    assert Period.parse("P14D").add_to(start) == datetime(2025, 3, 30, 6, 0, tzinfo=UTC)
    assert Period.parse("P1M").add_to(datetime(2025, 1, 31, tzinfo=UTC)).day == 28
    assert Period.parse("PT6H").to_json() == "PT6H"
    for bad in ("P", "14D", "PT", "P1X"):
        with pytest.raises(ValueError, match="ISO 8601 duration"):
            Period.parse(bad)
