"""Records: what a caller submits (``RecordDraft``), what the log holds (``Record``), the rules
a draft must follow, and the exact object whose canonical bytes become the leaf.

The leaf object has the keys ``seq``, ``recorded_at``, ``kind``, ``payload``, ``source`` and
``actor`` always, and ``occurred_at``, ``idempotency_key``, ``corrects``, ``retracts`` only
when set: an absent optional is omitted, never ``null``, so adding an optional field later
does not change old leaves. ``docs/ledger.md`` is the reference for third parties.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from habeas.errors import Problem, ValidationError
from habeas.ledger.canonical import MAX_SAFE_INTEGER, canonical_bytes

Interval = tuple[str, str]
OccurredAt = str | Interval
JsonObject = dict[str, Any]

KIND_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,199}")
MAX_KEY_LENGTH = 512


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with microseconds and ``Z``: fixed width, so text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    """Read ``format_time`` output (or any ISO 8601 instant with an offset) as aware UTC."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class RecordDraft:
    """A record before the log gives it a place: everything the caller vouches for."""

    kind: str
    payload: Mapping[str, Any]
    occurred_at: OccurredAt | None = None
    source: Sequence[Any] = ()
    actor: str = ""
    idempotency_key: str | None = None
    corrects: int | None = None
    retracts: int | None = None

    def content(self) -> JsonObject:
        """The caller's part of the leaf object, optionals omitted when absent."""
        content: JsonObject = {
            "kind": self.kind,
            "payload": dict(self.payload),
            "source": list(self.source),
            "actor": self.actor,
        }
        if self.occurred_at is not None:
            content["occurred_at"] = (self.occurred_at if isinstance(self.occurred_at, str)
                                      else list(self.occurred_at))
        for name in ("idempotency_key", "corrects", "retracts"):
            value = getattr(self, name)
            if value is not None:
                content[name] = value
        return content

    @classmethod
    def from_json(cls, data: Any, path: str = "") -> RecordDraft:
        """A draft from a decoded JSON object (a line of ``habeas append``); rejects unknown
        fields so a typo is not silently dropped."""
        if not isinstance(data, dict):
            raise ValidationError(Problem(path, type(data).__name__, "must be a JSON object"))
        unknown = sorted(set(data) - _DRAFT_FIELDS)
        if unknown:
            raise ValidationError([Problem(_join(path, name), data[name], "unknown field")
                                   for name in unknown])
        if "kind" not in data or "payload" not in data:
            raise ValidationError(Problem(path, sorted(data), "needs 'kind' and 'payload'"))
        occurred = data.get("occurred_at")
        if isinstance(occurred, list) and len(occurred) == 2:
            occurred = (occurred[0], occurred[1])
        return cls(kind=data["kind"], payload=data["payload"], occurred_at=occurred,
                   source=data.get("source", ()), actor=data.get("actor", ""),
                   idempotency_key=data.get("idempotency_key"),
                   corrects=data.get("corrects"), retracts=data.get("retracts"))


_DRAFT_FIELDS = {"kind", "payload", "occurred_at", "source", "actor", "idempotency_key",
                 "corrects", "retracts"}


@dataclass(frozen=True)
class Record:
    """A record in the log. ``leaf_hash`` is ``SHA-256(0x00 || canonical bytes)``."""

    seq: int
    recorded_at: datetime
    kind: str
    payload: JsonObject
    occurred_at: OccurredAt | None = None
    source: tuple[Any, ...] = ()
    actor: str = ""
    idempotency_key: str | None = None
    corrects: int | None = None
    retracts: int | None = None
    leaf_hash: bytes = field(default=b"", compare=False)

    def draft(self) -> RecordDraft:
        return RecordDraft(self.kind, self.payload, self.occurred_at, self.source, self.actor,
                           self.idempotency_key, self.corrects, self.retracts)

    def leaf_object(self) -> JsonObject:
        """The object whose RFC 8785 bytes are the leaf (everything but the leaf hash)."""
        return {"seq": self.seq, "recorded_at": format_time(self.recorded_at),
                **self.draft().content()}

    def to_json(self) -> JsonObject:
        """The leaf object plus ``leaf_hash`` in hex: what ``habeas log --json`` prints."""
        return {**self.leaf_object(), "leaf_hash": self.leaf_hash.hex()}

    @classmethod
    def from_leaf(cls, body: bytes, leaf_hash: bytes) -> Record:
        """Rebuild a record from its stored canonical bytes."""
        data = json.loads(body)
        occurred = data.get("occurred_at")
        return cls(seq=data["seq"], recorded_at=parse_time(data["recorded_at"]),
                   kind=data["kind"], payload=data["payload"],
                   occurred_at=tuple(occurred) if isinstance(occurred, list) else occurred,
                   source=tuple(data["source"]), actor=data["actor"],
                   idempotency_key=data.get("idempotency_key"),
                   corrects=data.get("corrects"), retracts=data.get("retracts"),
                   leaf_hash=leaf_hash)


