"""Cases to ledger records and back.

Each object of a case becomes one record: ``kind`` is the singular of its section
(``order``, ``event``...), ``payload`` is the object's JSON with its ``id``, and
``occurred_at`` is its valid time when it has one. Reading back folds the log in order:
a record that ``corrects`` another replaces that object, one that ``retracts`` removes it,
and a read "as known at" a recorded time sees only the records the ledger held then.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydantic

from habeas.bundle.load import problems_from_pydantic
from habeas.domain import KIND_TO_SECTION, SECTIONS, Case, Entity, RecordRef
from habeas.domain.time import zone
from habeas.errors import Problem, ValidationError

if TYPE_CHECKING:
    from habeas.ledger import Ledger, Record, RecordDraft

CASE_KIND = "case"

#: The field that carries each kind's valid time, copied to the record's ``occurred_at``.
TIME_FIELDS = {
    "authority": "issued", "order": "issued", "notice": "at", "motion": "filed",
    "agreement": "start", "statement": "at", "event": "at",
}


def entity_payload(obj: Entity) -> dict[str, Any]:
    """The object's JSON as stored in the ledger: aliases (``from``, ``class``), no defaults."""
    payload: dict[str, Any] = obj.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    payload["id"] = obj.id
    return payload


def content_key(kind: str, payload: dict[str, Any], corrects: int | None = None) -> str:
    """An idempotency key that is the same exactly when the content is the same; a
    correction's key also names the record it corrects, so that changing an object back
    to an earlier state is a new record, not a clash with the first one."""
    named = [kind, payload] if corrects is None else [kind, payload, corrects]
    digest = hashlib.sha256(
        json.dumps(named, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    return f"{kind}:{payload.get('id', '')}:{digest[:32]}"


@dataclass(frozen=True)
class Planned:
    """One record to write for a case object, and whether it corrects an earlier one."""

    kind: str
    payload: dict[str, Any]
    occurred_at: Any
    source: tuple[str, ...]
    corrects: int | None


def plan_import(case: Case, current: dict[tuple[str, str], tuple[int, dict[str, Any]]]
                ) -> tuple[list[Planned], int]:
    """What importing ``case`` must append, given the latest record of each object.

    Unchanged objects are skipped (importing a bundle twice adds nothing); changed ones are
    appended as corrections of the record they supersede. Returns the plan and the number
    of objects left unchanged.
    """
    plan: list[Planned] = []
    unchanged = 0
    header = {"title": case.title, "timezone": case.timezone}
    candidates: list[tuple[str, dict[str, Any], Any, tuple[str, ...]]] = [
        (CASE_KIND, {"id": "case", **header}, None, ())]
    for section, obj in case.objects():
        kind = SECTIONS[section][0]
        payload = entity_payload(obj)
        candidates.append((kind, payload, payload.get(TIME_FIELDS.get(kind, "")), obj.source))
    for kind, payload, occurred, source in candidates:
        before = current.get((kind, payload["id"]))
        if before is not None and before[1] == payload:
            unchanged += 1
            continue
        plan.append(Planned(kind, payload, occurred, tuple(source),
                            before[0] if before else None))
    return plan, unchanged


def drafts_for(plan: list[Planned], actor: str) -> list[RecordDraft]:
    """Ledger drafts for a plan, each with a content-derived idempotency key."""
    from habeas.ledger import RecordDraft

    return [
        RecordDraft(kind=item.kind, payload=item.payload, occurred_at=item.occurred_at,
                    source=item.source, actor=actor,
                    idempotency_key=content_key(item.kind, item.payload, item.corrects),
                    corrects=item.corrects)
        for item in plan
    ]


def case_to_drafts(case: Case, actor: str = "bundle") -> list[RecordDraft]:
    """Every record a fresh ledger needs to hold ``case``."""
    return drafts_for(plan_import(case, {})[0], actor)


@dataclass
class _Fold:
    """The log folded to its latest state: object key -> (seq, leaf hash, payload)."""

    latest: dict[tuple[str, str], tuple[int, str, dict[str, Any]]]
    key_of_seq: dict[int, tuple[str, str]]

    @classmethod
    def of(cls, records: Iterable[Record], known_at: datetime | None) -> _Fold:
        fold = cls({}, {})
        for record in records:
            if known_at is not None and _recorded(record) > known_at:
                break
            fold.apply(record)
        return fold

    def apply(self, record: Record) -> None:
        if record.retracts is not None:
            key = self.key_of_seq.get(record.retracts)
            if key is not None:
                self.latest.pop(key, None)
            return
        if record.kind != CASE_KIND and record.kind not in KIND_TO_SECTION:
            return  # records of other layers (acknowledgements, ...) are not case objects
        obj_id = str(record.payload.get("id", ""))
        key = (record.kind, obj_id)
        if record.corrects is not None:
            replaced = self.key_of_seq.get(record.corrects)
            if replaced is not None and replaced != key:
                self.latest.pop(replaced, None)
        self.latest[key] = (record.seq, record.leaf_hash.hex(), record.payload)
        self.key_of_seq[record.seq] = key


def _recorded(record: Record) -> datetime:
    value = record.recorded_at
    return value if isinstance(value, datetime) else datetime.fromisoformat(
        str(value).replace("Z", "+00:00"))


def latest_objects(records: Iterable[Record]
                   ) -> dict[tuple[str, str], tuple[int, dict[str, Any]]]:
    """The latest record of every case object: what ``plan_import`` compares against."""
    latest = _Fold.of(records, None).latest
    return {key: (seq, payload) for key, (seq, _, payload) in latest.items()}


def case_from_records(records: Iterable[Record], known_at: datetime | None = None) -> Case:
    """The case as the log stood at recorded time ``known_at`` (default: now).

    A record that cannot be read as a case object is an error naming its seq: the log is
    append-only, so the remedy is a record that retracts or corrects it.
    """
    fold = _Fold.of(records, known_at)
    header = next((p for (kind, _), (_, _, p) in fold.latest.items() if kind == CASE_KIND), {})
    timezone = str(header.get("timezone", "UTC"))
    tz = zone(timezone)
    sections: dict[str, dict[str, Entity]] = {name: {} for name in SECTIONS}
    refs: dict[tuple[str, str], RecordRef] = {}
    problems: list[Problem] = []
    for (kind, obj_id), (seq, leaf_hash, payload) in sorted(
            fold.latest.items(), key=lambda item: item[1][0]):
        if kind == CASE_KIND:
            continue
        section = KIND_TO_SECTION[kind]
        model = SECTIONS[section][1]
        try:
            obj = model.model_validate(payload, context={"tz": tz})
        except pydantic.ValidationError as error:
            for problem in problems_from_pydantic(error):
                problems.append(Problem(f"seq {seq} ({kind} {obj_id}).{problem.path}",
                                        problem.value, problem.rule))
            continue
        sections[section][obj_id] = obj
        refs[(section, obj_id)] = RecordRef(seq, leaf_hash)
    case = Case(title=str(header.get("title", "")), timezone=timezone, refs=refs,
                **sections)  # type: ignore[arg-type]
    problems += case.problems()
    if problems:
        raise ValidationError(problems, source="ledger")
    return case


def case_from_ledger(url: str, known_at: datetime | None = None) -> Case:
    """Open the ledger at ``url`` and read its case as known at ``known_at``."""
    from habeas.ledger import Ledger

    ledger = Ledger.open(url)
    try:
        return case_from_records(ledger.scan(), known_at)
    finally:
        ledger.close()


@dataclass(frozen=True)
class ImportResult:
    """What an import did: records appended (new or corrections) and objects unchanged."""

    records: list[Record]
    added: int
    corrected: int
    unchanged: int


def import_case(ledger: Ledger, case: Case, actor: str = "bundle") -> ImportResult:
    """Append what ``case`` adds to or changes in the ledger, atomically.

    The expected size makes a concurrent writer's interleaving an ``IntegrityError``
    rather than a correction computed against a stale view.
    """
    size = ledger.size()
    plan, unchanged = plan_import(case, latest_objects(ledger.scan(0, size)))
    records = ledger.append(drafts_for(plan, actor), expected_size=size) if plan else []
    corrected = sum(1 for item in plan if item.corrects is not None)
    return ImportResult(records, len(plan) - corrected, corrected, unchanged)


def load_case(bundle: str | Path | None = None, db: str | None = None,
              known_at: datetime | None = None) -> Case:
    """The case a command works on: a bundle file, or the ledger at ``db``.

    A bundle is first appended to an in-memory ledger and read back, so that every finding
    about it cites a ledger seq and leaf hash exactly as it would from a real ledger.
    """
    if (bundle is None) == (db is None):
        raise ValidationError(Problem("", None, "give either a bundle file or --db, not both"))
    if db is not None:
        return case_from_ledger(db, known_at)
    from habeas.bundle.load import load_bundle
    from habeas.ledger import Ledger

    assert bundle is not None
    with Ledger.init("memory:") as ledger:
        import_case(ledger, load_bundle(bundle))
        return case_from_records(ledger.scan(), known_at)
