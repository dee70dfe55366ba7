"""The six readings of the law a report sets side by side.

Where the parties disagree (does the oral order bind? is a removal complete at take-off, at
the border, or at the hand-over?) the report never picks one silently: it runs the audit
under every combination and shows each finding's certainty under each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Effect = Literal["oral", "written"]
Completion = Literal["departure", "exit_territory", "custody_transfer"]

EFFECTS: tuple[Effect, ...] = ("oral", "written")
COMPLETIONS: tuple[Completion, ...] = ("departure", "exit_territory", "custody_transfer")

_COMPLETION_WORDS = {"departure": "departure", "exit_territory": "leaving US territory",
                     "custody_transfer": "custody transfer"}


@dataclass(frozen=True, order=True)
class Reading:
    """One interpretation: when an order binds, and when a removal is complete."""

    effect: Effect
    removal_complete_at: Completion

    @property
    def label(self) -> str:
        """``oral order binds; removal complete at custody transfer``."""
        return (f"{self.effect} order binds; removal complete at "
                f"{_COMPLETION_WORDS[self.removal_complete_at]}")

    @property
    def completion_label(self) -> str:
        return _COMPLETION_WORDS[self.removal_complete_at]

    def to_json(self) -> dict[str, str]:
        return {"effect": self.effect, "removal_complete_at": self.removal_complete_at}


MATRIX: tuple[Reading, ...] = tuple(Reading(e, c) for e in EFFECTS for c in COMPLETIONS)
DEFAULT = Reading("oral", "custody_transfer")
