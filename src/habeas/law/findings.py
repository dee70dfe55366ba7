"""What the engine concludes, as data: findings, verdicts on statements, obligations.

These types are the contract of DESIGN.md ("Findings, as data"): tools outside the project
read ``habeas audit --json``. They are defined once, here, as frozen dataclasses; the JSON
and its JSON Schema (``findings_schema()``) are both derived from them by Pydantic, so the
schema cannot drift from the output.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any, Literal

from pydantic import TypeAdapter

from habeas.domain import Case, When
from habeas.law.certainty import Certainty

FindingKind = Literal["forbidden_action", "directive_unmet", "notice_insufficient", "at_risk"]
Verdict = Literal["contradicted", "consistent", "not_checkable"]
Status = Literal["open", "met", "unmet"]


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """A record the finding rests on: its id, and the ledger ``seq`` and ``leaf_hash`` that
    prove it (``None`` when the case was not read from a ledger)."""

    id: str
    seq: int | None = None
    leaf_hash: str | None = None

    @classmethod
    def of(cls, case: Case, section: str, obj_id: str) -> EvidenceRef:
        ref = case.ref(section, obj_id)
        return cls(obj_id, ref.seq if ref else None, ref.leaf_hash if ref else None)


@dataclass(frozen=True, slots=True)
class NoticeRef:
    """When a party knew of an order: ICE "was aware of this grant" of withholding."""

    id: str
    order: str
    party: str
    at: When
    how: str | None
    seq: int | None
    leaf_hash: str | None


@dataclass(frozen=True, slots=True)
class Finding:
    """One conflict between the record and an order (or a pending motion).

    ``id`` is stable: a hash of kind, order, action and what it is about (the subject, or
    the movement), so the same facts give the same id in any order and under every
    interpretation, which is what lets the matrix line findings up.
    ``count`` is the number of people when known: group counts plus named people (a group
    listed on several movements is split among them, so per movement it is an upper bound).
    ``after_effect`` is the shortest possible time from the order's effect to the action,
    ``after_effect_range`` the shortest and longest.
    """

    id: str
    kind: FindingKind
    order: str | None
    action: str
    people: tuple[str, ...]
    count: int | None
    movement: str | None
    movements: tuple[str, ...]
    certainty: Certainty
    reason: str
    at: When
    effect: When | None
    after_effect: str | None
    after_effect_range: tuple[str, str] | None
    events: tuple[EvidenceRef, ...]
    notice: tuple[NoticeRef, ...] = ()
    contradicts: tuple[str, ...] = ()
    motion: str | None = None


@dataclass(frozen=True, slots=True)
class StatementVerdict:
    """A public statement set against the record.

    ``contradicted``: a certain finding against an order the statement says was obeyed, for
    an action certainly before it. ``consistent``: no finding, certain or possible, against
    those orders. ``not_checkable``: the statement asserts nothing checkable, or the record
    can neither confirm nor refute it.
    """

    id: str
    speaker: str
    at: When
    text: str
    verdict: Verdict
    findings: tuple[str, ...]
    reason: str
    events: tuple[EvidenceRef, ...] = ()


@dataclass(frozen=True, slots=True)
class Obligation:
    """Something an order (or an agreement) requires by a deadline, and where it stands.

    ``due`` is ``None`` when no deadline applies (facilitate a return, with no date set).
    """

    id: str
    source: str
    kind: str
    people: tuple[str, ...]
    movement: str | None
    due: When | None
    status: Status
    certainty: Certainty | None
    finding: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Money:
    amount_min: float
    amount_max: float
    currency: str


@dataclass(frozen=True, slots=True)
class AgreementStatus:
    """A foreign custody agreement as of the audit: term, renewal and what has accrued.

    Example: ``us-sv-cecot-2025``: held "for one year (renewable)" from the first hand-over
    to CECOT on 16 March 2025, so its term ends, and renewal falls due, on 16 March 2026.
    """

    id: str
    holder: str
    start: When | None
    term_ends: When | None
    renewal_due: When | None
    fee_accrued: Money | None
    reason: str


@dataclass(frozen=True, slots=True)
class Unconfirmed:
    """An order read from free text (``scope: unconfirmed``) that may bear on a movement.

    The engine cannot apply an order whose scope no clerk has confirmed, so instead of
    staying silent it lists the order beside the movement, with why it was listed.
    """

    order: str
    movement: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InterpretationJSON:
    effect: Literal["oral", "written"]
    removal_complete_at: Literal["departure", "exit_territory", "custody_transfer"]
    pending_motion_protects: bool


@dataclass(frozen=True, slots=True)
class Audit:
    """Everything ``audit`` concludes under one interpretation, as of one valid time."""

    interpretation: InterpretationJSON
    as_of: When | None
    findings: tuple[Finding, ...]
    statements: tuple[StatementVerdict, ...]
    obligations: tuple[Obligation, ...]
    agreements: tuple[AgreementStatus, ...]
    unconfirmed: tuple[Unconfirmed, ...] = ()

    def finding(self, finding_id: str) -> Finding:
        return next(f for f in self.findings if f.id == finding_id)

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = _audit_adapter().dump_python(self, mode="json")
        return result


@cache
def _audit_adapter() -> TypeAdapter[Audit]:
    return TypeAdapter(Audit)


def findings_schema() -> dict[str, Any]:
    """The JSON Schema of ``habeas audit --json``, derived from the types above."""
    schema: dict[str, Any] = _audit_adapter().json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Habeas audit"
    return schema


def stable_id(*parts: str | None) -> str:
    """``f-`` and 12 hex digits of SHA-256 over the parts: same facts, same id."""
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    return "f-" + digest[:12]


def iso_duration(delta: timedelta) -> str:
    """ISO 8601 duration, days and hours and minutes: ``PT5H12M``, ``P1DT2H``."""
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (
        f"{seconds}S" if seconds else "")
    out = "P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")
    return out if out != "P" else "PT0S"


def after(effect: When, action: When) -> tuple[str, tuple[str, str]]:
    """Time from the effect to the action: the least possible, and the range."""
    low = action.earliest - effect.latest
    high = action.latest - effect.earliest
    return iso_duration(low), (iso_duration(low), iso_duration(high))


def human_duration(iso: str) -> str:
    """``PT4H42M`` -> ``4 h 42 min``, for sentences."""
    match = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", iso)
    if not match:
        return iso
    names = ("d", "h", "min", "s")
    parts = [f"{int(v)} {n}" for v, n in zip(match.groups(), names, strict=True) if v]
    return " ".join(parts) or "0 min"
