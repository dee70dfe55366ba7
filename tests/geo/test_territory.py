from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from habeas.geo import COASTLINE_TOLERANCE_KM, TERRITORIAL_SEA_KM, Side, us_territory


@pytest.mark.parametrize(("lon", "lat", "side"), [
    (-97.6544, 26.2285, Side.INSIDE),      # Harlingen airport
    (-98.0, 38.0, Side.INSIDE),            # Kansas
    (-66.1, 18.45, Side.INSIDE),           # San Juan, Puerto Rico
    (-96.2, 26.0, Side.OUTSIDE),           # the Gulf, ~100 km off Texas
    (-90.0, 25.0, Side.OUTSIDE),           # the middle of the Gulf
    (-99.0, 24.0, Side.OUTSIDE),           # inland Mexico
    (-87.62, 14.38, Side.OUTSIDE),         # Palmerola, Honduras
])
def test_known_places(lon: float, lat: float, side: Side) -> None:
    assert us_territory().side(lon, lat) is side


def test_the_territorial_sea_counts_as_territory() -> None:
    """A point a few km off a straight stretch of the Texas coast is inside on the best
    estimate, and uncertain once the coastline's generalisation is allowed for."""
    territory = us_territory()
    assert pytest.approx(22.224) == TERRITORIAL_SEA_KM
    # Walk east from the Texas coast at 28.5 N until the best estimate says outside.
    lon = -96.5
    while territory.contains(lon, 28.5):
        lon += 0.01
    assert territory.side(lon, 28.5) is Side.UNCERTAIN
    assert territory.side(lon + 0.5, 28.5) is Side.OUTSIDE


def test_a_neighbours_land_is_not_territorial_sea() -> None:
    # Inland Mexico, 30-40 km south of the Rio Grande: within 12 nm of nothing American.
    assert not us_territory().contains(-99.5, 27.2)


@given(st.floats(-125, -60), st.floats(10, 50))
def test_certain_answers_agree_with_the_best_estimate(lon: float, lat: float) -> None:
    territory = us_territory()
    side = territory.side(lon, lat)
    if side is Side.INSIDE:
        assert territory.contains(lon, lat)
    elif side is Side.OUTSIDE:
        assert not territory.contains(lon, lat)


def test_tolerance_is_documented_in_kilometres() -> None:
    assert 5 <= COASTLINE_TOLERANCE_KM <= 50


@given(st.floats(-125, -65), st.floats(15, 50))
def test_fast_land_test_agrees_with_the_full_outlines(lon: float, lat: float) -> None:
    """Near coasts, land is decided by crossings from the cell's centre; it must give the
    even-odd answer of the full outlines (points exactly on an outline, such as the 49th
    parallel, are on the boundary, where either answer is right)."""
    from habeas.geo.territory import _cell_of, _nearest_km

    territory = us_territory()
    key = _cell_of(lon, lat)
    cell = territory._cells.get(key)
    if cell is None:
        return
    segments = [*cell.ours, *(s for s, _ in cell.theirs)]
    assume(_nearest_km(lon, lat, segments) > 1e-6)
    codes = {code for _, code in cell.theirs}
    full = (any(land.contains(lon, lat) for land in territory._ours),
            sum(territory._theirs[c].contains(lon, lat) for c in codes) % 2 == 1)
    assert territory._land(lon, lat, key, cell) == full
