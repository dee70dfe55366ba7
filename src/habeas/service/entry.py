"""One new case object from a shell: validated against the case, then drafted as records.

The checks are the bundle's own (the domain models and ``Case.problems``), applied to the
case with the object added, so a form or an API call is held to exactly what an import is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import pydantic

from habeas.bundle.load import problems_from_pydantic
from habeas.bundle.records import CASE_KIND, case_to_drafts
from habeas.domain import SECTIONS, Case, Entity
from habeas.errors import Problem, ValidationError
from habeas.ledger import RecordDraft

#: The longest id a case accepts (``habeas.domain.base``).
MAX_ID = 100


def validate(case: Case, section: str, payload: Mapping[str, Any]) -> Entity:
    """``payload`` as a new object of ``section``, checked field by field and against every
    object it names; problem paths are relative to the object (``at``, ``protects.people[0]``).
    """
    model = SECTIONS[section][1]
    data = dict(payload)
    data.setdefault("id", fresh_id(case, section, data))
    try:
        obj = model.model_validate(data, context={"tz": ZoneInfo(case.timezone)})
    except pydantic.ValidationError as error:
        raise ValidationError(problems_from_pydantic(error)) from None
    if obj.id in case.section(section):
        raise ValidationError(Problem("id", obj.id, f"{section} already holds this id; "
                                      "a correction is a new record"))
    merged = with_section(case, section, {**case.section(section), obj.id: obj})
    prefix = f"{section}.{obj.id}"
    problems = [dataclasses.replace(p, path=p.path.removeprefix(prefix).lstrip("."))
                for p in merged.problems() if p.path.startswith(prefix)]
    if problems:
        raise ValidationError(problems)
    return obj


def drafts(obj: Entity, section: str, actor: str, key: str | None) -> list[RecordDraft]:
    """The records for ``obj``, as an import would write them; ``key`` makes them
    idempotent per request."""
    found = [d for d in case_to_drafts(with_section(Case(), section, {obj.id: obj}), actor=actor)
             if d.kind != CASE_KIND]
    if key is None:
        return found
    return [dataclasses.replace(d, idempotency_key=f"{key}:{i}") for i, d in enumerate(found)]


def with_section(case: Case, section: str, objects: Mapping[str, Entity]) -> Case:
    """``case`` with one section replaced."""
    changes: dict[str, Any] = {section: objects}
    return dataclasses.replace(case, **changes)


def fresh_id(case: Case, section: str, data: Mapping[str, Any]) -> str:
    """An id in the bundle's style for an object sent without one: ``gxa6122.departed.3``.

    The stem is cut, never the counter, so each candidate differs from the last (cutting
    the whole id to 100 characters once made every candidate for a long movement id the
    same, and the search never ended); of ``len(taken) + 1`` distinct candidates one is
    free.
    """
    stem = str(data.get("movement") or data.get("order") or section.rstrip("s"))
    kind = str(data.get("kind", "record"))[:MAX_ID // 4]
    taken = case.section(section)
    for n in range(1, len(taken) + 2):
        suffix = f".{kind}.{n}"
        candidate = stem[:MAX_ID - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable: more distinct candidates than taken ids")


