"""Orders awaiting a clerk reach the audit; counsel sees them only beside its clients' flights."""

from __future__ import annotations

from habeas.law import Interpretation
from habeas.service import Principal, Role

from .harness import ADMIN, FLAGSHIP, make_rig

IMPORTED = """orders:
  txsd-entry-12:
    court: "S.D. Tex."
    case: "1:25-cv-00059"
    kind: other
    form: written
    issued: 2025-03-15T12:00
    scope: unconfirmed
"""


def test_audit_lists_unconfirmed_orders_and_counsel_sees_only_its_clients_flights() -> None:
    rig = make_rig(flagship=False)
    rig.service.import_bundle(ADMIN, FLAGSHIP.replace("orders:\n", IMPORTED, 1))
    monitor = Principal("tok_m", "monitor", Role.monitor)
    counsel = Principal("tok_c", "counsel", Role.counsel, frozenset({"abrego-garcia"}))
    everything = rig.service.audit(monitor, Interpretation())["unconfirmed"]
    assert {(u["order"], u["movement"]) for u in everything} == {
        ("txsd-entry-12", "gxa6143"), ("txsd-entry-12", "gxa6145"),
        ("txsd-entry-12", "gxa6122")}
    theirs = rig.service.audit(counsel, Interpretation())["unconfirmed"]
    assert [u["movement"] for u in theirs] == ["gxa6122"]
