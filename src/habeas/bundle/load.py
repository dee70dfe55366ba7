"""Reading a case bundle: parse, validate every field, resolve ids, check every reference.

Every problem found is reported at once, each with its path in the file
(``orders.tro-class-oral.protects.class.basis[0]``), the value and the rule; a bundle with a
problem yields no case at all, so nothing half-read is ever written.
"""

from __future__ import annotations

import json
import re
import stat
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pydantic
import yaml

from habeas.bundle.document import FORMAT_VERSION, BundleDocument
from habeas.bundle.yamlsafe import load_yaml, yaml_error_line
from habeas.domain import SECTIONS, Case, Entity
from habeas.domain.time import zone
from habeas.errors import Problem, ValidationError

#: A bundle larger than this is refused before parsing: a case is kilobytes, not gigabytes.
MAX_BUNDLE_BYTES = 64 * 1024 * 1024

LIST_SECTIONS = ("notices", "events")
_SURROGATE = re.compile("[\ud800-\udfff]")


def load_bundle(path: str | Path) -> Case:
    """Read and validate the bundle at ``path`` (YAML or JSON)."""
    return bundle_from_data(load_bundle_data(path), source=str(path))


def load_bundle_data(path: str | Path) -> Any:
    """Read and parse the file at ``path`` without validating it as a bundle."""
    file = Path(path)
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block, /dev/zero never end
            raise ValidationError(Problem("", str(file), "not a regular file"),
                                  source=str(file))
        if info.st_size > MAX_BUNDLE_BYTES:
            raise ValidationError(Problem("", info.st_size, f"bundle larger than "
                                          f"{MAX_BUNDLE_BYTES} bytes"), source=str(file))
        with file.open("rb") as handle:  # the file may grow after stat: read no more
            raw = handle.read(MAX_BUNDLE_BYTES + 1)
        if len(raw) > MAX_BUNDLE_BYTES:
            raise ValidationError(Problem("", len(raw), f"bundle larger than "
                                          f"{MAX_BUNDLE_BYTES} bytes"), source=str(file))
        text = raw.decode("utf-8")
    except OSError as error:
        raise ValidationError(Problem("", str(file), f"cannot read: {error.strerror}"),
                              source=str(file)) from None
    except UnicodeDecodeError:
        raise ValidationError(Problem("", str(file), "not UTF-8 text"), source=str(file)) from None
    return parse_data(text, source=str(file))


def parse_bundle(text: str, *, source: str = "<bundle>") -> Case:
    """Validate bundle ``text`` (YAML or JSON)."""
    return bundle_from_data(parse_data(text, source=source), source=source)


def parse_data(text: str, *, source: str = "<bundle>") -> Any:
    """Parse YAML or JSON text as plain data; JSON goes to the faster JSON parser."""
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else load_yaml(text)
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        line = yaml_error_line(error) if isinstance(error, yaml.YAMLError) else str(error)
        raise ValidationError(Problem("", "", f"not valid YAML or JSON: {line}"),
                              source=source) from None
    except RecursionError:
        raise ValidationError(Problem("", "", "nested too deeply"), source=source) from None
    return data


def bundle_from_data(data: Any, *, source: str = "<bundle>") -> Case:
    """Validate parsed bundle data into a ``Case``."""
    if not isinstance(data, Mapping):
        raise ValidationError(Problem("", type(data).__name__, "a bundle is a mapping"),
                              source=source)
    broken = list(_lone_surrogates(data, ""))
    if broken:
        raise ValidationError(broken, source=source)
    version = data.get("habeas")
    if version != FORMAT_VERSION:
        raise ValidationError(Problem("habeas", version, f"format version must be "
                                      f"{FORMAT_VERSION}"), source=source)
    tz_name = data.get("timezone")
    try:
        tz = zone(tz_name) if isinstance(tz_name, str) else None
    except ValueError:
        raise ValidationError(Problem("timezone", tz_name, "not an IANA time zone"),
                              source=source) from None
    if tz is None:
        raise ValidationError(Problem("timezone", tz_name, "required: an IANA time zone such "
                                      "as America/New_York"), source=source)
    try:
        document = BundleDocument.model_validate(data, context={"tz": tz})
    except pydantic.ValidationError as error:
        raise ValidationError(problems_from_pydantic(error), source=source) from None
    except RecursionError:
        raise ValidationError(Problem("", "", "nested too deeply"), source=source) from None
    case, problems = case_from_document(document)
    problems += case.problems()
    if problems:
        raise ValidationError(problems, source=source)
    return case


