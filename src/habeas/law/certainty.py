"""Three-valued answers: a fact about intervals holds certainly, possibly, or not at all.

The record rarely knows a time to the minute: the oral order of 15 March 2025 took effect
between 18:45 and 18:48 EDT, and the Government says flight GXA6143 left US territory some
time between 17:25 and 19:25. "Had it left when the order took effect?" is then *possibly*,
and every conclusion built on it can be no stronger. ``Tri`` carries that through: a
conjunction is as strong as its weakest part (``min``), a choice as its strongest (``max``).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Literal

from habeas.domain.time import When

Certainty = Literal["certain", "possible"]


class Tri(IntEnum):
    """How strongly the record supports a proposition."""

    NO = 0
    POSSIBLE = 1
    CERTAIN = 2

    def negate(self) -> Tri:
        """``not p``: certain becomes no, no becomes certain, possible stays possible."""
        return Tri(2 - self)

    @property
    def word(self) -> Certainty:
        """``certain`` or ``possible``: the words of a finding (never called on ``NO``)."""
        return "certain" if self is Tri.CERTAIN else "possible"


def at_or_before(a: When, b: When) -> Tri:
    """``a <= b``: certain when all of ``a`` is at or before all of ``b``."""
    if a.latest <= b.earliest:
        return Tri.CERTAIN
    if a.earliest <= b.latest:
        return Tri.POSSIBLE
    return Tri.NO


def before(a: When, b: When) -> Tri:
    """``a < b``, strictly."""
    if a.latest < b.earliest:
        return Tri.CERTAIN
    if a.earliest < b.latest:
        return Tri.POSSIBLE
    return Tri.NO


def weakest(*values: Tri) -> Tri:
    """The conjunction: as strong as its weakest part (``Tri.CERTAIN`` for none)."""
    return min(values, default=Tri.CERTAIN)
