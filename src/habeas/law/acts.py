"""Actions, taken or proposed, in the terms orders forbid them.

An order forbids ``remove``, ``remove_to`` a country, ``transfer_custody`` to a foreign
holder, ``transfer_out_of`` a district, or ``depart`` with a protected person aboard. The
audit reads those actions off the record; the guard builds the same ``Act`` from a proposed
action; both are then judged by one function (``forbid.violations``), which is why the guard
and the audit cannot disagree.

Which event is "the removal" depends on the interpretation: for flight GXA6143 it is the
departure from Harlingen (17:25-17:26 EDT), the exit from US airspace (17:25-19:25), or the
hand-over to the Salvadoran police (23:30-04:00).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, NamedTuple

from habeas.domain import When
from habeas.law.certainty import Tri
from habeas.law.interpretation import RemovalComplete
from habeas.law.state import US, CaseState, MovementFacts

ActKind = Literal["remove", "transfer_custody", "depart", "transfer_out_of"]
_NONE: frozenset[str] = frozenset()
ALL_KINDS: frozenset[str] = frozenset(("remove", "transfer_custody", "depart", "transfer_out_of"))


class Act(NamedTuple):
    """One action done to one subject. ``applies``: how surely it touched the subject (a
    group listed in ``may_carry`` was only possibly aboard). A named tuple: the guard makes
    one for every decision, and a tuple is built several times faster than a frozen
    dataclass."""

    kind: ActKind
    subject: str
    at: When
    applies: Tri = Tri.CERTAIN
    movement: str | None = None
    country: str | None = None
    holder: str | None = None
    district: str | None = None
    place: str | None = None
    events: tuple[str, ...] = ()

    @property
    def exclude(self) -> frozenset[str]:
        """The act's own events, left out when judging the state just before it."""
        return frozenset(self.events) if self.events else _NONE


def movement_acts(state: CaseState, facts: MovementFacts, subject: str, applies: Tri,
                  theory: RemovalComplete, kinds: frozenset[str] = ALL_KINDS) -> Iterator[Act]:
    """Every act of ``kinds`` the record shows this movement doing to a subject aboard."""
    mid = facts.movement.id
    removal = facts.removal(theory) if "remove" in kinds else None
    if removal is not None:
        yield Act("remove", subject, removal.at, applies, mid, removal.country, removal.holder,
                  events=removal.events)
    for event in facts.handovers if "transfer_custody" in kinds else ():
        country = facts.holder_country(event.to)
        if country not in (US, None):
            yield Act("transfer_custody", subject, event.at, applies, mid, country, event.to,
                      place=event.place, events=(event.id,))
    if not kinds & {"depart", "transfer_out_of"}:
        return
    destination = state.case.places.get(facts.movement.to)
    for event in facts.departures:
        place = state.case.places.get(event.place or facts.movement.from_)
        if "depart" in kinds:
            yield Act("depart", subject, event.at, applies, mid, facts.destination,
                      place=place.id if place else None, events=(event.id,))
        if "transfer_out_of" in kinds and place is not None and place.district and (
                destination is None or destination.district != place.district):
            yield Act("transfer_out_of", subject, event.at, applies, mid, facts.destination,
                      district=place.district, place=place.id, events=(event.id,))


def handover_acts(state: CaseState, event_id: str, theory: RemovalComplete) -> Iterator[Act]:
    """A hand-over of named people to a foreign holder, from US custody: a removal under
    every reading (no flight completes it first) and a transfer of custody."""
    case = state.case
    event = case.events[event_id]
    holder = case.holders.get(event.to) if event.to else None
    if holder is None or holder.country == US:
        return
    giver = case.holders.get(event.from_) if event.from_ else None
    for subject in event.people:
        if giver is not None:
            from_us = Tri.CERTAIN if giver.country == US else Tri.NO
        else:
            states = state.custody(subject, event.at, theory,
                                   exclude=frozenset({event_id}))
            answers = {s.in_us for s in states}
            from_us = Tri.CERTAIN if answers == {True} else (
                Tri.NO if answers == {False} else Tri.POSSIBLE)
        if from_us is Tri.NO:
            continue
        kinds: tuple[ActKind, ...] = ("remove", "transfer_custody")
        for kind in kinds:
            yield Act(kind, subject, event.at, from_us, None, holder.country, holder.id,
                      place=event.place, events=(event_id,))
