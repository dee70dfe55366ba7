"""Country outlines shipped with the package (Natural Earth 1:110m, public domain)."""

from habeas.geo.outlines import Country, countries
from habeas.geo.territory import (
    COASTLINE_TOLERANCE_KM,
    TERRITORIAL_SEA_KM,
    Side,
    Territory,
    us_territory,
)

__all__ = ["COASTLINE_TOLERANCE_KM", "TERRITORIAL_SEA_KM", "Country", "Side", "Territory",
           "countries", "us_territory"]
