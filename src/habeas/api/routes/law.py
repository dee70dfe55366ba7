"""The engine's questions: the guard, an order's impact, the audit and its matrix, the
timeline; and the log's proofs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Query

from habeas.api.auth import Svc, Who, needs
from habeas.api.models import CheckIn, Instant
from habeas.law import Interpretation
from habeas.routing import ObjectId, Reading
from habeas.service import Permission

router = APIRouter(prefix="/api", tags=["law"])


@router.post("/check", **needs(Permission.guard))
def check(body: CheckIn, svc: Svc, who: Who) -> Any:
    """The guard: may this action be taken at this time? Deny overrides allow."""
    return svc.check(who, body.action, body.at,
                     Interpretation(effect=body.effect,
                                    removal_complete_at=body.removal_complete_at))


@router.get("/orders/{order_id}/impact", **needs(Permission.read))
def impact(svc: Svc, who: Who, interpretation: Reading,
           order_id: ObjectId) -> Any:
    """People in scope, movements that must turn back, obligations with deadlines."""
    return svc.impact(who, order_id, interpretation)


@router.get("/audit", **needs(Permission.read))
def audit(svc: Svc, who: Who, interpretation: Reading,
          as_of: Instant | None = None) -> dict[str, Any]:
    """Findings under one interpretation (counsel: about its clients only)."""
    return svc.audit(who, interpretation, as_of)


@router.get("/audit/matrix", **needs(Permission.read))
def matrix(svc: Svc, who: Who, as_of: Instant | None = None) -> dict[str, Any]:
    """Every finding under every interpretation, side by side."""
    return svc.matrix(who, as_of)


@router.get("/timeline", **needs(Permission.read_all))
def timeline(svc: Svc, who: Who,
             tz: str = Query("America/New_York", max_length=64)) -> dict[str, Any]:
    """Orders, notices, events and statements in time order, shown in ``tz``."""
    return svc.timeline(who, tz)


@router.get("/checkpoint", **needs(Permission.verify))
def checkpoint(svc: Svc, who: Who) -> dict[str, Any]:
    return {"checkpoint": svc.checkpoint(), "verifier_key": svc.verifier_key(),
            "size": svc.ledger.size()}


@router.get("/proofs/inclusion/{seq}", **needs(Permission.verify))
def inclusion(svc: Svc, who: Who, seq: int = Path(ge=0, le=2**53),
              size: int | None = Query(None, ge=1, le=2**53)) -> Any:
    """RFC 9162 inclusion proof of record ``seq`` in the tree of ``size`` (default: now)."""
    return svc.inclusion(seq, size)


@router.get("/proofs/consistency", **needs(Permission.verify))
def consistency(svc: Svc, who: Who, old: int = Query(ge=1, le=2**53),
                new: int | None = Query(None, ge=1, le=2**53)) -> Any:
    """RFC 9162 consistency proof between two tree sizes (default new: now)."""
    return svc.consistency(old, new)
