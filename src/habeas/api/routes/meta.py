"""``/-/``: health, versions, the latest checkpoint, schemas and aggregate counts."""

from __future__ import annotations

import platform
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse

import habeas
from habeas.api.auth import Svc, Who, needs
from habeas.service import Permission

router = APIRouter(prefix="/-", tags=["meta"])


@router.get("/health", **needs(Permission.anonymous))
def health(svc: Svc, who: Who) -> Any:
    """Liveness and the ledger's size: load balancers and monitors poll this. 503 once the
    signer has stopped (a failed self-check or a tree that does not extend its last)."""
    alarm = svc.ledger.guard.alarm
    if alarm is not None:
        return JSONResponse({"status": "alarm", "size": svc.ledger.size(),
                             "first_bad_seq": alarm.seq, "message": str(alarm)}, 503)
    return {"status": "ok", "size": svc.ledger.size()}


@router.get("/versions", **needs(Permission.anonymous))
def versions(who: Who) -> dict[str, str]:
    return {"habeas": habeas.__version__, "python": platform.python_version()}


@router.get("/checkpoint", response_class=PlainTextResponse, **needs(Permission.anonymous))
def checkpoint(svc: Svc, who: Who) -> str:
    """The latest signed checkpoint (C2SP signed note), for anyone to witness."""
    return svc.checkpoint()


@router.get("/verifier-key", response_class=PlainTextResponse, **needs(Permission.anonymous))
def verifier_key(svc: Svc, who: Who) -> str:
    return svc.verifier_key() + "\n"


@router.get("/schema/bundle", **needs(Permission.verify))
def bundle_schema(svc: Svc, who: Who) -> dict[str, Any]:
    return svc.bundle_schema(who)


@router.get("/schema/findings", **needs(Permission.verify))
def findings_schema(svc: Svc, who: Who) -> dict[str, Any]:
    return svc.findings_schema(who)


@router.get("/stats", **needs(Permission.verify))
def stats(svc: Svc, who: Who) -> dict[str, Any]:
    """Aggregate counts, without personal data: what the public role may see."""
    return svc.stats()


@router.get("/whoami", **needs(Permission.verify))
def whoami(who: Who) -> dict[str, Any]:
    return {"token": who.token_id, "name": who.name, "role": who.role.value,
            "people": sorted(who.people), "party": who.party}
