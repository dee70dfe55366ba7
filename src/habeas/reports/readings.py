"""The six readings of the law a report sets side by side, in words for a reader.

The engine takes the reading as a parameter (``habeas.law.Interpretation``); the report runs
the audit under every one of ``MATRIX`` and never picks one silently: the primary reading
only orders the summary.
"""

from __future__ import annotations

from habeas.law.interpretation import ALL, Interpretation

MATRIX: tuple[Interpretation, ...] = ALL
DEFAULT = Interpretation()

_COMPLETION = {"departure": "departure", "exit_territory": "leaving US territory",
               "custody_transfer": "custody transfer"}


def completion(reading: Interpretation) -> str:
    """``custody transfer``: when a removal is complete under this reading."""
    return _COMPLETION[reading.removal_complete_at]


def label(reading: Interpretation) -> str:
    """``oral order binds; removal complete at custody transfer``."""
    return f"{reading.effect} order binds; removal complete at {completion(reading)}"
