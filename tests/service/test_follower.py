"""The follower: readers take the current snapshot without waiting for a write; a write by
another process is folded from the log; the fold can be replaced without touching callers."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from habeas.bundle.records import case_from_records
from habeas.ledger import Ledger, Record, RecordDraft
from habeas.service import DEFAULT, Service
from habeas.service.database import Database
from habeas.service.follower import Follower, Snapshot
from service.harness import ADMIN, Rig, make_rig

DEPARTED = {"kind": "departed", "movement": "gxa6122", "place": "hrl",
            "at": "2026-01-05T09:00:00+00:00"}


def test_reads_answer_while_a_write_is_being_folded(rig: Rig, monkeypatch: object) -> None:
    svc = rig.service
    follower = svc.follower
    entered, release = threading.Event(), threading.Event()
    real_fold = follower.fold

    def slow_fold(snapshot: Snapshot, records: Sequence[Record]) -> Snapshot:
        entered.set()
        release.wait(10)
        return real_fold(snapshot, records)

    follower.fold = slow_fold  # type: ignore[method-assign]
    before = svc.snapshot()
    writer = threading.Thread(target=svc.add, args=(ADMIN, "events", DEPARTED))
    writer.start()
    assert entered.wait(10)
    started = time.monotonic()
    people = svc.entities(ADMIN, "people").items
    audit = svc.audit(ADMIN, DEFAULT)
    page = svc.dashboard(ADMIN)
    waited = time.monotonic() - started
    assert svc.snapshot() is before  # the reads saw the snapshot before the write
    assert people and audit["findings"] and page["size"] == before.size
    assert waited < 5  # answered while the fold is held (it would wait 10 s otherwise)
    release.set()
    writer.join(10)
    assert svc.snapshot().size == before.size + 1


def test_a_write_by_another_process_is_folded_from_the_log(tmp_path: Path) -> None:
    url = str(tmp_path / "habeas.db")
    rig = make_rig(url)
    other = Ledger.open(url)  # another process's handle on the same ledger
    size = rig.service.snapshot().size
    event = {**DEPARTED, "id": "gxa6122.departed.elsewhere"}
    other.append([RecordDraft(kind="event", payload=event, actor="elsewhere")])
    assert rig.service.snapshot().size == size  # not yet read
    caught = rig.service.follower.catch_up()
    assert caught.size == size + 1 and "gxa6122.departed.elsewhere" in caught.case.events


def test_the_watcher_folds_others_appends_within_a_second(tmp_path: Path) -> None:
    url = str(tmp_path / "habeas.db")
    rig = make_rig(url)
    watcher = rig.service.watcher(poll=0.05)
    watcher.start()
    try:
        event = {**DEPARTED, "id": "gxa6122.departed.watched"}
        Ledger.open(url).append([RecordDraft(kind="event", payload=event, actor="elsewhere")])
        deadline = time.monotonic() + 1
        while "gxa6122.departed.watched" not in rig.service.snapshot().case.events or \
                not any(a.topic == "movement" for a in rig.service.alerts.recent(ADMIN)):
            # folded, and its alerts raised by the follower rather than left for the worker
            assert time.monotonic() < deadline, "not folded and alerted within a second"
            time.sleep(0.02)
    finally:
        watcher.stop()


def test_advance_reads_a_gap_from_the_log_and_matches_a_full_read(rig: Rig) -> None:
    svc = rig.service
    size = svc.snapshot().size
    first = svc.ledger.append([RecordDraft(kind="event", actor="t", payload={
        **DEPARTED, "id": "gxa6122.departed.a"})])
    second = svc.ledger.append([RecordDraft(kind="event", actor="t", payload={
        **DEPARTED, "id": "gxa6122.departed.b"})])
    folded = svc.follower.advance(second)  # told only of the second: the first is read
    assert folded.size == size + 2 == first[0].seq + 2
    reference = case_from_records(svc.ledger.scan())
    assert folded.case.events.keys() == reference.events.keys()
    assert folded.case.refs == reference.refs


def test_a_correction_folds_by_reading_the_log_again(rig: Rig) -> None:
    svc = rig.service
    seq = svc.snapshot().case.ref("people", "jgg")
    assert seq is not None
    person = svc.snapshot().case.people["jgg"].model_dump(mode="json", by_alias=True,
                                                          exclude_none=True)
    records = svc.ledger.append([RecordDraft(kind="person", actor="t", corrects=seq.seq,
                                             payload={**person, "name": "J.G.G. (corrected)"})])
    folded = svc.follower.advance(records)
    assert folded.case.people["jgg"].name == "J.G.G. (corrected)"
    assert folded.case == case_from_records(svc.ledger.scan())


def test_a_new_follower_starts_from_the_whole_log(rig: Rig) -> None:
    fresh = Follower(rig.service.ledger)
    assert fresh.current().size == rig.service.ledger.size()
    assert fresh.current().case == rig.service.snapshot().case


@pytest.mark.postgres
def test_on_postgresql_a_notify_wakes_the_follower_before_its_poll(
        postgres_url: str, tmp_path: Path) -> None:
    """The writer NOTIFYs after its commit; the other process's watcher, polling only every
    30 s, folds the write within a second all the same."""
    writer = make_rig(postgres_url, key_path=str(tmp_path / "signing.key"))
    reader = Service(Ledger.open(postgres_url, key_path=str(tmp_path / "signing.key")),
                     Database(postgres_url))
    watcher = reader.watcher(poll=30)
    watcher.start()
    try:
        time.sleep(0.3)  # the watcher's first catch-up, then it LISTENs
        writer.service.add(ADMIN, "events", {**DEPARTED, "id": "gxa6122.departed.notified"})
        deadline = time.monotonic() + 1
        while "gxa6122.departed.notified" not in reader.snapshot().case.events:
            assert time.monotonic() < deadline, "the NOTIFY did not wake the follower"
            time.sleep(0.02)
    finally:
        watcher.stop()


OPS = st.lists(st.tuples(st.sampled_from(["source", "person", "receipt", "correct", "retract",
                                          "batch"]), st.integers(0, 4)), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_any_appends_fold_to_what_a_full_read_gives(ops: list[tuple[str, int]]) -> None:
    """The follower's fold (the fast path for new objects, the full read otherwise) is
    the reference's: the case after any appends equals ``case_from_records`` of the log."""
    ledger = Ledger.init("memory:")
    ledger.append([RecordDraft(kind="case", payload={"title": "t", "timezone": "UTC"})])
    follower = Follower(ledger)
    for op, n in ops:
        size = ledger.size()
        seqs = {r.payload.get("id"): r.seq for r in ledger.scan() if r.kind == "person"}
        if op == "source":
            drafts = [RecordDraft(kind="source", payload={"id": f"s{size}", "title": "x"})]
        elif op == "person":
            drafts = [RecordDraft(kind="person", payload={"id": f"p{n}", "name": f"P {n}"})]
        elif op == "receipt":
            drafts = [RecordDraft(kind="guard.receipt", payload={"decision": "allow"})]
        elif op == "batch":
            drafts = [RecordDraft(kind="source", payload={"id": f"b{size}.{i}", "title": "y"})
                      for i in range(n + 1)]
        elif f"p{n}" in seqs:
            drafts = [RecordDraft(kind="person", payload={"id": f"p{n}", "name": f"Q {size}"},
                                  corrects=seqs[f"p{n}"])] if op == "correct" else [
                RecordDraft(kind="person", payload={"id": f"p{n}"}, retracts=seqs[f"p{n}"])]
        else:
            continue
        follower.advance(ledger.append(drafts))
        assert follower.current().size == ledger.size()
        assert follower.current().case == case_from_records(ledger.scan())
