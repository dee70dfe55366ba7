"""Hand-written audits of the flagship, in the shape of DESIGN.md "Findings, as data".

For the report tests ONLY, while they exercise layout and content independently of the
engine: these are not the engine's findings and are never shipped. Seq numbers and leaf
hashes come from the case's own ledger records, as the engine's would.
"""

from __future__ import annotations

from typing import Any

from habeas.domain import Case
from habeas.reports.readings import MATRIX, Reading


def _events(case: Case, *ids: str) -> list[dict[str, Any]]:
    out = []
    for event_id in ids:
        ref = case.ref("events", event_id)
        assert ref is not None, event_id
        out.append({"seq": ref.seq, "leaf_hash": ref.leaf_hash, "id": event_id})
    return out


def _removal(case: Case, flight: str, certainty: str, after: str) -> dict[str, Any]:
    return {
        "kind": "forbidden_action", "order": "tro-class-oral", "people": ["aea-venezuelans"],
        "count": None, "movement": flight, "certainty": certainty,
        "reason": f"Members of aea-venezuelans aboard {flight.upper()} were handed to "
                  "Salvadoran custody after the class-wide order bound.",
        "events": _events(case, f"{flight}.departed.1", f"{flight}.custody_transferred.1"),
        "after_effect": after,
    }


def audit(case: Case, reading: Reading) -> dict[str, Any]:
    findings = []
    if reading.removal_complete_at == "custody_transfer":
        after = ["PT4H42M", "PT9H15M"] if reading.effect == "oral" else ["PT4H4M", "PT8H35M"]
        findings += [_removal(case, "gxa6143", "certain", after),
                     _removal(case, "gxa6145", "certain", after)]
    if reading.effect == "oral":
        findings.append({
            "kind": "directive_unmet", "order": "tro-class-oral", "people": ["aea-venezuelans"],
            "count": 137, "movement": "gxa6145", "certainty": "possible",
            "reason": "GXA6145 may still have been in US airspace when the order directed "
                      "planes in the air to return; it flew on to Honduras.",
            "events": _events(case, "gxa6145.exited_us.1", "gxa6145.landed.1"),
            "after_effect": "PT0S",
        })
    findings.append({
        "kind": "forbidden_action", "order": "withholding-2019", "people": ["abrego-garcia"],
        "count": 1, "movement": "gxa6122", "certainty": "certain",
        "reason": "Kilmar Abrego Garcia was removed to El Salvador, the one country the 2019 "
                  "grant forbade.",
        "events": _events(case, "gxa6122.departed.1", "gxa6122.custody_transferred.1"),
        "after_effect": "P1960D",
    })
    contradicted = [i for i, f in enumerate(findings) if f["order"] == "tro-class-oral"]
    return {
        "interpretation": reading.to_json(),
        "findings": findings,
        "statements": [
            {"id": "leavitt", "verdict": "contradicted" if contradicted else "consistent",
             "findings": contradicted},
            {"id": "bukele-oopsie", "verdict": "not_checkable", "findings": []},
        ],
    }


def audits(case: Case) -> dict[Reading, dict[str, Any]]:
    return {reading: audit(case, reading) for reading in MATRIX}
