"""Manifests: who was boarded on, or struck from, a movement, from a CSV file.

Columns (header names, any case): ``person`` (a person or group id of the reference case, or
an A-number such as ``A-201-555-123``), ``movement`` (a movement id), ``status`` (``boarded``
or ``struck``), and optionally ``reason`` and ``time`` (ISO 8601; without an offset the
case's time zone applies; a date alone is the whole day). Names that the reference case
does not know are refused by line: a manifest must never invent a person or a flight.

A spreadsheet in the columns of ICE's Alien Repatriation and Transfer System (ARTS), as
released under FOIA and documented in the University of Washington Center for Human Rights'
ARTS passenger data dictionary, is read as it is: ``AlienMasterID`` (the person, matched
against the ``arts`` identifier of the case's people), ``MissionNumber`` and ``MissionDate``
(the movement whose ``flight`` is that mission number and whose planned departure, else its
first recorded event, falls on that date), ``StrikeFromList`` (1 struck, 0 or empty
boarded) and ``ReasonStruck``. The mission date becomes the whole day in the case's time
zone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, tzinfo
from pathlib import Path

import pydantic

from habeas.bundle.load import problems_from_pydantic
from habeas.domain import Case, Event, When
from habeas.domain.time import zone
from habeas.importers.csvrows import read_rows
from habeas.importers.inputs import readable_file
from habeas.importers.report import Report, Taken
from habeas.importers.sources import file_source

REQUIRED = ("person", "movement", "status")
#: The ARTS columns read, by their names in the ARTS passenger data dictionary.
ARTS_REQUIRED = ("alienmasterid", "missionnumber", "missiondate")
ARTS_IDENTIFIER = "arts"
_STRUCK = {"1", "1.0", "true", "yes", "y"}
_NOT_STRUCK = {"", "0", "0.0", "false", "no", "n"}
STATUSES = ("boarded", "struck")
_A_NUMBER = re.compile(r"^A?[\s-]*(\d{2,3})[\s-]*(\d{3})[\s-]*(\d{3})$", re.IGNORECASE)


def a_number(text: str) -> str | None:
    """An A-number in one form (nine digits), whatever dashes or spaces it was written
    with; ``None`` if ``text`` is not one."""
    match = _A_NUMBER.fullmatch(text.strip())
    return "".join(match.groups()).zfill(9) if match else None


def people_by_a_number(case: Case) -> dict[str, str]:
    """Person id by A-number, from any identifier of a person that reads as one."""
    index: dict[str, str] = {}
    for person in case.people.values():
        for value in person.identifiers.values():
            number = a_number(value)
            if number:
                index[number] = person.id
    return index


def read_manifest(path: Path, case: Case, *, default_time: str | None = None,
                  progress: bool = True) -> Report:
    """Read the manifest at ``path`` against ``case`` into ``boarded``/``struck`` events.

    ``default_time`` is used for rows without a time (a manifest usually bears one date);
    without it such rows are refused, because an event with no time cannot be placed
    against an order.
    """
    report = Report(str(path), "manifest")
    if not readable_file(path, report):
        return report
    tz = zone(case.timezone)
    by_number = people_by_a_number(case)
    seen: dict[str, int] = {}
    arts: ArtsIndex | None = None
    rows = read_rows(path, REQUIRED, report, progress=progress, alternatives=(ARTS_REQUIRED,))
    for line, columns, row in rows:
        if arts is None and all(name in columns for name in ARTS_REQUIRED):
            arts = ArtsIndex(case)
        fields = {name: row[index].strip() for name, index in columns.items()}
        if arts is not None:
            fields = arts.fields(line, fields, report)
            if not fields:
                continue
        event = _event(line, fields, case, by_number, default_time, tz, report)
        if event is None:
            continue
        if event.id in seen:
            report.refuse(line, "person", fields["person"],
                          f"same person, movement and status as line {seen[event.id]}")
            continue
        seen[event.id] = line
        report.take(line, "events", event)
    if report.taken:
        source = file_source(path, "manifest", "Manifest")
        report.taken = [Taken(t.line, t.section, t.obj.model_copy(update={"source": (source.id,)}))
                        for t in report.taken]
        report.taken.insert(0, Taken(1, "sources", source))
    return report


def _event(line: int, fields: Mapping[str, str], case: Case, by_number: Mapping[str, str],
           default_time: str | None, tz: tzinfo, report: Report) -> Event | None:
    person = _subject(fields["person"], case, by_number)
    if person is None:
        report.refuse(line, "person", fields["person"],
                      "no person or group with this id or A-number in the reference case")
        return None
    movement = fields["movement"]
    if movement not in case.movements:
        report.refuse(line, "movement", movement, "no movement with this id in the reference "
                      "case")
        return None
    status = fields["status"].lower()
    if status not in STATUSES:
        report.refuse(line, "status", fields["status"], "boarded or struck")
        return None
    raw_time = fields.get("time") or default_time
    if not raw_time:
        report.refuse(line, "time", "", "a time is required: give it in the row, or a "
                      "default time for the manifest")
        return None
    try:
        at = When.parse(raw_time, tz)
    except ValueError as error:
        report.refuse(line, "time", raw_time, str(error))
        return None
    try:
        return Event(id=f"{movement}.manifest.{status}.{person}", at=at, kind=status,
                     movement=movement, people=(person,), reason=fields.get("reason") or None)
    except pydantic.ValidationError as error:
        for problem in problems_from_pydantic(error):
            report.refuse(line, problem.path, problem.value, problem.rule)
        return None


class ArtsIndex:
    """How ARTS rows name people and missions, resolved against the reference case."""

    def __init__(self, case: Case) -> None:
        self.people = {p.identifiers[ARTS_IDENTIFIER].strip(): p.id
                       for p in case.people.values() if ARTS_IDENTIFIER in p.identifiers}
        tz = zone(case.timezone)
        first: dict[str, datetime] = {}
        for event in case.events.values():
            if event.movement and (event.movement not in first
                                   or event.at.earliest < first[event.movement]):
                first[event.movement] = event.at.earliest
        self.missions: dict[tuple[str, str], list[str]] = {}
        for movement in case.movements.values():
            start = movement.planned.earliest if movement.planned else first.get(movement.id)
            if movement.flight and start is not None:
                day = start.astimezone(tz).date().isoformat()
                self.missions.setdefault((_mission(movement.flight), day), []).append(
                    movement.id)

    def fields(self, line: int, row: Mapping[str, str], report: Report) -> dict[str, str]:
        """The row in the manifest's own columns, or ``{}`` after refusing it."""
        person = self.people.get(row["alienmasterid"])
        if person is None:
            report.refuse(line, "AlienMasterID", row["alienmasterid"], "no person in the "
                          f"reference case has this ARTS id (identifiers.{ARTS_IDENTIFIER})")
            return {}
        day = row["missiondate"][:10]
        movements = self.missions.get((_mission(row["missionnumber"]), day), [])
        if len(movements) != 1:
            report.refuse(line, "MissionNumber", f"{row['missionnumber']} on {day}",
                          ("no movement" if not movements else "more than one movement")
                          + " in the reference case has this flight number and date (its "
                          "planned departure, else its first event)")
            return {}
        flag = row.get("strikefromlist", "").strip().lower()
        if flag not in _STRUCK and flag not in _NOT_STRUCK:
            report.refuse(line, "StrikeFromList", row.get("strikefromlist"), "1 (struck) or "
                          "0 / empty (on the mission)")
            return {}
        return {"person": person, "movement": movements[0],
                "status": "struck" if flag in _STRUCK else "boarded",
                "reason": row.get("reasonstruck", ""), "time": day}


def _mission(text: str) -> str:
    """A mission number as text: ``11234``, ``11234.0`` and `` 11234 `` are the same."""
    text = text.strip()
    return text[:-2] if text.endswith(".0") else text


def _subject(text: str, case: Case, by_number: Mapping[str, str]) -> str | None:
    if case.is_subject(text):
        return text
    number = a_number(text)
    return by_number.get(number) if number else None
