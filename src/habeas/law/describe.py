"""Words for sentences a lawyer would accept: names, places and times in the case's zone.

Reasons are written from the data, never from templates keyed to a case: "flight GXA6143"
comes from the movement's flight number, "Palmerola (Soto Cano), Comayagua, Honduras" from
the place's name, "18:45-18:48 EDT" from the order's interval shown in America/New_York.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo

from habeas.domain import Case, Order, Prohibition, When
from habeas.domain.time import zone


class Describe:
    """Phrases for one case, with times in ``tz`` (default: the case's own zone)."""

    def __init__(self, case: Case, tz: tzinfo | None = None) -> None:
        self.case = case
        self.tz = tz or zone(case.timezone)
        self._times: dict[When, str] = {}

    def time(self, when: When) -> str:
        """``2025-03-15 18:45-18:48 EDT``; remembered, since the guard names the same
        effect times again and again."""
        text = self._times.get(when)
        if text is None:
            if len(self._times) > 100_000:
                self._times.clear()
            text = self._times[when] = when.format(self.tz)
        return text

    def subject(self, subject_id: str) -> str:
        person = self.case.people.get(subject_id)
        if person is not None:
            return person.name
        group = self.case.groups.get(subject_id)
        if group is None:
            return subject_id
        label = f"group {subject_id}" if group.name is None else f"{group.name} ({subject_id})"
        return f"the {group.count} people of {label}" if group.count else f"members of {label}"

    def subjects(self, ids: Iterable[str]) -> str:
        return join([self.subject(s) for s in ids])

    def movement(self, movement_id: str) -> str:
        movement = self.case.movements.get(movement_id)
        if movement is None:
            return movement_id
        noun = {"air": "flight", "ground": "transfer", "sea": "vessel"}[movement.mode]
        return f"{noun} {movement.flight or movement.callsign or movement.tail or movement_id}"

    def movements(self, ids: Iterable[str]) -> str:
        ids = list(ids)
        if len(ids) == 1:
            return self.movement(ids[0])
        movements = [self.movement(m) for m in ids]
        noun = movements[0].split(" ")[0]
        if all(m.startswith(noun + " ") for m in movements):
            return noun + "s " + join([m[len(noun) + 1:] for m in movements])
        return join(movements)

    def place(self, place_id: str | None) -> str:
        place = self.case.places.get(place_id) if place_id else None
        return place.name if place else (place_id or "an unrecorded place")

    def holder(self, holder_id: str | None) -> str:
        holder = self.case.holders.get(holder_id) if holder_id else None
        return f"{holder.name} ({holder.country})" if holder else (holder_id or "another holder")

    def order(self, order: Order) -> str:
        return f"the {order.form} order {order.id}"

    @staticmethod
    def forbidden(prohibition: Prohibition) -> str:
        """What a prohibition forbids, as a noun phrase: ``removal to SV``."""
        return {"remove": "removal from the United States",
                "remove_to": f"removal to {', '.join(prohibition.countries)}",
                "transfer_custody": "a transfer to foreign custody",
                "transfer_out_of": f"a transfer out of {', '.join(prohibition.districts)}",
                "depart": "a departure with them aboard"}[prohibition.action]

    def count(self, ids: Iterable[str]) -> int | None:
        return people_count(self.case, ids)


def people_count(case: Case, ids: Iterable[str]) -> int | None:
    """Named people count one each, groups their count; ``None`` if a count is unknown."""
    total = 0
    for subject in ids:
        if subject in case.people:
            total += 1
            continue
        group = case.groups.get(subject)
        if group is None or group.count is None:
            return None
        total += group.count
    return total


def capital(phrase: str) -> str:
    """The phrase opening a sentence: "the 137 people ..." -> "The 137 people ...", but an
    id stays as it is ("p2693" is not "P2693")."""
    first = phrase.split(" ", 1)[0]
    if first in ("the", "members", "flight", "flights", "transfer", "vessel"):
        return phrase[0].upper() + phrase[1:]
    return phrase


def join(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
