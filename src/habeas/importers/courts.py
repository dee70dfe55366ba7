"""CourtListener court ids as the names and time zones the rest of Habeas uses.

An order's ``court`` is written as lawyers cite it ("S.D. Tex.", "D.D.C."), because that is
what a place's ``district`` holds and how a clerk will search; the zone is the court's seat,
needed to say which day "filed 2025-03-15" means. CourtListener district ids are a state
code, an optional n/e/s/w/m/c for the district, and "d" (``txsd``, ``dcd``); circuits are
``ca1``..``ca11``, ``cadc``, ``cafc``; the Supreme Court is ``scotus``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: State code -> (Bluebook abbreviation, IANA zone of most of the state's courts).
_STATES: dict[str, tuple[str, str]] = {
    "al": ("Ala.", "America/Chicago"), "ak": ("Alaska", "America/Anchorage"),
    "az": ("Ariz.", "America/Phoenix"), "ar": ("Ark.", "America/Chicago"),
    "ca": ("Cal.", "America/Los_Angeles"), "co": ("Colo.", "America/Denver"),
    "ct": ("Conn.", "America/New_York"), "de": ("Del.", "America/New_York"),
    "dc": ("D.C.", "America/New_York"), "fl": ("Fla.", "America/New_York"),
    "ga": ("Ga.", "America/New_York"), "gu": ("Guam", "Pacific/Guam"),
    "hi": ("Haw.", "Pacific/Honolulu"), "id": ("Idaho", "America/Boise"),
    "il": ("Ill.", "America/Chicago"), "in": ("Ind.", "America/Indiana/Indianapolis"),
    "ia": ("Iowa", "America/Chicago"), "ks": ("Kan.", "America/Chicago"),
    "ky": ("Ky.", "America/New_York"), "la": ("La.", "America/Chicago"),
    "me": ("Me.", "America/New_York"), "md": ("Md.", "America/New_York"),
    "ma": ("Mass.", "America/New_York"), "mi": ("Mich.", "America/Detroit"),
    "mn": ("Minn.", "America/Chicago"), "ms": ("Miss.", "America/Chicago"),
    "mo": ("Mo.", "America/Chicago"), "mt": ("Mont.", "America/Denver"),
    "ne": ("Neb.", "America/Chicago"), "nv": ("Nev.", "America/Los_Angeles"),
    "nh": ("N.H.", "America/New_York"), "nj": ("N.J.", "America/New_York"),
    "nm": ("N.M.", "America/Denver"), "ny": ("N.Y.", "America/New_York"),
    "nc": ("N.C.", "America/New_York"), "nd": ("N.D.", "America/Chicago"),
    "nmi": ("N. Mar. I.", "Pacific/Saipan"), "oh": ("Ohio", "America/New_York"),
    "ok": ("Okla.", "America/Chicago"), "or": ("Or.", "America/Los_Angeles"),
    "pa": ("Pa.", "America/New_York"), "pr": ("P.R.", "America/Puerto_Rico"),
    "ri": ("R.I.", "America/New_York"), "sc": ("S.C.", "America/New_York"),
    "sd": ("S.D.", "America/Chicago"), "tn": ("Tenn.", "America/Chicago"),
    "tx": ("Tex.", "America/Chicago"), "ut": ("Utah", "America/Denver"),
    "vt": ("Vt.", "America/New_York"), "vi": ("V.I.", "America/St_Thomas"),
    "va": ("Va.", "America/New_York"), "wa": ("Wash.", "America/Los_Angeles"),
    "wv": ("W. Va.", "America/New_York"), "wi": ("Wis.", "America/Chicago"),
    "wy": ("Wyo.", "America/Denver"),
}
#: Districts whose seat is in another zone than most of their state.
_ZONE_EXCEPTIONS = {"tned": "America/New_York", "tnmd": "America/Chicago",
                    "flnd": "America/New_York", "kyed": "America/New_York"}
_DISTRICT_LETTER = {"n": "N.D.", "s": "S.D.", "e": "E.D.", "w": "W.D.", "m": "M.D.", "c": "C.D."}
_CIRCUITS = {
    "ca1": ("1st Cir.", "America/New_York"), "ca2": ("2d Cir.", "America/New_York"),
    "ca3": ("3d Cir.", "America/New_York"), "ca4": ("4th Cir.", "America/New_York"),
    "ca5": ("5th Cir.", "America/Chicago"), "ca6": ("6th Cir.", "America/New_York"),
    "ca7": ("7th Cir.", "America/Chicago"), "ca8": ("8th Cir.", "America/Chicago"),
    "ca9": ("9th Cir.", "America/Los_Angeles"), "ca10": ("10th Cir.", "America/Denver"),
    "ca11": ("11th Cir.", "America/New_York"), "cadc": ("D.C. Cir.", "America/New_York"),
    "cafc": ("Fed. Cir.", "America/New_York"),
    "scotus": ("Supreme Court of the United States", "America/New_York"),
}
_INITIALS = re.compile(r"(?:[A-Z]\.)+")
_DISTRICT = re.compile(r"^(?P<state>[a-z]{2,3}?)(?P<letter>[nsewmc]?)d$")


@dataclass(frozen=True, slots=True)
class Court:
    """A court as cited, with the zone its docket times are kept in."""

    id: str
    name: str
    zone: str


def court(court_id: str) -> Court | None:
    """The court behind a CourtListener id, or ``None`` if it is not a federal court we know
    (state courts and bankruptcy courts need the name and zone given explicitly)."""
    key = court_id.strip().lower()
    if key in _CIRCUITS:
        name, zone = _CIRCUITS[key]
        return Court(key, name, zone)
    match = _DISTRICT.fullmatch(key)
    if not match or match["state"] not in _STATES:
        return None
    state, zone = _STATES[match["state"]]
    prefix = _DISTRICT_LETTER.get(match["letter"], "D.")
    # Bluebook closes up adjacent single capitals: S.D.N.Y., D.D.C.; else a space: S.D. Tex.
    name = prefix + ("" if _INITIALS.fullmatch(state) else " ") + state
    return Court(key, name, _ZONE_EXCEPTIONS.get(key, zone))
