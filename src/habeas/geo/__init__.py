"""Country outlines shipped with the package (Natural Earth 1:110m, public domain)."""

from habeas.geo.outlines import Country, countries

__all__ = ["Country", "countries"]
