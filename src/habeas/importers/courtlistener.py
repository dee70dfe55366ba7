"""Court orders from CourtListener REST API v4 docket entries (``/api/rest/v4/docket-entries/``).

A docket entry says when an order was filed and what the clerk wrote about it; it does not
say, in any form a program can trust, whom the order protects or what it forbids. So each
order is recorded with ``scope: unconfirmed``, nothing in ``protects``/``forbids``/``directs``,
and a ``kind`` guessed only when the words leave no doubt; a clerk confirms the rest, and
:func:`habeas.law.unconfirmed_orders_bearing_on` lists what awaits them.

Input, in every shape CourtListener serves: one entry, a list of entries, an API page
(``{"results": [...], "next": ...}``), a ``/dockets/`` or RECAP docket with nested
``docket_entries``, a docket-alert webhook envelope (``{"webhook": ..., "payload": page}``),
or a list or folder of any of these. Real ``/docket-entries/`` pages give ``docket`` as a
URL and carry no court or docket number: those come from a ``/dockets/`` answer read
alongside (same file list or folder) or from ``--court``/``--case-number``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pydantic

from habeas.bundle.load import problems_from_pydantic
from habeas.domain import Order, Source, When
from habeas.domain.orders import OrderKind
from habeas.domain.time import zone
from habeas.importers.courts import Court, court
from habeas.importers.inputs import readable_file
from habeas.importers.report import Report

SITE = "https://www.courtlistener.com"
STORAGE = "https://storage.courtlistener.com/"
#: A docket export is kilobytes to a few megabytes; anything larger is not one.
MAX_JSON_BYTES = 256 * 1024 * 1024

#: The first of these words in a docket text says what the entry is: an order of the court,
#: or a party's filing that merely mentions one ("MOTION for Temporary Restraining Order").
_FIRST_WORD = re.compile(
    r"\b(?:(?P<order>ORDER|INJUNCTION|JUDGMENT|RULING)|MOTION|NOTICE|RESPONSE|REPLY|PROPOSED|"
    r"DECLARATION|APPLICATION|PETITION|STIPULATION|BRIEF|EXHIBIT|TRANSCRIPT|SUMMONS|"
    r"COMPLAINT|ANSWER|AFFIDAVIT|LETTER|MEMORANDUM\s+(?:IN|OF)\s+(?:SUPPORT|OPPOSITION|LAW)|"
    r"RECEIVED|MAIL|RETURN(?:ED)?|STATEMENT|CERTIFICAT\w*|DELETED|TRANSMITTAL|DOCKETED)\b",
    re.IGNORECASE,
)
#: Entries about another paper, whatever it says: a copy received from another court,
#: returned mail, a return of service, a deleted entry, a transmittal, an appeal docketed.
_RECORDS_ANOTHER = re.compile(r"RECEIVED|MAIL|RETURN(?:ED)?|DELETED|TRANSMITTAL|DOCKETED",
                              re.IGNORECASE)
#: A judgment or order "returned executed" is the marshal's return, not a new ruling.
_RETURNED_EXECUTED = re.compile(r"\bRETURNED\s+EXECUTED\b", re.IGNORECASE)
#: An order of another court copied onto this docket: the court of appeals, the Supreme
#: Court, the MDL panel, or a copy.
_ANOTHER_COURT = re.compile(
    r"^\W*(?:[\w.]+\s+){0,3}?(?:ORDER\s+\(COPY\)|ORDER\s+OF\s+USCA|USCA\s+ORDER|"
    r"U\.?S\.?\s+SUPREME\s+COURT\s+ORDER|CERTIFIED\s+(?:TRUE\s+)?COPY)",
    re.IGNORECASE)
#: Papers that are the court's ruling though a filing word comes first: a signed
#: stipulation ("STIPULATION AND ORDER", "SO ORDERED", "IT IS ORDERED"), a letter order, a
#: memo endorsement, a notice of discrepancies "and order thereon".
_ORDER_ALL_THE_SAME = re.compile(
    r"^\W*STIPULAT\w*\s+AND\s+ORDER\b|\bSO\s+ORDERED\b|\bIT\s+IS\s+(?:HEREBY\s+)?ORDERED\b|"
    r"^\W*(?:SEALED\s+)?LETTER\s+ORDER\b|^\W*MEMO[\s-]+ENDORSE\w*|\bAND\s+ORDER\s+THEREON\b",
    re.IGNORECASE)
#: A minute entry records what happened in court; it is an order when it records a ruling.
_MINUTES = re.compile(r"^\W*(?:TEXT\s+)?(?:MINUTE\s+ENTRY|MINUTES|REMARK)|^\W*\w{1,3}:\s*MINUTES",
                      re.IGNORECASE)
_RULING = re.compile(r"\b(?:granted|denied|ordered|vacate[sd]?|excluded|released|appointed|"
                     r"accepts|custody\s+of|as\s+moot|withdrawn|oral\s+order)\b", re.IGNORECASE)
#: A paper the judge issued without a filing word first ("TENTATIVE FINDINGS ... Ordered by
#: Senior Judge ...").
_ORDERED_BY_JUDGE = re.compile(r"\bORDERED\s+BY\s+(?:\w+\s+){0,3}JUDGE\b", re.IGNORECASE)
#: A proposed order is a party's filing, whatever words follow.
_PROPOSED = re.compile(r"\bPROPOSED\b", re.IGNORECASE)
#: Words that make any kind guess unsafe: the order may deny, end or only schedule the relief.
_HEDGES = re.compile(
    r"\b(?:den(?:y|ied|ying)|dissolv\w*|vacat\w*|moot|withdr\w*|extend\w*|modif\w*|"
    r"show\s+cause|schedul\w*|brief\w*|hearing|in\s+part|refer\w*|appeal\w*|clos\w*|"
    r"terminat\w*|reconsider\w*|expir\w*|lift\w*|dismiss\w*)\b",
    re.IGNORECASE,
)
_KINDS: tuple[tuple[OrderKind, re.Pattern[str]], ...] = (
    ("tro", re.compile(r"temporary\s+restraining\s+order|\bTRO\b", re.IGNORECASE)),
    ("preliminary_injunction", re.compile(r"preliminary\s+injunction", re.IGNORECASE)),
    ("permanent_injunction", re.compile(r"permanent\s+injunction", re.IGNORECASE)),
    ("administrative_stay", re.compile(r"administrative(?:ly)?\s+stay", re.IGNORECASE)),
    ("stay_of_removal", re.compile(r"stay(?:ing)?\s+(?:of\s+|the\s+)?removal", re.IGNORECASE)),
    ("order_to_facilitate", re.compile(r"\bfacilitat\w*", re.IGNORECASE)),
)


def is_order(text: str) -> bool:
    """Whether a docket text records an order of this court rather than a party's filing,
    a clerk's notice, or a paper about an order (a return, returned mail, a copy of another
    court's order). Measured against labelled real dockets: see docs/importers.md."""
    head = text[:300]
    first = _FIRST_WORD.search(head)
    if first is not None and _RECORDS_ANOTHER.fullmatch(first.group()):
        return False
    if _RETURNED_EXECUTED.search(head) or _ANOTHER_COURT.search(head):
        return False
    if _ORDER_ALL_THE_SAME.search(text) and not _PROPOSED.search(head):
        return True
    if _MINUTES.search(head):
        return _RULING.search(text) is not None
    if first is None:
        return _ORDERED_BY_JUDGE.search(text) is not None
    return first["order"] is not None


