"""The state of a case as of one valid time: who is held by whom, what is moving and who
is aboard, which orders are in force, which obligations are open.

Example: at 19:00 EDT on 15 March 2025 (court's reading) the AEA Venezuelans were held by
ICE aboard GXA6143 and GXA6145, both under way; the two class orders and the 2019
withholding grant were in force; the planes' duty to turn back was open, and unmet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from habeas.domain import When
from habeas.law.audit import run_audit
from habeas.law.certainty import Certainty, Tri
from habeas.law.context import Context
from habeas.law.findings import Obligation


@dataclass(frozen=True, slots=True)
class Held:
    """A subject's possible holders (one when the record is sure), and whether it may
    already be outside the United States in the sense of the reading."""

    subject: str
    holders: tuple[str, ...]
    removed: Certainty | None


@dataclass(frozen=True, slots=True)
class Moving:
    """A movement under way, with who is certainly and possibly aboard."""

    movement: str
    under_way: Certainty
    certainly_aboard: tuple[str, ...]
    possibly_aboard: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InForce:
    order: str
    certainty: Certainty


@dataclass(frozen=True, slots=True)
class Snapshot:
    at: When
    custody: tuple[Held, ...]
    moving: tuple[Moving, ...]
    in_force: tuple[InForce, ...]
    obligations: tuple[Obligation, ...]

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = TypeAdapter(Snapshot).dump_python(self, mode="json")
        return body


def _word(value: Tri) -> Certainty | None:
    return value.word if value is not Tri.NO else None


def snapshot(ctx: Context, at: When) -> Snapshot:
    state, theory = ctx.state, ctx.interpretation.removal_complete_at
    custody = []
    for subject in (*ctx.case.people, *ctx.case.groups):
        states = state.custody(subject, at, theory)
        away = {not s.in_us for s in states}
        removed = Tri.CERTAIN if away == {True} else (
            Tri.NO if away == {False} else Tri.POSSIBLE)
        custody.append(Held(subject, tuple(sorted({s.holder or "unknown" for s in states})),
                            _word(removed)))
    moving = []
    for mid, facts in state.movements.items():
        under_way = state.under_way(mid, at)
        if under_way is not Tri.NO:
            moving.append(Moving(
                mid, under_way.word,
                tuple(sorted(s for s, a in facts.aboard.items() if a is Tri.CERTAIN)),
                tuple(sorted(s for s, a in facts.aboard.items() if a is Tri.POSSIBLE))))
    in_force = [InForce(oid, word) for oid in ctx.case.orders
                if (word := _word(ctx.force.in_force(oid, at))) is not None]
    open_ = [o for o in run_audit(ctx, at).obligations if o.status != "met"]
    return Snapshot(at, tuple(custody), tuple(moving), tuple(in_force), tuple(open_))