@dataclass(frozen=True)
class Prepared:
    """A validated draft, encoded once, before the sequencer gives it a seq and a time.

    JCS writes an object as its members in key order, and the leaf's keys are fixed ASCII
    names, so the leaf bytes are the canonical bytes of the fields before ``recorded_at``,
    then ``recorded_at``, ``retracts``, ``seq`` and ``source`` spliced in: the same bytes as
    encoding the whole leaf object (a test holds them equal), at a fraction of the cost
    inside the one critical section every append goes through.
    """

    draft: RecordDraft
    head: bytes
    source: bytes

    @classmethod
    def of(cls, draft: RecordDraft, path: str = "") -> Prepared:
        """Encode a draft that ``validate`` passed; a value JSON cannot hold is reported
        with its path."""
        content = draft.content()
        source = content.pop("source")
        content.pop("retracts", None)  # what is left sorts before "recorded_at"
        try:
            head, tail = canonical_bytes(content), canonical_bytes(source)
        except ValidationError as error:
            problems: list[Problem] = []
            _check_json(_join(path, "payload"), content["payload"], problems)
            _check_json(_join(path, "source"), source, problems)
            raise ValidationError(problems or [Problem(path, error.problems[0].value,
                                                       error.problems[0].rule)]) from None
        return cls(draft, head, tail)

    def fingerprint(self) -> bytes:
        """Equal for drafts with equal content: what an idempotent replay must match."""
        return b"\n".join((self.head, self.source, str(self.draft.retracts).encode()))

    def leaf(self, seq: int, recorded_at: str) -> bytes:
        """The canonical bytes of the whole leaf object."""
        return self.leaf_stamped(seq, stamp(recorded_at))

    def leaf_stamped(self, seq: int, stamped: bytes) -> bytes:
        """``leaf`` with ``stamp(recorded_at)`` made once for a whole batch."""
        retracts = self.draft.retracts
        return b"".join((self.head[:-1], stamped,
                         b"" if retracts is None else b',"retracts":%d' % retracts,
                         b',"seq":%d,"source":' % seq, self.source, b"}"))


def stamp(recorded_at: str) -> bytes:
    """The ``recorded_at`` member as it sits in a leaf, after the fields before it."""
    return b',"recorded_at":"' + recorded_at.encode() + b'"'


_new = object.__new__
_set_dict = object.__setattr__


def placed(seq: int, moment: datetime, draft: RecordDraft, leaf_hash: bytes) -> Record:
    """``Record(seq, moment, <the draft's fields, payload and source copied>, leaf_hash)``
    without the frozen dataclass ``__init__`` (one ``object.__setattr__`` per field): the
    same object, built at a third of the cost on the append path."""
    record = _new(Record)
    _set_dict(record, "__dict__", {
        "seq": seq, "recorded_at": moment, "kind": draft.kind, "payload": dict(draft.payload),
        "occurred_at": draft.occurred_at, "source": tuple(draft.source), "actor": draft.actor,
        "idempotency_key": draft.idempotency_key, "corrects": draft.corrects,
        "retracts": draft.retracts, "leaf_hash": leaf_hash})
    return record


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_time(path: str, value: Any, problems: list[Problem]) -> datetime | None:
    if not isinstance(value, str):
        problems.append(Problem(path, value, "must be an ISO 8601 string with a UTC offset"))
        return None
    try:
        return parse_time(value)
    except ValueError:
        problems.append(Problem(path, value, "must be an ISO 8601 instant with a UTC offset"))
        return None


