"""From a case and the engine's audits under each reading to the content of a report.

The engine's findings arrive as the JSON of DESIGN.md "Findings, as data", one audit per
reading. A finding is the same finding across readings when its kind, order, movement and
people agree; the report lists it once with its certainty under each reading, so a reader
sees which conclusions depend on the reading and which do not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import tzinfo
from typing import Any

from habeas.domain import SECTIONS, Case, Event, Movement, When
from habeas.domain.time import zone
from habeas.drawings import case_timeline, route_map
from habeas.drawings.effect import effect_under
from habeas.drawings.words import event_phrase, holder_name, order_phrase
from habeas.reports import describe
from habeas.reports.model import (
    Cell,
    Evidence,
    FindingRow,
    MovementRow,
    OrderRow,
    Report,
    SourceRow,
    StatementRow,
)
from habeas.reports.readings import MATRIX, Reading

Json = Mapping[str, Any]
FindingKey = tuple[str, str, str, tuple[str, ...]]


def assemble(case: Case, audits: Mapping[Reading, Json], *, primary: Reading, tz: str,
             origin: str, prepared: str) -> Report:
    """The report's content. ``audits`` maps each reading to ``Audit.to_json()``."""
    zone_info = zone(tz)
    readings = tuple(r for r in MATRIX if r in audits)
    findings, numbers = _findings(case, audits, readings, primary, zone_info)
    return Report(
        title=case.title,
        timezone=tz,
        prepared=prepared,
        origin=origin,
        primary=primary,
        readings=readings,
        movements=tuple(_movement_row(case, m, zone_info) for m in case.movements.values()),
        orders=_orders(case, zone_info),
        findings=findings,
        statements=_statements(case, audits, readings, numbers, zone_info),
        sources=_sources(case),
        timeline_svg=case_timeline(case, zone_info),
        map_svg=route_map(case),
    )


def finding_key(finding: Json) -> FindingKey:
    return (str(finding.get("kind", "")), str(finding.get("order", "")),
            str(finding.get("movement") or ""),
            tuple(sorted(str(p) for p in finding.get("people", ()))))


def _findings(case: Case, audits: Mapping[Reading, Json], readings: Sequence[Reading],
              primary: Reading, tz: tzinfo) -> tuple[tuple[FindingRow, ...],
                                                      dict[FindingKey, int]]:
    """Each distinct finding once, in the order the primary reading lists them, then those
    found only under other readings."""
    seen: dict[FindingKey, dict[Reading, Json]] = {}
    for reading in (primary, *(r for r in readings if r != primary)):
        for finding in audits.get(reading, {}).get("findings", ()):
            seen.setdefault(finding_key(finding), {})[reading] = finding
    rows = []
    numbers: dict[FindingKey, int] = {}
    for number, (key, by_reading) in enumerate(seen.items(), start=1):
        numbers[key] = number
        first = by_reading.get(primary) or next(iter(by_reading.values()))
        rows.append(_finding_row(case, number, first, [by_reading.get(r) for r in readings], tz))
    return tuple(rows), numbers


def _finding_row(case: Case, number: int, finding: Json, cells: list[Json | None],
                 tz: tzinfo) -> FindingRow:
    kind = str(finding.get("kind", ""))
    order = str(finding.get("order", ""))
    movement_id = finding.get("movement")
    movement = case.movements.get(movement_id) if movement_id else None
    people = ", ".join(describe.subject_name(case, p) for p in finding.get("people", ()))
    what = describe.FINDING_KINDS.get(kind, kind)
    title = f"{what}: {order}" + (f", {describe.movement_name(movement)}" if movement else "")
    return FindingRow(
        number=number, kind=kind, title=title, order=order,
        movement=describe.movement_name(movement) if movement else (movement_id or ""),
        people=people, count=finding.get("count"),
        cells=tuple(None if c is None else Cell(str(c.get("certainty", "")),
                                                describe.after_effect(c.get("after_effect")),
                                                str(c.get("reason", "")))
                    for c in cells),
        reason=str(finding.get("reason", "")),
        evidence=tuple(_evidence(case, e, tz) for e in finding.get("events", ())),
    )


def _evidence(case: Case, cited: Json, tz: tzinfo) -> Evidence:
    obj_id = str(cited.get("id", ""))
    event: Event | None = case.events.get(obj_id)
    seq, leaf_hash = cited.get("seq"), cited.get("leaf_hash")
    if event is not None:
        return Evidence(obj_id, event_phrase(case, event), describe.when(event.at, tz),
                        event.source, seq, leaf_hash)
    for section, obj in case.objects():
        if obj.id == obj_id:
            return Evidence(obj_id, f"{SECTIONS[section][0]} {obj_id}", "", obj.source, seq,
                            leaf_hash)
    return Evidence(obj_id, obj_id, "", (), seq, leaf_hash)


