"""HTML forms to domain payloads: the browser sends a local time and a zone, ids as text.

Only the shape changes here; the service validates the result, and its problems come back
with the paths these field names match (``issued``, ``protects``, ``at``...).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, get_args
from zoneinfo import ZoneInfo

from habeas.domain.movements import EventKind
from habeas.domain.orders import OrderKind
from habeas.domain.time import zone
from habeas.errors import Problem, ValidationError

ORDER_KINDS = get_args(OrderKind)
EVENT_KINDS = get_args(EventKind)
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
         "America/El_Salvador", "America/Tegucigalpa", "America/Caracas", "UTC")


def local_time(form: dict[str, str], field: str, zone_field: str = "zone") -> str | None:
    """``2025-03-15T18:45`` in ``America/New_York`` -> ISO 8601 with its offset. Text that
    is not a time is passed on as it is, for the service to refuse beside the other fields."""
    text = form.get(field, "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
        tz: ZoneInfo = zone(form.get(zone_field) or "UTC")
    except ValueError:
        return text
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).isoformat()


def ids(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def order_payload(form: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The order and the parties who must acknowledge it."""
    payload: dict[str, Any] = {
        key: form[key].strip() for key in ("id", "court", "case", "judge", "kind", "form",
                                           "text", "url") if form.get(key, "").strip()}
    payload["issued"] = local_time(form, "issued")
    protects: dict[str, Any] = {}
    if ids(form.get("people", "")):
        protects["people"] = ids(form["people"])
    if ids(form.get("groups", "")):
        protects["groups"] = ids(form["groups"])
    basis = ids(form.get("basis", ""))
    if basis:
        protects["class"] = {"basis": basis, **({"held_by_country": ["US"]}
                                                if form.get("in_us") else {})}
    payload["protects"] = protects
    forbids: list[Any] = ids(form.get("forbids", ""))
    countries = [c.upper() for c in ids(form.get("remove_to", ""))]
    if countries:
        forbids.append({"remove_to": countries})
    payload["forbids"] = forbids
    payload["directs"] = ["return_in_transit"] if form.get("return_in_transit") else []
    if form.get("source_title", "").strip():
        payload["text"] = payload.get("text", "") or form["source_title"].strip()
    return payload, [p.strip() for p in form.get("parties", "").splitlines() if p.strip()]


def event_payload(form: dict[str, str]) -> dict[str, Any]:
    payload: dict[str, Any] = {
        key: form[key].strip() for key in ("movement", "kind", "place", "to", "from", "reason",
                                           "note") if form.get(key, "").strip()}
    payload["at"] = local_time(form, "at")
    if ids(form.get("people", "")):
        payload["people"] = ids(form["people"])
    for key in ("lat", "lon"):
        if form.get(key, "").strip():
            try:
                payload[key] = float(form[key])
            except ValueError:
                raise ValidationError(Problem(key, form[key], "a number of degrees")) from None
    return payload
