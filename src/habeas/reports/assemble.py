"""From a case and the engine's audits under each reading to the content of a report.

The engine's findings arrive as the JSON of DESIGN.md "Findings, as data", one audit per
reading. A finding keeps its id under every reading; the report lists it once with its
certainty under each, so a reader sees which conclusions depend on the reading and which do
not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import tzinfo
from typing import Any

from habeas.domain import Case, Event, Movement, When
from habeas.domain.time import zone
from habeas.drawings import case_timeline, route_map
from habeas.drawings.words import event_phrase, holder_name, movement_name, order_phrase
from habeas.law.describe import Describe
from habeas.law.force import Force
from habeas.law.interpretation import EFFECTS, Interpretation
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
from habeas.reports.readings import MATRIX, label

Json = Mapping[str, Any]


def assemble(case: Case, audits: Mapping[Interpretation, Json], *, primary: Interpretation,
             tz: str, origin: str, prepared: str) -> Report:
    """The report's content. ``audits`` maps each reading to ``Audit.to_json()``."""
    zone_info = zone(tz)
    words = Describe(case, zone_info)
    readings = tuple(r for r in MATRIX if r in audits)
    findings, numbers = _findings(words, audits, readings, primary)
    return Report(
        title=case.title,
        dockets=tuple(dict.fromkeys(f"{o.court}, No. {o.case}" if o.case else o.court
                                    for o in sorted(case.orders.values(),
                                                    key=lambda o: (o.issued.earliest, o.id)))),
        timezone=tz,
        prepared=prepared,
        origin=origin,
        primary=primary,
        readings=readings,
        movements=tuple(_movement_row(words, m) for m in case.movements.values()),
        orders=_orders(words),
        findings=findings,
        statements=_statements(case, audits, readings, primary, numbers, zone_info),
        sources=_sources(case),
        timeline_svg=case_timeline(case, zone_info),
        map_svg=route_map(case),
    )


def _findings(words: Describe, audits: Mapping[Interpretation, Json],
              readings: Sequence[Interpretation], primary: Interpretation
              ) -> tuple[tuple[FindingRow, ...], dict[str, int]]:
    """Each distinct finding once (the engine's ids are the same under every reading), in
    the order the primary reading lists them, then those found only under other readings."""
    seen: dict[str, dict[Interpretation, Json]] = {}
    for reading in (primary, *(r for r in readings if r != primary)):
        for finding in audits.get(reading, {}).get("findings", ()):
            seen.setdefault(str(finding["id"]), {})[reading] = finding
    rows = []
    numbers: dict[str, int] = {}
    for number, (finding_id, by_reading) in enumerate(seen.items(), start=1):
        numbers[finding_id] = number
        first = by_reading.get(primary) or next(iter(by_reading.values()))
        rows.append(_finding_row(words, number, first, readings,
                                 [by_reading.get(r) for r in readings]))
    return tuple(rows), numbers


def _finding_row(words: Describe, number: int, finding: Json,
                 readings: Sequence[Interpretation], cells: list[Json | None]) -> FindingRow:
    case = words.case
    kind = str(finding.get("kind", ""))
    order = str(finding.get("order") or finding.get("motion") or "")
    movements = [str(m) for m in (finding.get("movements") or
                                  ([finding["movement"]] if finding.get("movement") else []))]
    moved = describe.movements_name(case, movements)
    people = words.subjects(finding.get("people", ()))
    title = f"{describe.FINDING_KINDS.get(kind, kind)}: {order}" + (f", {moved}" if moved else "")
    cited = [*finding.get("events", ()), *finding.get("notice", ())]
    return FindingRow(
        number=number, kind=kind, title=title, order=order, movement=moved,
        people=people, count=finding.get("count"),
        cells=tuple(None if c is None else Cell(str(c.get("certainty", "")),
                                                describe.after_effect(c))
                    for c in cells),
        reason=str(finding.get("reason", "")),
        other_reasons=_other_reasons(finding, readings, cells),
        evidence=tuple(_evidence(case, e, words.tz) for e in cited),
    )


