"""Request bodies, validated at the boundary; domain payloads are checked by the service
against the case, so every refusal names its field."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from habeas.domain import When
from habeas.routing import ObjectId
from habeas.service.alerts import TOPICS

__all__ = ["ObjectId"]

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
PersonId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")]


def _instant(value: datetime) -> datetime:
    """Refuse a time the engine cannot hold (``When.at`` names the range) here, as a 422,
    rather than deep in the engine as an overflow."""
    When.at(value)
    return value


#: A time with its offset, within the years a record may hold.
Instant = Annotated[AwareDatetime, AfterValidator(_instant)]
Payload = Annotated[dict[str, Any], Field(description="the object, as in a case bundle "
                                          "(docs/bundle.md); validated against the case")]
RecordKind = Literal["source", "place", "holder", "authority", "person", "group", "order",
                     "notice", "motion", "movement", "agreement", "statement", "event"]
Topic = Literal["movement", "order", "obligation", "finding", "notice"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecordIn(Strict):
    """One case object to append: ``{"kind": "event", "payload": {...}}``."""

    kind: RecordKind
    payload: Payload


class RecordsIn(Strict):
    records: list[RecordIn] = Field(min_length=1, max_length=1000)


class OrderIn(Strict):
    """A new order, and the parties who must acknowledge it (default: the Government)."""

    order: Payload
    parties: list[Name] = Field(default=[], max_length=50)


class SubscriptionIn(Strict):
    url: AnyHttpUrl
    topics: list[Topic] = Field(default=[], max_length=len(TOPICS))
    people: list[PersonId] = Field(default=[], max_length=1000)


class TokenIn(Strict):
    role: Literal["admin", "operator", "clerk", "counsel", "monitor", "public"]
    name: Name | None = None
    people: list[PersonId] = Field(default=[], max_length=1000)
    party: Name | None = Field(None, description="whom the token acts for (an agency, a "
                               "court, an organisation): only its tokens acknowledge orders "
                               "on its behalf")


class CheckIn(Strict):
    """A proposed action for the guard, e.g. ``{"action": {"action": "remove", "subjects":
    ["abrego-garcia"], "to": "SV"}, "at": "2025-03-15T19:30:00-04:00"}``."""

    action: dict[str, Any]
    at: Instant
    effect: Literal["oral", "written"] = "oral"
    removal_complete_at: Literal["departure", "exit_territory",
                                 "custody_transfer"] = "custody_transfer"
