"""The case bundle document: version 1 of the format, as one Pydantic model.

The model is the single statement of the format: it validates bundles and it is what
``habeas schema bundle`` prints as JSON Schema.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from habeas.domain import (
    Agreement,
    Authority,
    Event,
    Group,
    Holder,
    Model,
    Motion,
    Movement,
    Notice,
    Order,
    Person,
    Place,
    Source,
    Statement,
)
from habeas.domain.base import Id
from habeas.domain.time import zone

FORMAT_VERSION = 1


class BundleDocument(Model):
    """A whole incident: sources, parties, orders, movements, statements and events.

    Times without a UTC offset are in ``timezone``; a date alone is that whole day there.
    """

    habeas: Literal[1] = Field(description="format version")
    title: str = Field(min_length=1, max_length=500)
    timezone: str = Field(description="IANA zone for times given without an offset")
    sources: dict[Id, Source] = {}
    places: dict[Id, Place] = {}
    holders: dict[Id, Holder] = {}
    authorities: dict[Id, Authority] = {}
    people: dict[Id, Person] = {}
    groups: dict[Id, Group] = {}
    orders: dict[Id, Order] = {}
    notices: list[Notice] = []
    motions: dict[Id, Motion] = {}
    movements: dict[Id, Movement] = {}
    agreements: dict[Id, Agreement] = {}
    statements: dict[Id, Statement] = {}
    events: list[Event] = []

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        zone(value)
        return value