def _other_reasons(shown: Json, readings: Sequence[Interpretation], cells: list[Json | None]
                   ) -> tuple[tuple[str, str, str], ...]:
    """Reasons under other readings that differ from the one shown, each once with the
    readings that give it: why a finding is only possible under some."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for reading, cell in zip(readings, cells, strict=True):
        if cell is not None and cell.get("reason") != shown.get("reason"):
            key = (str(cell.get("certainty", "")), str(cell.get("reason", "")))
            grouped.setdefault(key, []).append(label(reading))
    return tuple(("; ".join(names), certainty, reason)
                 for (certainty, reason), names in grouped.items())


def _evidence(case: Case, cited: Json, tz: tzinfo) -> Evidence:
    """An event the finding rests on, or the notice that shows the party knew."""
    obj_id = str(cited.get("id", ""))
    seq, leaf_hash = cited.get("seq"), cited.get("leaf_hash")
    event: Event | None = case.events.get(obj_id)
    if event is not None:
        return Evidence(obj_id, event_phrase(case, event), describe.when(event.at, tz),
                        event.source, seq, leaf_hash)
    notice = case.notices.get(obj_id)
    if notice is not None:
        how = f" ({notice.how})" if notice.how else ""
        return Evidence(obj_id, f"{notice.party} knew of {notice.order}{how}",
                        describe.when(notice.at, tz), notice.source, seq, leaf_hash)
    return Evidence(obj_id, obj_id, "", (), seq, leaf_hash)


def _first(case: Case, movement: Movement, kinds: Iterable[str],
           place: str | None = None) -> When | None:
    """The earliest event of ``kinds`` of this movement (at ``place``, if given)."""
    wanted = set(kinds)
    found = [e.at for e in case.events.values()
             if e.movement == movement.id and e.kind in wanted
             and (place is None or e.place == place)]
    return min(found, key=lambda w: (w.earliest, w.latest)) if found else None


def _movement_row(words: Describe, movement: Movement) -> MovementRow:
    case, tz = words.case, words.tz
    custody = [e for e in case.events.values()
               if e.movement == movement.id and e.kind == "custody_transferred"]
    handed = "; ".join(f"to {holder_name(case, e.to)} {describe.when(e.at, tz)}"
                       for e in custody) or "not recorded"
    ref = case.ref("movements", movement.id)
    return MovementRow(
        id=movement.id, name=movement_name(movement),
        route=describe.route(case, movement),
        carried=words.subjects(movement.carries) or "—",
        possibly=words.subjects(movement.may_carry),
        departed=describe.when(_first(case, movement, ["departed"], movement.from_), tz),
        left_us=describe.when(_first(case, movement, ["exited_us"]), tz),
        landed=describe.when(_first(case, movement, ["landed"], movement.to), tz),
        custody=handed, seq=ref.seq if ref else None,
    )


def _orders(words: Describe) -> tuple[OrderRow, ...]:
    case = words.case
    forces = {e: Force(case.orders, Interpretation(effect=e)) for e in EFFECTS}
    rows = []
    for order in sorted(case.orders.values(), key=lambda o: (o.issued.earliest, o.id)):
        effect = []
        for reading, force in forces.items():
            at = force.effect(order.id)
            effect.append((reading, describe.when(at, words.tz) if at else "never binds"))
        ref = case.ref("orders", order.id)
        court = ", ".join([order.court, *([order.case] if order.case else []),
                           *([order.judge] if order.judge else [])])
        rows.append(OrderRow(
            id=order.id, title=order_phrase(order), court=court,
            issued=describe.when(order.issued, words.tz), effect=tuple(effect),
            protects=describe.scope(words, order.protects),
            requires=describe.requirements(order), sources=order.source,
            seq=ref.seq if ref else None))
    return tuple(rows)


def _statements(case: Case, audits: Mapping[Interpretation, Json],
                readings: Sequence[Interpretation], primary: Interpretation,
                numbers: Mapping[str, int],
                tz: tzinfo) -> tuple[StatementRow, ...]:
    verdicts: dict[str, dict[Interpretation, Json]] = {}
    for reading in readings:
        for item in audits[reading].get("statements", ()):
            verdicts.setdefault(str(item["id"]), {})[reading] = item
    rows = []
    for statement in case.statements.values():
        found = verdicts.get(statement.id, {})
        ref = case.ref("statements", statement.id)
        reason = found.get(primary) or next(iter(found.values()), {})
        rows.append(StatementRow(
            id=statement.id, speaker=statement.speaker, when=describe.when(statement.at, tz),
            text=statement.text, sources=statement.source,
            verdicts=tuple(str(found[r]["verdict"]) if r in found else None for r in readings),
            findings=tuple(tuple(sorted(numbers[f] for f in found[r].get("findings", ())
                                        if f in numbers)) if r in found else ()
                           for r in readings),
            reason=str(reason.get("reason", "")),
            seq=ref.seq if ref else None,
            checkable=statement.asserts is not None and bool(statement.asserts.complied_with)))
    return tuple(rows)


def _sources(case: Case) -> tuple[SourceRow, ...]:
    cited: dict[str, list[str]] = {}
    for _, obj in case.objects():
        for source in obj.source:
            cited.setdefault(source, []).append(obj.id)
    return tuple(SourceRow(s.id, s.title, s.note or "", s.url or "", s.date or "",
                           tuple(cited.get(s.id, ()))) for s in case.sources.values())
