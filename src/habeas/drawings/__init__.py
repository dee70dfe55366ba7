"""SVG drawings of a case, shared by the web pages and the reports: pure functions of a
``Case`` that return SVG text, with no network, no script and byte-identical output."""

from habeas.drawings.map import route_map
from habeas.drawings.timeline import case_timeline

__all__ = ["case_timeline", "route_map"]