def guess_kind(text: str) -> OrderKind:
    """The order's kind when exactly one kind is named and nothing hedges it, else ``other``.

    A wrong ``tro`` would make the engine treat a denial as protection; ``other`` only asks a
    clerk to look, so every doubt falls to ``other``.
    """
    if _HEDGES.search(text):
        return "other"
    found = [kind for kind, pattern in _KINDS if pattern.search(text)]
    return found[0] if len(found) == 1 else "other"


def read_courtlistener(path: Path, *, court_id: str | None = None,
                       court_name: str | None = None, timezone: str | None = None,
                       case_number: str | None = None) -> Report:
    """Read docket entries at ``path`` (a file, or a folder of ``*.json`` pages read in name
    order) into a report of ``order`` and ``source`` objects.

    ``court_id`` (a CourtListener id such as ``dcd``) or ``court_name`` with ``timezone``
    say which court when the entries do not; ``case_number`` the docket number likewise.
    """
    report = Report(str(path), "courtlistener", unit="entry")
    if court_id and not court_name and court(court_id) is None:
        report.refuse(0, "--court", court_id, "not a CourtListener federal court id known "
                      "here (such as dcd, txsd, ca5): for another court give --court-name "
                      "with --timezone")
        return report
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        report.refuse(1, "", str(path), "a folder of CourtListener answers holds *.json "
                      "files; this one holds none")
        return report
    documents: list[Any] = []
    for file in files:
        data = _load(file, report)
        if data is None:
            return report
        documents.extend(data if isinstance(data, list) and data and
                         all(_is_container(d) for d in data) else [data])
    return read_documents(documents, report, Defaults(court_id, court_name, timezone,
                                                       case_number))


