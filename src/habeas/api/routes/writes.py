"""Appending to the ledger: movement events, orders and notices, raw records, bundles, and
acknowledgements. An ``Idempotency-Key`` header makes a retried request append nothing new."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Request
from starlette.concurrency import run_in_threadpool

from habeas.api.auth import Svc, Who, needs
from habeas.api.models import OrderIn, Payload, RecordsIn
from habeas.domain import KIND_TO_SECTION
from habeas.service import Permission
from habeas.service.idempotency import fingerprint

router = APIRouter(prefix="/api", tags=["write"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


@router.post("/events", status_code=201, **needs(Permission.record_movement))
def add_event(payload: Annotated[Payload, Body()], svc: Svc, who: Who,
              key: IdempotencyKey = None) -> dict[str, Any]:
    """Record a movement event (departed, position, landed, custody transferred...)."""
    return svc.add(who, "events", payload, idempotency_key=key)


@router.post("/movements", status_code=201, **needs(Permission.record_movement))
def add_movement(payload: Annotated[Payload, Body()], svc: Svc, who: Who,
                 key: IdempotencyKey = None) -> dict[str, Any]:
    return svc.add(who, "movements", payload, idempotency_key=key)


@router.post("/orders", status_code=201, **needs(Permission.enter_order))
def add_order(body: OrderIn, svc: Svc, who: Who, key: IdempotencyKey = None) -> dict[str, Any]:
    """Enter an order; each party is given an acknowledgement duty that escalates."""
    return svc.add(who, "orders", body.order, idempotency_key=key, parties=body.parties)


@router.post("/notices", status_code=201, **needs(Permission.enter_order))
def add_notice(payload: Annotated[Payload, Body()], svc: Svc, who: Who,
               key: IdempotencyKey = None) -> dict[str, Any]:
    return svc.add(who, "notices", payload, idempotency_key=key)


@router.post("/records", status_code=201, **needs(Permission.append))
def add_records(body: RecordsIn, svc: Svc, who: Who,
                key: IdempotencyKey = None) -> list[dict[str, Any]]:
    """Append case objects of any kind, one record each (admin)."""
    batch = fingerprint(body.model_dump())  # a key reused with more records is a conflict
    return [svc.add(who, KIND_TO_SECTION[item.kind], item.payload,
                    idempotency_key=f"{key}:{i}" if key else None, context=batch)
            for i, item in enumerate(body.records)]


@router.post("/bundles", status_code=201,
             openapi_extra={"x-permission": Permission.append.value, "requestBody": {
                 "content": {"application/yaml": {"schema": {"type": "string"}},
                             "application/json": {"schema": {"type": "object"}}},
                 "required": True}})
async def import_bundle(request: Request, svc: Svc, who: Who) -> dict[str, Any]:
    """Import a case bundle (YAML or JSON); importing it again appends nothing."""
    raw = await request.body()
    # Parsing and appending a bundle takes seconds: in a worker thread, not on the event
    # loop, where it would hold up every other request (health checks included) meanwhile.
    answer: dict[str, Any] = await run_in_threadpool(
        svc.import_bundle, who, raw.decode("utf-8", errors="replace"))
    return answer


@router.post("/obligations/{obligation_id}/acknowledge", **needs(Permission.acknowledge))
def acknowledge(svc: Svc, who: Who,
                obligation_id: str = Path(pattern=r"^obl_[0-9a-f]{1,32}$")) -> dict[str, Any]:
    """A party acknowledges an order: a notice record in the ledger closes its duty."""
    return svc.acknowledge(who, obligation_id)
