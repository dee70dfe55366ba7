"""JSON as the RFC means it: what Python's parser lets through but nothing downstream can
hold is refused at the door, with the path of each offending value.

Python reads ``NaN``, ``Infinity`` and ``1e999`` (as infinity), integers of any length
(until it raises past 4,300 digits) and ``"\\ud800"`` (a lone surrogate, not text in UTF-8);
each one later broke a canonical encoding, a response or a database write with a 500.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from habeas.errors import Problem

#: Longer integers are not amounts anyone records; the ledger allows at most 2**53 - 1.
MAX_INTEGER_DIGITS = 20
NOT_FINITE = "a finite number (NaN, Infinity and numbers past 1.8e308 are not JSON numbers)"
TOO_LONG = f"an integer of at most {MAX_INTEGER_DIGITS} digits"
SURROGATE = "text in UTF-8 (a lone surrogate such as \\ud800 is not a character)"


@dataclass(frozen=True)
class _Refused:
    """Stands where the parser met a value it must not pass on."""

    text: str
    rule: str


def _float(text: str) -> float | _Refused:
    value = float(text)
    return value if math.isfinite(value) else _Refused(text[:40], NOT_FINITE)


def _int(text: str) -> int | _Refused:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        return _Refused(text[:40] + "...", TOO_LONG)
    return int(text)


def _constant(name: str) -> _Refused:
    return _Refused(name, NOT_FINITE)


def _printable(text: str) -> str:
    """``text`` with lone surrogates written as escapes, so that an error can show it."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def problems(body: bytes) -> list[Problem]:
    """What in ``body`` is not plain JSON data; empty when it is, or when it is not JSON at
    all (the framework's own parser names that)."""
    try:
        data = json.loads(body, parse_float=_float, parse_int=_int, parse_constant=_constant)
    except RecursionError:
        return [Problem("body", None, "JSON nested less deeply")]
    except ValueError:  # not JSON, or not UTF-8: left to the framework's parser
        return []
    found: list[Problem] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Refused):
            found.append(Problem(path or "body", value.text, value.rule))
        elif isinstance(value, str) and _has_surrogate(value):
            found.append(Problem(path or "body", _printable(value)[:200], SURROGATE))
        elif isinstance(value, list):
            stack += [(f"{path}[{i}]", item) for i, item in enumerate(value)]
        elif isinstance(value, dict):
            for key, item in value.items():
                where = f"{path}.{_printable(key)}" if path else _printable(key)
                if _has_surrogate(key):
                    found.append(Problem(where, _printable(key)[:200], SURROGATE))
                stack.append((where, item))
    return sorted(found, key=lambda p: p.path)
