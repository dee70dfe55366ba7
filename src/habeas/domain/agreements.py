"""Foreign custody agreements and public statements about the record."""

from __future__ import annotations

from pydantic import Field

from habeas.domain.base import CountryList, Entity, Id, IdList, Link, Model, ShortText, Text
from habeas.domain.time import Period, When


class Fee(Model):
    """What one party pays: ``amount`` in ``currency`` for what ``covers`` says, per ``per``."""

    amount: float = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    per: Period | None = Field(default=None, description="period the amount is paid for")
    covers: str | None = None


class Agreement(Entity):
    """A foreign custody arrangement: "held for one year (renewable)" for a fee.

    Example: ``us-sv-cecot-2025``: the US and El Salvador, holder ``sv-cecot``, term ``P1Y``,
    renewable, about USD 6 million for about 300 people.
    """

    parties: CountryList
    holder: Id
    start: When | None = Field(default=None, description="default: the first hand-over")
    term: Period | None = None
    renewable: bool = False
    fee: Fee | None = None


class Assertion(Model):
    """The propositions a statement makes about the record, in checkable form."""

    complied_with: IdList = Field(default=(), description="orders it says were obeyed")


class Statement(Entity):
    """Who said what, when; ``asserts`` is what the record can be set against."""

    speaker: ShortText
    at: When
    text: Text
    asserts: Assertion | None = None
    url: Link | None = None
