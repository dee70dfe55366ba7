"""Cases through the ledger and back: the same objects, corrections, retractions, known-at."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from habeas.bundle import load_bundle, parse_bundle
from habeas.bundle.records import case_from_ledger, case_from_records, import_case
from habeas.errors import IntegrityError, ValidationError
from habeas.ledger import Ledger, RecordDraft

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "jgg-2025-03-15.yaml"


class Clock:
    """A clock the test moves by hand, one second per reading."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 17, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture(params=["sqlite", "postgres"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        yield request.getfixturevalue("postgres_url")


@pytest.fixture
def ledger(ledger_url: str, tmp_path: Path) -> Iterator[Ledger]:
    with Ledger.init(ledger_url, key_path=tmp_path / "signing.key", clock=Clock()) as opened:
        yield opened


def test_round_trip_gives_the_same_case(ledger: Ledger) -> None:
    case = load_bundle(EXAMPLE)
    result = import_case(ledger, case)
    assert result.added == ledger.size() == 1 + sum(1 for _ in case.objects())
    back = case_from_records(ledger.scan())
    for section, obj in case.objects():
        assert back.section(section)[obj.id] == obj
    assert back.title == case.title and back.timezone == case.timezone
    ref = back.ref("orders", "tro-class-oral")
    assert ref is not None
    assert ledger.get(ref.seq).payload["id"] == "tro-class-oral"
    assert ref.leaf_hash == ledger.get(ref.seq).leaf_hash.hex()


def test_importing_twice_adds_nothing(ledger: Ledger) -> None:
    case = load_bundle(EXAMPLE)
    import_case(ledger, case)
    size = ledger.size()
    again = import_case(ledger, case, actor="someone else")
    assert (again.added, again.corrected, len(again.records)) == (0, 0, 0)
    assert ledger.size() == size


def test_a_changed_object_is_appended_as_a_correction(ledger: Ledger) -> None:
    text = EXAMPLE.read_text()
    import_case(ledger, parse_bundle(text))
    first = case_from_records(ledger.scan())
    old_ref = first.ref("groups", "aea-venezuelans")
    assert old_ref is not None
    changed = parse_bundle(text.replace("count: 137", "count: 138"))
    result = import_case(ledger, changed)
    assert (result.added, result.corrected) == (0, 1)
    assert result.records[0].corrects == old_ref.seq
    assert case_from_records(ledger.scan()).groups["aea-venezuelans"].count == 138


def test_known_at_sees_the_log_as_it_stood(ledger: Ledger) -> None:
    text = EXAMPLE.read_text()
    import_case(ledger, parse_bundle(text))
    between = ledger.get(ledger.size() - 1).recorded_at
    import_case(ledger, parse_bundle(text.replace("count: 137", "count: 138")))
    assert case_from_records(ledger.scan(), known_at=between).groups[
        "aea-venezuelans"].count == 137
    assert case_from_records(ledger.scan()).groups["aea-venezuelans"].count == 138


def test_a_retraction_removes_the_object(ledger: Ledger) -> None:
    import_case(ledger, load_bundle(EXAMPLE))
    case = case_from_records(ledger.scan())
    ref = case.ref("statements", "bukele-oopsie")
    assert ref is not None
    ledger.append([RecordDraft(kind="retraction", payload={"reason": "duplicate"},
                               retracts=ref.seq, actor="clerk")])
    assert "bukele-oopsie" not in case_from_records(ledger.scan()).statements


def test_a_bad_record_is_named_by_its_seq(ledger: Ledger) -> None:
    import_case(ledger, load_bundle(EXAMPLE))
    (bad,) = ledger.append([RecordDraft(kind="place", payload={"id": "x", "name": "X"})])
    with pytest.raises(ValidationError, match=rf"seq {bad.seq} \(place x\)\.country"):
        case_from_records(ledger.scan())


def test_a_dangling_reference_in_the_log_is_an_error(ledger: Ledger) -> None:
    ledger.append([RecordDraft(kind="person", payload={"id": "p", "name": "P",
                                                        "held_by": "nowhere"})])
    with pytest.raises(ValidationError, match="people.p.held_by: 'nowhere'"):
        case_from_records(ledger.scan())


def test_a_concurrent_writer_makes_the_import_fail_cleanly(ledger: Ledger) -> None:
    case = load_bundle(EXAMPLE)
    real_size = ledger.size

    def stale_size() -> int:
        ledger.append([RecordDraft(kind="note", payload={"text": "interleaved"})])
        return real_size() - 1

    ledger.size = stale_size  # type: ignore[method-assign]
    with pytest.raises(IntegrityError):
        import_case(ledger, case)
    assert real_size() == 1


def test_case_from_ledger_opens_by_url(ledger_url: str, tmp_path: Path) -> None:
    with Ledger.init(ledger_url, key_path=tmp_path / "k.key") as ledger:
        import_case(ledger, load_bundle(EXAMPLE))
    assert "gxa6143" in case_from_ledger(ledger_url).movements


def test_load_case_from_a_bundle_cites_ledger_records() -> None:
    from habeas.bundle.records import load_case

    case = load_case(bundle=EXAMPLE)
    ref = case.ref("events", "gxa6143.landed.1")
    assert ref is not None and len(ref.leaf_hash) == 64


def test_load_case_wants_exactly_one_source(tmp_path: Path) -> None:
    from habeas.bundle.records import load_case

    with pytest.raises(ValidationError, match="either a bundle file or --db"):
        load_case()
    with pytest.raises(ValidationError, match="either a bundle file or --db"):
        load_case(bundle=EXAMPLE, db=str(tmp_path / "x.db"))
