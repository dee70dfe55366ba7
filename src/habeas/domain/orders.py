"""Court orders as data with meaning: whom they protect, what they forbid and direct.

The engine evaluates these fields, never the free text; the text and citation stay attached
so that a reader can check the reading.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from habeas.domain.base import CountryList, Entity, Id, IdList, Link, Model, ShortText, Text
from habeas.domain.time import Period, When


class ClassScope(Model):
    """A class predicate: everyone whose attributes match every listed field.

    Example: the class-wide TRO of 15 March 2025 protects
    ``{basis: [aea-proclamation], held_by_country: US}``.
    """

    basis: IdList = ()
    nationality: CountryList = ()
    held_by: IdList = ()
    held_by_country: CountryList = ()
    district: tuple[str, ...] = ()
    min_age: int | None = Field(default=None, ge=0)
    max_age: int | None = Field(default=None, ge=0)


class Scope(Model):
    """Whom an order protects: named people, groups, and a class; any of them matches."""

    people: IdList = ()
    groups: IdList = ()
    class_: ClassScope | None = Field(default=None, alias="class")

    @property
    def is_empty(self) -> bool:
        return not (self.people or self.groups or self.class_)


ForbiddenAction = Literal["remove", "remove_to", "transfer_custody", "transfer_out_of", "depart"]


def _short_form(value: Any, field: str) -> Any:
    """Accept ``remove`` and ``{remove_to: [SV]}`` as well as the long form."""
    if isinstance(value, str):
        return {"action": value}
    if isinstance(value, dict) and len(value) == 1 and "action" not in value:
        ((action, argument),) = value.items()
        if isinstance(argument, dict):
            return {"action": action, **argument}
        return {"action": action, field: argument}
    return value


class Prohibition(Model):
    """An action an order forbids for the people in its scope.

    ``remove``: take out of the United States. ``remove_to``: to one of ``countries``.
    ``transfer_custody``: hand to a foreign holder (optionally only of ``countries``).
    ``transfer_out_of``: move out of one of ``districts``. ``depart``: a movement leaves with
    a protected person aboard.
    """

    action: ForbiddenAction
    countries: CountryList = ()
    districts: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            ((action, _),) = value.items()
            field = "districts" if action == "transfer_out_of" else "countries"
            return _short_form(value, field)
        return _short_form(value, "countries")

    @model_validator(mode="after")
    def _arguments(self) -> Prohibition:
        if self.action == "remove_to" and not self.countries:
            raise ValueError("remove_to needs at least one country")
        if self.action == "transfer_out_of" and not self.districts:
            raise ValueError("transfer_out_of needs at least one district")
        return self


DirectedAction = Literal["return_in_transit", "facilitate_return", "notice_before_removal",
                         "report"]


class Directive(Model):
    """An obligation an order creates, with its deadline.

    ``return_in_transit``: a movement under way with protected people aboard turns back
    (due at once, or within ``within``). ``facilitate_return``: bring back someone removed.
    ``notice_before_removal``: at least ``hours`` of notice, in ``language``. ``report``: file
    a report ``within`` a period of the order's effect.
    """

    action: DirectedAction
    within: Period | None = None
    hours: int | None = Field(default=None, ge=0)
    language: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return _short_form(value, "within")

    @model_validator(mode="after")
    def _arguments(self) -> Directive:
        if self.action == "notice_before_removal" and self.hours is None:
            raise ValueError("notice_before_removal needs hours")
        return self


OrderKind = Literal[
    "tro", "preliminary_injunction", "permanent_injunction", "stay_of_removal",
    "administrative_stay", "withholding_of_removal", "order_to_facilitate", "vacatur", "stay",
    "modification", "habeas_grant", "other",
]



class Order(Entity):
    """A court order: scope, prohibitions, directives, lifecycle, and its source.

    Example: ``tro-class-oral``: D.D.C., 1:25-cv-00766-JEB, Boasberg J., an oral TRO issued
    between 18:45 and 18:48 ET on 15 March 2025, protecting everyone held in the United
    States under the AEA proclamation, forbidding removal and directing that planes in the
    air return.
    """

    court: ShortText
    case: str | None = None
    docket_entry: str | None = None
    judge: str | None = None
    kind: OrderKind
    form: Literal["oral", "written"]
    issued: When
    effective: When | None = Field(
        default=None, description="when it takes effect, if not when issued")
    expires: When | Period | None = Field(
        default=None, description="a time, or a duration from the effect time (P14D)")
    memorializes: Id | None = Field(
        default=None, description="the oral order this written order puts on paper")
    modifies: Id | None = None
    protects: Scope = Scope()
    forbids: tuple[Prohibition, ...] = ()
    directs: tuple[Directive, ...] = ()
    stays: IdList = ()
    vacates: IdList = ()
    scope: Literal["confirmed", "unconfirmed"] = Field(
        default="confirmed",
        description="unconfirmed: read from free text by an importer, awaiting a clerk")
    text: Text | None = None
    url: Link | None = None

    @model_validator(mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        if isinstance(value, dict):
            value = dict(value)
            for key in ("forbids", "directs"):
                if isinstance(value.get(key), (str, dict)):
                    value[key] = [value[key]]
            if isinstance(value.get("expires"), str) and value["expires"].startswith("P"):
                value["expires"] = Period.parse(value["expires"])
        return value

    @property
    def takes_effect(self) -> When:
        return self.effective or self.issued


class Notice(Entity):
    """When a party learned of an order: served, or present in court."""

    order: Id
    party: ShortText
    at: When
    how: str | None = None


class Motion(Entity):
    """A pending request, such as a motion to stay removal; protective by policy until decided."""

    court: ShortText | None = None
    case: str | None = None
    kind: ShortText
    filed: When
    decided: When | None = None
    outcome: Literal["granted", "denied", "withdrawn"] | None = None
    protects: Scope = Scope()
    text: Text | None = None