def _first(case: Case, movement: Movement, kinds: Iterable[str],
           place: str | None = None) -> When | None:
    """The earliest event of ``kinds`` of this movement (at ``place``, if given)."""
    wanted = set(kinds)
    found = [e.at for e in case.events.values()
             if e.movement == movement.id and e.kind in wanted
             and (place is None or e.place == place)]
    return min(found, key=lambda w: (w.earliest, w.latest)) if found else None


def _movement_row(case: Case, movement: Movement, tz: tzinfo) -> MovementRow:
    custody = [e for e in case.events.values()
               if e.movement == movement.id and e.kind == "custody_transferred"]
    handed = "; ".join(f"to {holder_name(case, e.to)} {describe.when(e.at, tz)}"
                       for e in custody) or "not recorded"
    ref = case.ref("movements", movement.id)
    return MovementRow(
        id=movement.id, name=describe.movement_name(movement),
        route=describe.route(case, movement),
        carried=", ".join(describe.subject_name(case, s) for s in movement.carries) or "—",
        possibly=", ".join(describe.subject_name(case, s) for s in movement.may_carry),
        departed=describe.when(_first(case, movement, ["departed"], movement.from_), tz),
        left_us=describe.when(_first(case, movement, ["exited_us"]), tz),
        landed=describe.when(_first(case, movement, ["landed"], movement.to), tz),
        custody=handed, seq=ref.seq if ref else None,
    )


def _orders(case: Case, tz: tzinfo) -> tuple[OrderRow, ...]:
    ordered = sorted(case.orders.values(), key=lambda o: (o.issued.earliest, o.id))
    rows = []
    for order in ordered:
        effect = []
        for reading in ("oral", "written"):
            at = effect_under(case, order, reading)
            effect.append((reading, describe.when(at, tz) if at else "never binds"))
        ref = case.ref("orders", order.id)
        people = [order.judge] if order.judge else []
        court = ", ".join([order.court, *([order.case] if order.case else []), *people])
        rows.append(OrderRow(
            id=order.id, title=order_phrase(order), court=court,
            issued=describe.when(order.issued, tz), effect=tuple(effect),
            protects=describe.scope(case, order.protects),
            requires=describe.requirements(order), sources=order.source,
            seq=ref.seq if ref else None))
    return tuple(rows)


def _statements(case: Case, audits: Mapping[Reading, Json], readings: Sequence[Reading],
                numbers: Mapping[FindingKey, int], tz: tzinfo) -> tuple[StatementRow, ...]:
    verdicts: dict[str, dict[Reading, tuple[str, tuple[int, ...]]]] = {}
    for reading in readings:
        audit = audits[reading]
        findings = list(audit.get("findings", ()))
        for item in audit.get("statements", ()):
            statement_id = str(item.get("id") or item.get("statement") or "")
            behind = tuple(sorted(
                n for ref in item.get("findings", ())
                if (n := _finding_number(ref, findings, numbers)) is not None))
            verdicts.setdefault(statement_id, {})[reading] = (str(item.get("verdict", "")),
                                                              behind)
    rows = []
    for statement in case.statements.values():
        found = verdicts.get(statement.id, {})
        ref = case.ref("statements", statement.id)
        rows.append(StatementRow(
            id=statement.id, speaker=statement.speaker, when=describe.when(statement.at, tz),
            text=statement.text, sources=statement.source,
            verdicts=tuple(found[r][0] if r in found else None for r in readings),
            findings=tuple(found[r][1] if r in found else () for r in readings),
            seq=ref.seq if ref else None,
            checkable=statement.asserts is not None and bool(statement.asserts.complied_with)))
    return tuple(rows)


def _finding_number(ref: Any, findings: list[Json], numbers: Mapping[FindingKey, int]
                    ) -> int | None:
    """A statement names its findings by index into its audit, by finding id, or by value."""
    if isinstance(ref, int) and 0 <= ref < len(findings):
        return numbers.get(finding_key(findings[ref]))
    if isinstance(ref, str):
        match = next((f for f in findings if f.get("id") == ref), None)
        return numbers.get(finding_key(match)) if match is not None else None
    if isinstance(ref, Mapping):
        return numbers.get(finding_key(ref))
    return None


def _sources(case: Case) -> tuple[SourceRow, ...]:
    cited: dict[str, list[str]] = {}
    for _, obj in case.objects():
        for source in obj.source:
            cited.setdefault(source, []).append(obj.id)
    return tuple(SourceRow(s.id, s.title, s.note or "", s.url or "", s.date or "",
                           tuple(cited.get(s.id, ()))) for s in case.sources.values())
