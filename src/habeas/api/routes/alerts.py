"""Alerts, webhook subscriptions and their deliveries, and open acknowledgement duties."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Query

from habeas.api.auth import Svc, Who, needs
from habeas.api.models import SubscriptionIn
from habeas.service import Permission

router = APIRouter(prefix="/api", tags=["alerts"])


@router.get("/alerts", **needs(Permission.read))
def alerts(svc: Svc, who: Who, limit: int = Query(50, ge=1, le=500)) -> list[dict[str, Any]]:
    """Newest first; counsel sees alerts about its clients only."""
    return svc.alerts_for(who, limit=limit)


@router.get("/obligations", **needs(Permission.read))
def obligations(svc: Svc, who: Who) -> list[dict[str, Any]]:
    """Acknowledgement duties with their deadlines and escalation level."""
    return svc.obligations_for(who)


@router.post("/subscriptions", status_code=201, **needs(Permission.subscribe))
def subscribe(body: SubscriptionIn, svc: Svc, who: Who) -> dict[str, Any]:
    """A webhook; the response holds its signing secret, shown this once."""
    return svc.alerts.subscribe(who, str(body.url), body.topics, body.people)


@router.get("/subscriptions", **needs(Permission.subscribe))
def subscriptions(svc: Svc, who: Who) -> list[dict[str, Any]]:
    return svc.alerts.subscriptions(who)


@router.delete("/subscriptions/{sub_id}", status_code=204, **needs(Permission.subscribe))
def unsubscribe(svc: Svc, who: Who, sub_id: str = Path(pattern=r"^sub_[0-9a-f]{1,32}$")
                ) -> None:
    svc.alerts.unsubscribe(who, sub_id)


@router.get("/deliveries", **needs(Permission.subscribe))
def deliveries(svc: Svc, who: Who) -> list[dict[str, Any]]:
    """Delivery attempts of the caller's subscriptions: status codes, retries, next try."""
    return svc.alerts.deliveries(who)
