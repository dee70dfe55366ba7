"""Movements (flights, transfers) and the events that happen to people and planes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from habeas.domain.base import Entity, Id, IdList, ShortText, Text
from habeas.domain.time import When


class Movement(Entity):
    """A flight or transfer. ``carries``: people and groups of whom at least one was
    certainly aboard. ``may_carry``: possibly aboard. Legs run ``from`` → ``via`` → ``to``.

    Example: ``gxa6143``: GlobalX flight GXA6143, tail N278GX, Harlingen → Palmerola (Honduras)
    → San Salvador, carrying members of ``aea-venezuelans``.
    """

    mode: Literal["air", "ground", "sea"] = "air"
    carrier: str | None = None
    flight: str | None = None
    tail: str | None = Field(default=None, description="registration, e.g. N278GX")
    icao24: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{6}$")
    callsign: str | None = None
    from_: Id = Field(alias="from", description="place of departure")
    via: IdList = ()
    to: Id = Field(description="final destination")
    carries: IdList = ()
    may_carry: IdList = ()
    planned: When | None = Field(default=None, description="planned departure")

    @property
    def stops(self) -> tuple[str, ...]:
        return (self.from_, *self.via, self.to)

    @model_validator(mode="after")
    def _disjoint(self) -> Movement:
        both = set(self.carries) & set(self.may_carry)
        if both:
            raise ValueError(f"listed both as carried and as possibly carried: {sorted(both)}")
        return self


EventKind = Literal[
    "boarded", "struck", "departed", "position", "exited_us", "entered_us", "landed",
    "diverted", "custody_transferred", "returned", "released", "notice_given",
]


class Event(Entity):
    """Something that happened at a time: to a movement (departed, landed) or to people.

    ``custody_transferred`` of a movement hands everyone aboard to ``to``; of ``people`` (ids of
    people or groups), just them. ``returned``: brought back into US custody (``to``).
    ``notice_given``: ``people`` were told of an intended removal, in ``language``.
    """

    at: When
    kind: EventKind
    movement: Id | None = None
    people: IdList = ()
    place: Id | None = None
    from_: Id | None = Field(default=None, alias="from", description="holder giving custody")
    to: Id | None = Field(default=None, description="holder taking custody")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    altitude_m: float | None = None
    reason: ShortText | None = None
    language: str | None = Field(default=None, description="of a notice given")
    note: Text | None = None

    @model_validator(mode="after")
    def _subject(self) -> Event:
        if self.movement is None and not self.people:
            raise ValueError("an event names a movement or people")
        if self.kind == "custody_transferred" and self.to is None:
            raise ValueError("custody_transferred needs 'to' (the holder taking custody)")
        if self.kind in ("boarded", "struck") and (self.movement is None or not self.people):
            raise ValueError(f"{self.kind} needs a movement and people")
        return self
