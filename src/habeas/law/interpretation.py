"""The contested points of law, as explicit parameters (DESIGN.md, principle 4).

After 15 March 2025 the parties disagreed on two questions, and every finding depends on
the answers: does the judge's oral order bind from the bench (the courts' rule) or only
once written? And when is a removal complete: when the plane leaves the runway, when it
leaves US airspace (the Government: "the order came too late, and illegals were already in
international airspace"), or when custody is handed over abroad (the court's theory, and
the D.C. Circuit's "transfer of physical custody ... accomplished at a Salvadoran
airport")? The engine never picks an answer silently: it takes one as a parameter, and
``ALL`` lists the six combinations the matrix shows side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any, Literal

Effect = Literal["oral", "written"]
RemovalComplete = Literal["departure", "exit_territory", "custody_transfer"]

EFFECTS: tuple[Effect, ...] = ("oral", "written")
REMOVAL_POINTS: tuple[RemovalComplete, ...] = ("departure", "exit_territory", "custody_transfer")


@dataclass(frozen=True, slots=True)
class Interpretation:
    """One reading of the law. The default is the court's: oral orders bind when
    pronounced, and a removal is complete at the hand-over to foreign custody.

    ``pending_motion_protects``: whether an action taken while a protective motion is
    pending is reported as ``at_risk`` (a policy, not a rule of law).
    """

    effect: Effect = "oral"
    removal_complete_at: RemovalComplete = "custody_transfer"
    pending_motion_protects: bool = True

    @property
    def label(self) -> str:
        """Short column name for the matrix: ``oral/custody_transfer``."""
        return f"{self.effect}/{self.removal_complete_at}"

    def to_json(self) -> dict[str, Any]:
        return {"effect": self.effect, "removal_complete_at": self.removal_complete_at,
                "pending_motion_protects": self.pending_motion_protects}


#: Every combination of the two contested questions, the court's reading last.
ALL: tuple[Interpretation, ...] = tuple(
    Interpretation(effect=e, removal_complete_at=r) for e, r in product(EFFECTS, REMOVAL_POINTS)
)