def _lone_surrogates(value: Any, path: str) -> Iterator[Problem]:
    """Text that is not valid Unicode: JSON can escape a lone surrogate, but it cannot be
    stored or hashed, and letting it through would replace it silently on the way out."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            yield Problem(path, value, "not valid Unicode (a lone surrogate)")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            # the path itself must print: a lone surrogate cannot be written to a terminal
            shown = str(key).encode("utf-8", "backslashreplace").decode()
            where = f"{path}.{shown}" if path else shown
            if isinstance(key, str) and _SURROGATE.search(key):
                yield Problem(where, key, "key is not valid Unicode (a lone surrogate)")
            yield from _lone_surrogates(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _lone_surrogates(item, f"{path}[{index}]")


def case_from_document(document: BundleDocument) -> tuple[Case, list[Problem]]:
    """Give every object its id (the section key, or a stable one for list items)."""
    problems: list[Problem] = []
    sections: dict[str, dict[str, Entity]] = {}
    for name in SECTIONS:
        raw = getattr(document, name)
        if name in LIST_SECTIONS:
            sections[name] = _name_list_items(name, raw, problems)
            continue
        named: dict[str, Entity] = {}
        for key, obj in raw.items():
            if obj.id not in ("_", key):
                problems.append(Problem(f"{name}.{key}.id", obj.id, "must match its key"))
            named[key] = obj.model_copy(update={"id": key})
        sections[name] = named
    case = Case(title=document.title, timezone=document.timezone, **sections)  # type: ignore[arg-type]
    return case, problems


def _name_list_items(section: str, items: Sequence[Entity],
                     problems: list[Problem]) -> dict[str, Entity]:
    """Ids for notices and events: given ones kept, others ``<subject>.<kind>.<n>`` numbered
    in time order, so the same facts in any order get the same ids."""
    named: dict[str, Entity] = {}
    for index, obj in enumerate(items):
        if obj.id != "_":
            if obj.id in named:
                problems.append(Problem(f"{section}[{index}].id", obj.id, "duplicate id"))
            named[obj.id] = obj
    unnamed = sorted((obj for obj in items if obj.id == "_"), key=_stable_order)
    counters: dict[str, int] = defaultdict(int)
    for obj in unnamed:
        stem = _stem(obj)
        while True:
            counters[stem] += 1
            candidate = f"{stem}.{counters[stem]}"
            if candidate not in named:
                break
        named[candidate] = obj.model_copy(update={"id": candidate})
    return named


def _stem(obj: Entity) -> str:
    order = getattr(obj, "order", None)
    if order is not None:
        return f"{order}.notice"
    subject = getattr(obj, "movement", None) or "+".join(getattr(obj, "people", ())[:1])
    return f"{subject}.{getattr(obj, 'kind', 'item')}"


def _stable_order(obj: Entity) -> tuple[Any, ...]:
    when = getattr(obj, "at", None)
    times = (when.earliest, when.latest) if when is not None else ()
    return (*times, obj.model_dump_json(by_alias=True))


def problems_from_pydantic(error: pydantic.ValidationError) -> list[Problem]:
    """Pydantic's errors as Problems with bundle paths: ``events[3].at``."""
    problems = []
    for item in error.errors(include_url=False):
        path = ""
        for part in item["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            elif part in ("function-after", "function-before", "function-plain") or \
                    str(part).startswith(("function-", "tagged-union")):
                continue
            else:
                path += ("." if path else "") + str(part)
        message = item["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        value = item.get("input")
        if item["type"] == "extra_forbidden":
            message = "unknown field"
        elif item["type"] == "missing":
            value, message = None, "required field"
        problems.append(Problem(path, value, message))
    return problems
