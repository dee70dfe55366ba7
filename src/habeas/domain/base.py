"""What every domain model shares: strictness, ids, country codes, and provenance."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_LINK = re.compile(r"https?://[^\s/?#@]+[^\s]*", re.IGNORECASE)


def _id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise PydanticCustomError(
            "habeas_id", "not an id: letters, digits, '.', '_', ':' or '-', starting with a "
            "letter or digit, at most 100")
    return value


def _country(value: str) -> str:
    if not _COUNTRY.fullmatch(value):
        raise PydanticCustomError(
            "habeas_country", "not an ISO 3166-1 alpha-2 country code such as US or SV")
    return value


def _link(value: str) -> str:
    """A link a page may show and a reader may follow: http(s) only, never ``javascript:``,
    ``data:`` or ``file:``."""
    if not _LINK.fullmatch(value):
        raise PydanticCustomError("habeas_link", "an http:// or https:// link")
    return value


Id = Annotated[
    str, AfterValidator(_id),
    WithJsonSchema({"type": "string", "pattern": "^" + _ID.pattern + "$",
                    "description": "an identifier: letters, digits, '.', '_', ':' or '-'"}),
]
Country = Annotated[
    str, AfterValidator(_country),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{2}$",
                    "description": "ISO 3166-1 alpha-2 country code, e.g. US, SV"}),
]


def _as_tuple(value: Any) -> Any:
    """Let a bundle write ``basis: title8`` for ``basis: [title8]``."""
    if value is None:
        return ()
    if isinstance(value, (str, dict)):
        return (value,)
    return value


Link = Annotated[
    str, StringConstraints(max_length=2000), AfterValidator(_link),
    WithJsonSchema({"type": "string", "maxLength": 2000, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
                    "description": "an http:// or https:// link"}),
]
IdList = Annotated[tuple[Id, ...], BeforeValidator(_as_tuple)]
CountryList = Annotated[tuple[Country, ...], BeforeValidator(_as_tuple)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=500)]


class Model(BaseModel):
    """Frozen and strict: an unknown field is an error, never silently dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Entity(Model):
    """A thing with an id. In a bundle the id is the key of its section and may be omitted."""

    id: Id = Field(default="_", description="defaults to the key of the bundle section")
    source: IdList = Field(default=(), description="ids of the sources this rests on")


@dataclass(frozen=True, slots=True)
class RecordRef:
    """The ledger record behind a fact: where to find it and how to prove it.

    Example: ``RecordRef(seq=41, leaf_hash="9f2c...")``; ``habeas prove 41`` proves it.
    """

    seq: int
    leaf_hash: str

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "leaf_hash": self.leaf_hash}
