"""US registrations (N-numbers) to ICAO 24-bit addresses, so a tail finds its track.

A movement is usually known by its tail ("N278GX"), but ADS-B data is keyed by the
transponder's ICAO address. For US aircraft the FAA assigns addresses A00001-ADF7C7 to
N-numbers in a fixed order, so the address follows from the registration with no lookup
table: N1 is A00001, N1A A00002, ... N99999 ADF7C7. Each position of the N-number opens a
block: either a suffix of one or two letters (no I or O) ends it, or a digit descends.
"""

from __future__ import annotations

import re

_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_SUFFIXES = 1 + len(_LETTERS) * (1 + len(_LETTERS))     # "", A, AA..AZ, B, BA.. = 601
_BLOCK4 = 1 + len(_LETTERS) + 10                        # after four digits: "", a letter, a digit
_BLOCK3 = 10 * _BLOCK4 + _SUFFIXES
_BLOCK2 = 10 * _BLOCK3 + _SUFFIXES
_BLOCK1 = 10 * _BLOCK2 + _SUFFIXES
_FIRST = 0xA00001
_SHAPE = re.compile(r"^N[1-9](?:[0-9]{0,4}|[0-9]{0,3}[A-HJ-NP-Z]{1,2})$")


def icao24_of_n_number(tail: str) -> str | None:
    """The ICAO address (lower-case hex) of a US registration, or ``None`` if ``tail`` is not
    a well-formed N-number (a foreign tail, or letters where the FAA allows none)."""
    text = tail.strip().upper().replace("-", "")
    if len(text) > 6 or not _SHAPE.fullmatch(text):
        return None
    rest = text[1:]
    address = _FIRST + (int(rest[0]) - 1) * _BLOCK1
    for position, block in ((1, _BLOCK2), (2, _BLOCK3), (3, _BLOCK4)):
        if len(rest) == position:
            return f"{address:06x}"
        if rest[position].isalpha():
            return f"{address + _suffix_offset(rest[position:]):06x}"
        address += _SUFFIXES + int(rest[position]) * block
    if len(rest) == 4:
        return f"{address:06x}"
    last = rest[4]
    step = 1 + _LETTERS.index(last) if last.isalpha() else 1 + len(_LETTERS) + int(last)
    return f"{address + step:06x}"


def _suffix_offset(suffix: str) -> int:
    offset = _LETTERS.index(suffix[0]) * (len(_LETTERS) + 1) + 1
    if len(suffix) == 2:
        offset += _LETTERS.index(suffix[1]) + 1
    return offset
