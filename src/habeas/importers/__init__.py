"""Evidence importers: court orders from CourtListener, flight tracks from OpenSky, manifests.

Each reader turns one input into a :class:`Report` of domain objects taken and rows refused
(line, field, value, rule) and writes nothing; :func:`append_report` is the one step that
writes, all or nothing unless told to skip bad rows. See docs/importers.md.
"""

from habeas.importers.append import Appended, append_report, check
from habeas.importers.courtlistener import guess_kind, is_order, read_courtlistener
from habeas.importers.manifest import read_manifest
from habeas.importers.opensky import normalise_callsign, read_opensky, target_for
from habeas.importers.report import Refusal, Report, Taken
from habeas.importers.tracks import Sample, Thinner, thin

__all__ = [
    "Appended", "Refusal", "Report", "Sample", "Taken", "Thinner",
    "append_report", "check", "guess_kind", "is_order", "normalise_callsign",
    "read_courtlistener", "read_manifest", "read_opensky", "target_for", "thin",
]
