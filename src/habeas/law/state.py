"""Custody and movement state as of a valid time, read from a case's events.

The facts the law turns on are read here once, when an ``Engine`` is built: for each
movement its departure from the United States, its exit from US territory, its landings and
its hand-overs; for each person or group the changes of custody that touch them. Example:
flight GXA6143 departed Harlingen (US) at 17:25-17:26 EDT, left US territory at some time in
[17:25, 19:25], landed at Palmerola (HN) at 19:30-21:50 and handed everyone aboard to the
Salvadoran police at 23:30-04:00. Whether its passengers were still "held in the United
States" at 18:45-18:48, when the oral order took effect, depends on which of those moments
completes a removal (the interpretation): certainly yes at the hand-over, possibly at the
exit, certainly not at the departure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from habeas.domain import Case, Event, Group, Movement, Person, When
from habeas.law.certainty import Tri, at_or_before, before
from habeas.law.interpretation import RemovalComplete

US = "US"
_MAX_STATES = 16


class Custody(NamedTuple):
    """Who holds a subject (``None``: unknown) and whether it is still inside the United
    States in the sense of the interpretation (not yet removed)."""

    holder: str | None
    in_us: bool


@dataclass(frozen=True, slots=True)
class Change:
    """A change of custody: to ``holder`` (if set), into or out of the US (if set)."""

    at: When
    event: str
    holder: str | None = None
    in_us: bool | None = None
    movement: str | None = None
    giver: str | None = None

    def apply(self, state: Custody) -> Custody:
        """The custody after this change; a hand-over *from* a holder only moves someone
        that holder had (the CECOT intake at 04:00-14:00 follows the airport hand-over)."""
        if self.giver is not None and state.holder is not None and state.holder != self.giver:
            return state
        return Custody(self.holder if self.holder is not None else state.holder,
                       self.in_us if self.in_us is not None else state.in_us)


@dataclass(frozen=True, slots=True)
class Removal:
    """The moment a movement completes a removal under one reading, with its evidence and
    the country the people end up in."""

    at: When
    events: tuple[str, ...]
    country: str | None
    holder: str | None = None


def _by_time(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.at.earliest, e.at.latest, e.id))


class MovementFacts:
    """What the record says about one movement, in time order."""

    def __init__(self, case: Case, movement: Movement, events: list[Event]) -> None:
        self.movement = movement
        self.case = case
        self.events = _by_time(events)
        self.aboard: dict[str, Tri] = {s: Tri.CERTAIN for s in movement.carries}
        self.aboard.update({s: Tri.POSSIBLE for s in movement.may_carry})
        for event in self.events:
            if event.kind == "boarded":
                self.aboard.update({s: Tri.CERTAIN for s in event.people})
            elif event.kind == "struck":
                for subject in event.people:
                    self.aboard.pop(subject, None)
        self.departures = [e for e in self.events if e.kind == "departed"]
        self.landings = [e for e in self.events if e.kind == "landed"]
        self.exits = [e for e in self.events if e.kind == "exited_us"]
        self.handovers = [e for e in self.events if e.kind == "custody_transferred"]
        self.turned_back = [e for e in self.events if e.kind in ("returned", "diverted")]
        self.us_departure = next(
            (e for e in self.departures if self.place_country(e.place or movement.from_) == US),
            None)
        self.destination = self.place_country(movement.to)
        self.international = self.destination not in (US, None)
        self._removal: dict[RemovalComplete, Removal | None] = {}

    def place_country(self, place: str | None) -> str | None:
        found = self.case.places.get(place) if place else None
        return found.country if found else None

    def holder_country(self, holder: str | None) -> str | None:
        found = self.case.holders.get(holder) if holder else None
        return found.country if found else None

    @cached_property
    def foreign_landings(self) -> list[Event]:
        return [e for e in self.landings
                if self.place_country(e.place or self.movement.to) not in (US, None)]

    @cached_property
    def back_home(self) -> list[Event]:
        """Landings in the US and returns after the departure from the US: turning back."""
        if self.us_departure is None:
            return []
        start = self.us_departure.at
        return [e for e in (*self.landings, *self.turned_back)
                if (e.kind != "landed" or self.place_country(e.place) == US)
                and at_or_before(start, e.at) is Tri.CERTAIN and e is not self.us_departure]

    @cached_property
    def final_landing(self) -> Event | None:
        return next((e for e in self.landings if (e.place or self.movement.to) ==
                     self.movement.to), None)

    def removal(self, theory: RemovalComplete) -> Removal | None:
        """When this movement completes the removal of the people aboard, under ``theory``
        (computed once per reading)."""
        if theory not in self._removal:
            self._removal[theory] = self._removal_of(theory)
        return self._removal[theory]

    def _removal_of(self, theory: RemovalComplete) -> Removal | None:
        """The removal event under ``theory``.

        Without an ``exited_us`` record the exit lies somewhere between the departure from
        the US and the first landing abroad; without a hand-over to a foreign holder, the
        record shows no completed removal under the ``custody_transfer`` reading.
        """
        if theory == "custody_transfer":
            for event in self.handovers:
                country = self.holder_country(event.to)
                if country not in (US, None):
                    return Removal(event.at, (event.id,), country, event.to)
            return None
        if not self.international or self.us_departure is None:
            return None
        if theory == "departure":
            return Removal(self.us_departure.at, (self.us_departure.id,), self.destination)
        if self.exits:
            return Removal(self.exits[0].at, (self.exits[0].id,), self.destination)
        abroad = self.foreign_landings
        if not abroad:
            return None
        return Removal(self.us_departure.at.hull(abroad[0].at),
                       (self.us_departure.id, abroad[0].id), self.destination)

    def changes(self, theory: RemovalComplete) -> list[Change]:
        """Changes of custody this movement makes to everyone aboard."""
        out: list[Change] = []
        for event in self.handovers:
            in_us = self.holder_country(event.to) == US
            out.append(Change(event.at, event.id, event.to, in_us, self.movement.id,
                              event.from_))
        for event in self.turned_back:
            if event.kind == "returned":
                out.append(Change(event.at, event.id, event.to, True, self.movement.id))
        removal = self.removal(theory)
        if removal is not None and theory != "custody_transfer":
            out.append(Change(removal.at, removal.events[0], None, False, self.movement.id))
        return out


def _subject_changes(case: Case, event: Event) -> Change | None:
    """A change of custody that an event makes to the people it names."""
    if event.kind in ("custody_transferred", "returned") and event.to is not None:
        holder = case.holders.get(event.to)
        in_us = holder.country == US if holder is not None else None
        return Change(event.at, event.id, event.to,
                      True if event.kind == "returned" else in_us, giver=event.from_)
    return None


class CaseState:
    """Indexes of a case's events, built once: by movement, by subject, by kind."""

    def __init__(self, case: Case) -> None:
        self.case = case
        by_movement: dict[str, list[Event]] = defaultdict(list)
        self.person_events: dict[str, list[Event]] = defaultdict(list)
        self.by_kind: dict[str, list[Event]] = defaultdict(list)
        #: The latest moment any event speaks of: "now" for an audit without ``as_of``.
        self.last_event: When | None = None
        for event in case.events.values():
            if self.last_event is None or event.at.latest > self.last_event.latest:
                self.last_event = event.at
            if event.kind == "position":
                continue
            if event.movement is not None:
                by_movement[event.movement].append(event)
            for subject in event.people:
                self.person_events[subject].append(event)
            self.by_kind[event.kind].append(event)
        for events in self.by_kind.values():
            events.sort(key=lambda e: (e.at.earliest, e.at.latest, e.id))
        self.movements = {mid: MovementFacts(case, m, by_movement.get(mid, []))
                          for mid, m in case.movements.items()}
        self.aboard_of: dict[str, list[str]] = defaultdict(list)
        for mid, facts in self.movements.items():
            for subject in facts.aboard:
                self.aboard_of[subject].append(mid)
        self._own: dict[str, list[Change]] = {}
        self._moved: dict[tuple[str, RemovalComplete], list[Change]] = {}

    def subject(self, subject_id: str) -> Person | Group | None:
        return self.case.people.get(subject_id) or self.case.groups.get(subject_id)

    def initial(self, subject_id: str) -> Custody:
        subject = self.subject(subject_id)
        holder = subject.held_by if subject is not None else None
        found = self.case.holders.get(holder) if holder else None
        return Custody(holder, found is None or found.country == US)

    def own_changes(self, subject_id: str) -> list[Change]:
        """Changes made by events that name the subject itself."""
        if subject_id not in self._own:
            self._own[subject_id] = [c for e in self.person_events.get(subject_id, ())
                                     if (c := _subject_changes(self.case, e)) is not None]
        return self._own[subject_id]

    def movement_changes(self, movement_id: str, theory: RemovalComplete) -> list[Change]:
        key = (movement_id, theory)
        if key not in self._moved:
            self._moved[key] = self.movements[movement_id].changes(theory)
        return self._moved[key]

    def _changes(self, subject_id: str, theory: RemovalComplete,
                 movement: str | None) -> Iterator[tuple[Change, Tri]]:
        """Each change touching the subject, with how surely it applies to it.

        Aboard a given movement we follow that cohort: the movement's changes apply to it in
        full. Otherwise a person is moved by every movement they were aboard (as surely as
        they were aboard), and a group only possibly: another movement took other members.
        """
        for change in self.own_changes(subject_id):
            yield change, Tri.CERTAIN
        is_group = subject_id in self.case.groups
        for mid in self.aboard_of.get(subject_id, ()):
            if mid == movement:
                applies = Tri.CERTAIN
            elif movement is not None and is_group:
                continue
            else:
                applies = Tri.POSSIBLE if is_group else self.movements[mid].aboard[subject_id]
            for change in self.movement_changes(mid, theory):
                yield change, applies

    def custody(self, subject_id: str, at: When, theory: RemovalComplete,
                movement: str | None = None,
                exclude: frozenset[str] = frozenset()) -> frozenset[Custody]:
        """Every custody the subject may be in just before ``at`` (one when the record is
        sure): a change at the very moment of ``at`` is not yet counted.

        ``exclude`` leaves out the events of the action being judged, so that membership is
        decided as things stood just before it.
        """
        if subject_id not in self.person_events and subject_id not in self.aboard_of:
            return frozenset((self.initial(subject_id),))
        changes = sorted(((c, t) for c, t in self._changes(subject_id, theory, movement)
                          if c.event not in exclude),
                         key=lambda ct: (ct[0].at.earliest, ct[0].at.latest, ct[0].event))
        states = {self.initial(subject_id)}
        for change, applies in changes:
            happened = min(before(change.at, at), applies)
            if happened is Tri.CERTAIN:
                states = {change.apply(s) for s in states}
            elif happened is Tri.POSSIBLE and len(states) < _MAX_STATES:
                states |= {change.apply(s) for s in states}
        return frozenset(states)

    def history(self, subject_id: str,
                theory: RemovalComplete) -> tuple[When, When, Custody | None] | None:
        """``None`` for a subject no event ever moved; else the earliest and latest of its
        changes and the custody they certainly leave it in (``None`` if one of them only
        possibly applies to it). What lets a population be judged in bulk."""
        if subject_id not in self.person_events and subject_id not in self.aboard_of:
            return None
        changes = sorted(self._changes(subject_id, theory, None),
                         key=lambda ct: (ct[0].at.earliest, ct[0].at.latest, ct[0].event))
        if not changes:
            return None
        first = min((c.at for c, _ in changes), key=lambda w: w.earliest)
        last = max((c.at for c, _ in changes), key=lambda w: w.latest)
        state: Custody | None = self.initial(subject_id)
        for change, applies in changes:
            if applies is not Tri.CERTAIN or state is None:
                state = None
                break
            state = change.apply(state)
        return first, last, state

    def under_way(self, movement_id: str, at: When) -> Tri:
        """Departed from the US and not yet at its final destination (a via stop counts as
        under way) at ``at``, and not turned back."""
        facts = self.movements[movement_id]
        if facts.us_departure is None:
            return Tri.NO
        departed = at_or_before(facts.us_departure.at, at)
        if departed is Tri.NO:
            return Tri.NO
        final = facts.final_landing
        arrived = at_or_before(final.at, at) if final is not None else Tri.NO
        back = max((at_or_before(e.at, at) for e in facts.back_home), default=Tri.NO)
        return min(departed, arrived.negate(), back.negate())
