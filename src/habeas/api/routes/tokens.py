"""API tokens (admin): the secret is in the creation response only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path

from habeas.api.auth import Svc, Who, needs
from habeas.api.models import TokenIn
from habeas.service import Permission

router = APIRouter(prefix="/api", tags=["tokens"])


@router.post("/tokens", status_code=201, **needs(Permission.manage))
def create(body: TokenIn, svc: Svc, who: Who) -> dict[str, Any]:
    info, secret = svc.create_token(body.role, name=body.name or "", people=tuple(body.people),
                                    party=body.party)
    return {**info.to_json(), "token": secret}


@router.get("/tokens", **needs(Permission.manage))
def listing(svc: Svc, who: Who) -> list[dict[str, Any]]:
    return [t.to_json() for t in svc.accounts.list_tokens()]


@router.delete("/tokens/{token_id}", status_code=204, **needs(Permission.manage))
def revoke(svc: Svc, who: Who, token_id: str = Path(pattern=r"^tok_[0-9a-f]{1,32}$")) -> None:
    svc.accounts.revoke_token(token_id, now=svc.clock.now())