def read_documents(documents: list[Any], report: Report, defaults: Defaults) -> Report:
    """Read already-parsed CourtListener answers (as :func:`read_courtlistener` and the
    webhook receiver have them) into ``report``."""
    dockets = {d["id"]: d for d in documents if _is_docket(d)}
    position = 0
    for document in documents:
        entries, where, docket = _entries(document, report)
        if entries is None:
            if _is_docket(document):
                continue        # a /dockets/ answer read alongside the entries
            report.refuse(position + 1, "", type(document).__name__,
                          "expected a docket entry, a list of them, an API page with "
                          "'results', a docket with 'docket_entries', or a webhook envelope")
            continue
        for index, entry in enumerate(entries):
            position += 1
            report.rows += 1
            if isinstance(entry, Mapping):
                entry = _with_docket(entry, docket, dockets)
            _read_entry(report, position, f"{where}[{index}]", entry, defaults)
    return report


def _load(file: Path, report: Report) -> Any:
    if not readable_file(file, report):
        return None
    try:
        with file.open("rb") as handle:   # the file may grow after stat: read no more
            raw = handle.read(MAX_JSON_BYTES + 1)
        if len(raw) > MAX_JSON_BYTES:
            report.refuse(1, "", len(raw), f"larger than {MAX_JSON_BYTES} bytes")
            return None
        return json.loads(raw.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        report.refuse(1, "", str(file), f"not readable JSON: {error}")
        return None


def _is_container(value: Any) -> bool:
    return isinstance(value, Mapping) and ("results" in value or "docket_entries" in value
                                           or "payload" in value or _is_docket(value))


def _is_docket(value: Any) -> bool:
    """A ``/dockets/`` answer: a docket number and a court, and no entry fields."""
    return isinstance(value, Mapping) and isinstance(value.get("id"), int) and \
        "docket_number" in value and ("court" in value or "court_id" in value) and \
        "entry_number" not in value and "docket_entries" not in value


def _docket_id(reference: Any) -> int | None:
    """The id in a docket reference: an integer, or a URL ending ``/dockets/<id>/``."""
    if isinstance(reference, int) and not isinstance(reference, bool):
        return reference
    if isinstance(reference, str):
        tail = reference.rstrip("/").rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() else None
    return None


def _with_docket(entry: Mapping[str, Any], docket: Mapping[str, Any] | None,
                 dockets: Mapping[int, Mapping[str, Any]]) -> Mapping[str, Any]:
    """The entry with its docket embedded when the docket is known (the enclosing one, or a
    /dockets/ answer read alongside), so court and docket number are found on it."""
    if isinstance(entry.get("docket"), Mapping):
        return entry
    found = docket if docket is not None else dockets.get(_docket_id(entry.get("docket")) or -1)
    return {**entry, "docket": found} if found is not None else entry


@dataclass(frozen=True, slots=True)
class Defaults:
    """What the command line says about entries that do not say it themselves."""

    court_id: str | None
    court_name: str | None
    timezone: str | None
    case_number: str | None


def _entries(data: Any, report: Report) -> tuple[list[Any] | None, str,
                                               Mapping[str, Any] | None]:
    """The entries of one answer, their JSON path, and the docket that holds them."""
    if isinstance(data, list):
        return data, "", None
    if not isinstance(data, Mapping):
        return None, "", None
    if isinstance(data.get("payload"), Mapping) and "webhook" in data:
        entries, where, docket = _entries(data["payload"], report)
        return entries, f"payload.{where}" if where else "payload", docket
    if isinstance(data.get("results"), list):
        if data.get("next"):
            report.notes.append(f"incomplete: this page has a next page ({data['next']}); "
                                "fetch every page and read them together")
        return data["results"], "results", None
    if isinstance(data.get("docket_entries"), list):
        return data["docket_entries"], "docket_entries", data
    if "date_filed" in data or "entry_number" in data:
        return [data], "", None
    return None, "", None


def _read_entry(report: Report, line: int, where: str, entry: Any, defaults: Defaults) -> None:
    def refuse(field: str, value: Any, rule: str) -> None:
        report.refuse(line, field, value, rule, f"{where}.{field}" if field else where)

    if not isinstance(entry, Mapping):
        refuse("", type(entry).__name__, "a docket entry is a JSON object")
        return
    text = _text(entry)
    if not is_order(text):
        report.ignored["not an order"] += 1
        return
    entry_id = entry.get("id")
    if not isinstance(entry_id, int) or isinstance(entry_id, bool):
        refuse("id", entry_id, "an integer CourtListener id is required: it names the order")
        return
    where_court = _court(entry, defaults)
    if isinstance(where_court, str):
        refuse("court", _field(entry, "court_id", "court"), where_court)
        return
    issued = _issued(entry, ZoneInfo(where_court.zone), refuse)
    if issued is None:
        return
    number = entry.get("entry_number")
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
        refuse("entry_number", number, "an integer or null")
        return
    case = _field(entry, "docket_number") or defaults.case_number
    source_id = f"courtlistener-de-{entry_id}"
    label = ", ".join(str(part) for part in (where_court.name, case) if part)
    try:
        source = Source(id=source_id, url=f"{SITE}/api/rest/v4/docket-entries/{entry_id}/",
                        title=f"CourtListener docket entry {number or entry_id} ({label})",
                        date=str(entry.get("date_filed")))
        order = Order(id=f"courtlistener-{entry_id}", court=where_court.name,
                      case=str(case) if case else None,
                      docket_entry=str(number) if number is not None else None,
                      kind=guess_kind(text), form="written", issued=issued,
                      scope="unconfirmed", text=text, url=_document_url(entry),
                      source=(source_id,))
    except pydantic.ValidationError as error:
        for problem in problems_from_pydantic(error):
            refuse(problem.path, problem.value, problem.rule)
        return
    report.take(line, "sources", source)
    report.take(line, "orders", order)


def _text(entry: Mapping[str, Any]) -> str:
    """The entry's docket text, or its main document's description when the text is empty."""
    text = entry.get("description")
    if isinstance(text, str) and text.strip():
        return text.strip()
    for document in _documents(entry):
        described = document.get("description")
        if isinstance(described, str) and described.strip():
            return described.strip()
    return ""


def _documents(entry: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    documents = entry.get("recap_documents")
    if not isinstance(documents, list):
        return []
    return [d for d in documents if isinstance(d, Mapping)]


def _document_url(entry: Mapping[str, Any]) -> str | None:
    """The main document (no attachment number) first: its stored PDF, else its page."""
    documents = sorted(_documents(entry), key=lambda d: d.get("attachment_number") is not None)
    for document in documents:
        stored = document.get("filepath_local")
        if isinstance(stored, str) and stored:
            return stored if stored.startswith("http") else STORAGE + stored.lstrip("/")
        page = document.get("absolute_url")
        if isinstance(page, str) and page:
            return page if page.startswith("http") else SITE + page
    return None


def _field(entry: Mapping[str, Any], *names: str) -> Any:
    """A field of the entry, else of its docket when the docket is embedded as an object."""
    docket = entry.get("docket")
    for holder in (entry, docket if isinstance(docket, Mapping) else {}):
        for name in names:
            value = holder.get(name)
            if value not in (None, ""):
                return value
    return None


def _court(entry: Mapping[str, Any], defaults: Defaults) -> Court | str:
    """The court, or the rule that could not be met."""
    if defaults.court_name:
        if not defaults.timezone:
            return "a court name given without its IANA time zone"
        try:
            zone(defaults.timezone)
        except ValueError as error:
            return str(error)
        return Court(defaults.court_id or "", defaults.court_name, defaults.timezone)
    raw = _field(entry, "court_id", "court") or defaults.court_id
    if not isinstance(raw, str) or not raw:
        return ("no court in the entry or its docket: give --court (a CourtListener court "
                "id such as dcd), or read the /dockets/ answer alongside")
    key = raw.rstrip("/").rsplit("/", 1)[-1]
    found = court(key)
    if found is None:
        return ("not a federal court id known here: give --court-name with --timezone")
    if defaults.timezone:
        return Court(found.id, found.name, defaults.timezone)
    return found


def _issued(entry: Mapping[str, Any], tz: ZoneInfo,
            refuse: Callable[[str, Any, str], None]) -> When | None:
    """Filed at ``time_filed`` in the court's zone, or the whole day when no time is given."""
    raw_date = entry.get("date_filed")
    try:
        day = date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
    except ValueError:
        day = None
    if day is None:
        refuse("date_filed", raw_date, "an ISO 8601 date (YYYY-MM-DD) is required")
        return None
    raw_time = entry.get("time_filed")
    if raw_time in (None, ""):
        return When.parse(day.isoformat(), tz)
    try:
        moment = time.fromisoformat(raw_time) if isinstance(raw_time, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is not None:
        refuse("time_filed", raw_time, "a local time of day (HH:MM:SS) or null")
        return None
    return When.at(datetime.combine(day, moment, tzinfo=tz))
