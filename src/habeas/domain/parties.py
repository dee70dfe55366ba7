"""Who and where: sources, places, custody holders, legal bases, people and groups."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from habeas.domain.base import (
    Country,
    CountryList,
    Entity,
    Id,
    IdList,
    Link,
    Model,
    ShortText,
    Text,
)
from habeas.domain.time import When


class Source(Entity):
    """A citation: a filing, a transcript, a news report.

    Example: ``ecf81``: "Memorandum Opinion, J.G.G. v. Trump, No. 25-766 (JEB), ECF No. 81".
    """

    title: ShortText
    url: Link | None = None
    date: str | None = None
    note: Text | None = None


class Place(Entity):
    """An airport, a detention centre, a border crossing, with its country and district."""

    name: ShortText
    country: Country
    district: str | None = Field(default=None, description="US judicial district, e.g. S.D. Tex.")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class Conditions(Model):
    """What custody there means for the person held; ``None`` when unknown."""

    visits: bool | None = None
    counsel_access: bool | None = None


class Holder(Entity):
    """Who holds custody, and where: ``us-ice``, ``sv-cecot``."""

    name: ShortText
    country: Country
    place: Id | None = None
    district: str | None = None
    conditions: Conditions = Conditions()
    capacity: int | None = Field(default=None, ge=0)


AuthorityKind = Literal[
    "proclamation", "title8_final_order", "expedited_removal", "reinstatement",
    "extradition", "voluntary_departure", "other",
]


class Authority(Entity):
    """A legal basis for removal: the Alien Enemies Act proclamation, a Title 8 final order."""

    kind: AuthorityKind
    title: ShortText | None = None
    issued: When | None = None


class Person(Entity):
    """A named person in custody. Initials are enough; identifiers hold A-numbers.

    Example: ``abrego-garcia``: Kilmar Abrego Garcia, nationality SV, basis ``title8``,
    held by ``us-ice``.
    """

    name: ShortText
    identifiers: dict[str, str] = Field(default_factory=dict)
    nationality: CountryList = ()
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    basis: IdList = Field(default=(), description="ids of authorities for removal")
    held_by: Id | None = Field(default=None, description="holder at the start of the record")
    district: str | None = None
    counsel: tuple[str, ...] = ()


class Group(Entity):
    """An anonymous cohort: the public record rarely names everyone.

    Example: ``aea-venezuelans``: 137 Venezuelans removed under the Alien Enemies Act.
    A group listed on several movements is split among them in unknown proportions.
    """

    name: ShortText | None = None
    count: int | None = Field(default=None, ge=1)
    nationality: CountryList = ()
    basis: IdList = ()
    held_by: Id | None = None
    district: str | None = None