def _check_json(path: str, value: Any, problems: list[Problem]) -> None:
    """Say where a value that has no canonical JSON form went wrong (run only on failure:
    the encoder itself is the check on the happy path)."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            for key, sub in item.items():
                if not isinstance(key, str):
                    problems.append(Problem(where, key, "object keys must be strings"))
                else:
                    stack.append((_join(where, key), sub))
        elif isinstance(item, list | tuple):
            stack.extend((f"{where}[{i}]", sub) for i, sub in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            problems.append(Problem(where, item, "numbers must be finite"))
        elif _is_int(item) and abs(item) > MAX_SAFE_INTEGER:
            problems.append(Problem(where, item, "integers must lie within +-(2**53 - 1)"))
        elif isinstance(item, str) and not _utf8(item):
            problems.append(Problem(where, item, "text must be valid Unicode (no lone "
                                                 "surrogates)"))
        elif not (item is None or isinstance(item, str | int | float)):
            problems.append(Problem(where, type(item).__name__, "is not a JSON value"))


def validate(draft: RecordDraft, path: str = "") -> list[Problem]:
    """Every rule a draft breaks on its own (rules needing the log are the ledger's)."""
    problems: list[Problem] = []

    def at(name: str) -> str:
        return _join(path, name)

    if not isinstance(draft.kind, str) or not KIND_PATTERN.fullmatch(draft.kind):
        problems.append(Problem(at("kind"), draft.kind,
                                "must be 1-200 characters: letters, digits and _.:/- "
                                "(starting with a letter or digit)"))
    if type(draft.payload) is not dict and not isinstance(draft.payload, Mapping):
        problems.append(Problem(at("payload"), draft.payload, "must be a JSON object"))
    occurred = draft.occurred_at
    if isinstance(occurred, tuple | list):
        if len(occurred) != 2:
            problems.append(Problem(at("occurred_at"), occurred,
                                    "an interval is [earliest, latest]"))
        else:
            earliest = _check_time(at("occurred_at[0]"), occurred[0], problems)
            latest = _check_time(at("occurred_at[1]"), occurred[1], problems)
            if earliest and latest and earliest > latest:
                problems.append(Problem(at("occurred_at"), list(occurred),
                                        "interval starts after it ends"))
    elif occurred is not None:
        _check_time(at("occurred_at"), occurred, problems)
    source_type = type(draft.source)  # list and tuple first: the ABC checks cost more
    if source_type is not list and source_type is not tuple and (
            isinstance(draft.source, str | bytes) or not isinstance(draft.source, Sequence)):
        problems.append(Problem(at("source"), draft.source, "must be a list of citations"))
    else:
        for i, citation in enumerate(draft.source):
            if type(citation) is str and citation:
                continue
            if not (isinstance(citation, str) and citation) and not isinstance(citation, dict):
                problems.append(Problem(at(f"source[{i}]"), citation,
                                        "a citation is a non-empty string or an object"))
    if not isinstance(draft.actor, str):
        problems.append(Problem(at("actor"), draft.actor, "must be a string"))
    key = draft.idempotency_key
    if key is not None and not (isinstance(key, str) and 0 < len(key) <= MAX_KEY_LENGTH):
        problems.append(Problem(at("idempotency_key"), key,
                                f"must be a string of 1-{MAX_KEY_LENGTH} characters"))
    for name in ("corrects", "retracts"):
        value = getattr(draft, name)
        if value is not None and not (_is_int(value) and value >= 0):
            problems.append(Problem(at(name), value, "must be a seq (an integer >= 0)"))
    if draft.corrects is not None and draft.retracts is not None:
        problems.append(Problem(at("retracts"), draft.retracts,
                                "a record either corrects or retracts, not both"))
    return problems
