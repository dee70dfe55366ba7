"""The acceptance of issue 3 on the real removals of 15-16 March 2025 (the court's theory
unless a test says otherwise)."""

from __future__ import annotations

from pathlib import Path

import pytest

from habeas.bundle import load_bundle
from habeas.domain import Case
from habeas.law import Audit, Engine, Finding, Interpretation

FLAGSHIP = Path(__file__).resolve().parents[2] / "examples" / "jgg-2025-03-15.yaml"
GOVERNMENT = Interpretation(effect="written", removal_complete_at="exit_territory")
PLAINTIFFS = ("jgg", "gff", "jav", "tci", "jgo")


@pytest.fixture(scope="module")
def case() -> Case:
    return load_bundle(FLAGSHIP)


@pytest.fixture(scope="module")
def engine(case: Case) -> Engine:
    return Engine(case)


@pytest.fixture(scope="module")
def audit(engine: Engine) -> Audit:
    return engine.audit()


def only(audit: Audit, **fields: object) -> Finding:
    found = [f for f in audit.findings
             if all(getattr(f, k) == v for k, v in fields.items())]
    assert len(found) == 1, (fields, [f.id for f in found])
    return found[0]


@pytest.mark.parametrize("flight", ["gxa6143", "gxa6145"])
def test_planes_in_the_air_not_turned_back(audit: Audit, flight: str) -> None:
    finding = only(audit, kind="directive_unmet", order="tro-class-oral", movement=flight)
    assert finding.certainty == "certain"
    assert finding.action == "return_in_transit"
    assert finding.people == ("aea-venezuelans",)
    assert "was in the air when the oral order tro-class-oral took effect at " \
           "2025-03-15 18:45\u201318:48 EDT" in finding.reason
    assert "instead of returning" in finding.reason
    assert {e.id for e in finding.events} == {f"{flight}.departed.1", f"{flight}.landed.1"}


@pytest.mark.parametrize(("order", "after"), [("tro-class-oral", "PT4H42M"),
                                              ("tro-class-written", "PT4H4M")])
def test_class_handed_to_salvadoran_custody(audit: Audit, order: str, after: str) -> None:
    finding = only(audit, kind="forbidden_action", order=order, people=("aea-venezuelans",))
    assert finding.certainty == "certain"
    assert finding.count == 137
    assert finding.after_effect == after
    assert finding.movements == ("gxa6143", "gxa6145")
    assert "handed to Salvadoran security forces" in finding.reason


def test_abrego_garcia_removed_to_el_salvador_under_every_reading(engine: Engine) -> None:
    matrix = engine.matrix()
    finding = only(engine.audit(), kind="forbidden_action", order="withholding-2019")
    assert finding.people == ("abrego-garcia",) and finding.action == "remove_to"
    assert set(matrix.rows[[r.id for r in matrix.rows].index(finding.id)].cells) == {"certain"}
    assert [n.party for n in finding.notice] == ["U.S. Immigration and Customs Enforcement"]


def test_no_finding_for_plaintiffs_gxa6122_class_or_facilitate(audit: Audit) -> None:
    for finding in audit.findings:
        assert not set(finding.people) & set(PLAINTIFFS)
        assert finding.order != "facilitate-apr10"
        if finding.order in ("tro-class-oral", "tro-class-written"):
            assert "gxa6122" not in finding.movements
    met = [o for o in audit.obligations if o.source == "facilitate-apr10"]
    assert [o.status for o in met] == ["met"]


def test_statements(audit: Audit) -> None:
    verdicts = {s.id: s for s in audit.statements}
    leavitt = verdicts["leavitt"]
    assert leavitt.verdict == "contradicted"
    assert leavitt.findings
    for fid in leavitt.findings:
        assert "leavitt" in audit.finding(fid).contradicts
    assert verdicts["bukele-oopsie"].verdict == "not_checkable"
    assert verdicts["bukele-arrival"].verdict == "not_checkable"


def test_government_theory(engine: Engine) -> None:
    audit = engine.audit(interpretation=GOVERNMENT)
    for finding in audit.findings:
        if finding.order in ("tro-class-oral", "tro-class-written"):
            assert finding.certainty == "possible"
    abrego = only(audit, order="withholding-2019")
    assert abrego.certainty == "certain"
    matrix = engine.matrix()
    assert matrix.columns == ("oral/departure", "oral/exit_territory", "oral/custody_transfer",
                              "written/departure", "written/exit_territory",
                              "written/custody_transfer")
    plane = next(r for r in matrix.rows if r.movement == "gxa6143")
    assert plane.cells == (None, "possible", "certain", None, None, None)


def test_vacatur_removes_nothing(case: Case) -> None:
    without = Case(**{**case.__dict__, "orders": {
        k: v for k, v in case.orders.items() if k != "vacatur-apr7"}})
    assert Engine(case).audit().to_json()["findings"] == Engine(without).audit().to_json()[
        "findings"]


def test_json_contract(audit: Audit) -> None:
    data = audit.to_json()
    assert set(data) >= {"interpretation", "as_of", "findings", "statements", "obligations",
                         "agreements"}
    assert data["interpretation"]["effect"] == "oral"
    first = data["findings"][0]
    for key in ("kind", "order", "people", "count", "movement", "certainty", "reason",
                "events", "after_effect", "notice", "contradicts"):
        assert key in first
    assert set(first["events"][0]) == {"id", "seq", "leaf_hash"}
    agreement = data["agreements"][0]
    assert agreement["term_ends"] == ["2026-03-16T04:00:00-04:00", "2026-03-16T14:00:00-04:00"]


def test_state_at_seven_pm(engine: Engine) -> None:
    state = engine.state("2025-03-15T19:00")
    held = {h.subject: h for h in state.custody}
    assert held["aea-venezuelans"].holders == ("us-ice",)
    assert held["aea-venezuelans"].removed is None
    assert [(m.movement, m.under_way) for m in state.moving] == [("gxa6143", "certain"),
                                                                 ("gxa6145", "certain")]
    assert {f.order for f in state.in_force} == {"tro-named", "tro-class-oral",
                                                 "withholding-2019"}
    assert {o.movement for o in state.obligations if o.kind == "return_in_transit"} == {
        "gxa6143", "gxa6145"}
    government = engine.state("2025-03-15T19:00", Interpretation("written", "exit_territory"))
    away = {h.subject: h.removed for h in government.custody}
    assert away["aea-venezuelans"] == "possible"
