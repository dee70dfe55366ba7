"""Hostile bundles and records, generated: never a crash or a traceback, always a
``ValidationError`` naming where the problem is, and nothing written when refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.faults.backends import habeas
from tests.faults.strategies import (
    EXAMPLE,
    as_text,
    bundle_texts,
    example_data,
    mutated_bundles,
    record_drafts,
)

from habeas.bundle import parse_bundle
from habeas.bundle.records import import_case
from habeas.errors import ValidationError
from habeas.ledger import Ledger, RecordDraft

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


def check_refusal(error: ValidationError, source: str) -> None:
    """A refusal names its source and, for every problem, a rule; a problem below the top
    of the document names its path."""
    assert error.problems, "a ValidationError without problems"
    assert str(error).startswith(f"{source}: ")
    for problem in error.problems:
        assert problem.rule, problem
    whole_document = {"not valid YAML or JSON", "a bundle is a mapping", "nested too deeply"}
    if not any(rule in p.rule for p in error.problems for rule in whole_document):
        assert any(p.path for p in error.problems), error


@pytest.fixture(scope="module")
def memory_ledger() -> Iterator[Ledger]:
    with Ledger.init("memory:") as ledger:
        yield ledger


@SETTINGS
@given(text=bundle_texts)
def test_any_text_is_a_case_or_a_named_refusal(text: str, memory_ledger: Ledger) -> None:
    try:
        case = parse_bundle(text, source="hostile.yaml")
    except ValidationError as error:
        check_refusal(error, "hostile.yaml")
        return
    before = memory_ledger.size()
    try:
        import_case(memory_ledger, case)
    except ValidationError as error:
        assert memory_ledger.size() == before, "a refused import wrote records"
        assert error.problems and all(p.path for p in error.problems), error


@settings(SETTINGS, max_examples=40)
@given(data=mutated_bundles(), form=st.sampled_from(["yaml", "json"]))
def test_cli_import_refuses_cleanly_and_writes_nothing(data: Any, form: str,
                                                       tmp_path_factory: pytest.TempPathFactory
                                                       ) -> None:
    directory = tmp_path_factory.mktemp("cli")
    db = str(directory / "h.db")
    Ledger.init(db).close()
    # the flagship first, so that a refused second import must also leave it untouched
    assert habeas("import", str(EXAMPLE), "--db", db)[0] == 0
    bundle = directory / f"b.{form}"
    bundle.write_text(as_text(data, form), encoding="utf-8", errors="surrogatepass")
    code, out, err = habeas("import", str(bundle), "--db", db)
    with Ledger.open(db) as ledger:
        size = ledger.size()
        ledger.verify()
    if code == 0:
        assert out and err == ""
        return
    assert code == 2, (code, err)
    assert out == "" and err.startswith("Error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert size == 79, "a refused import wrote records"


@SETTINGS
@given(raw=record_drafts)
def test_any_record_json_is_a_record_or_a_named_refusal(raw: Any,
                                                        memory_ledger: Ledger) -> None:
    before = memory_ledger.size()
    try:
        drafts = [RecordDraft.from_json(raw, "records[0]")]
        memory_ledger.append(drafts)
    except ValidationError as error:
        assert memory_ledger.size() == before
        assert all(p.path.startswith("records[0]") for p in error.problems), error
        str(error)  # renders
        return
    assert memory_ledger.size() == before + 1


def test_unmutated_example_is_valid() -> None:
    """The generator's base really is a valid bundle, so the draws cover acceptance."""
    parse_bundle(json.dumps(example_data()))


def test_huge_integer_in_a_valid_bundle_is_refused_with_its_path(tmp_path: Path) -> None:
    """A count beyond 2**53 passes the domain models but not canonical JSON: the import
    must still refuse it as a ValidationError, with nothing written."""
    data = example_data() | {}
    data = json.loads(json.dumps(data))
    group = next(iter(data["groups"]))
    data["groups"][group]["count"] = 2**60
    bundle = tmp_path / "huge.json"
    bundle.write_text(json.dumps(data))
    db = str(tmp_path / "h.db")
    Ledger.init(db).close()
    code, out, err = habeas("import", str(bundle), "--db", db)
    assert code == 2 and out == "" and err.startswith("Error: "), err
    assert f"groups.{group}.count" in err or "records[" in err
    with Ledger.open(db) as ledger:
        assert ledger.size() == 0


def test_reverting_a_correction_appends_another_correction(tmp_path: Path) -> None:
    """Found by the generator above: import A, then A with one object changed (a
    correction), then A again. The third import must correct the object back, not fail
    because the first record's idempotency key is taken."""
    db = str(tmp_path / "h.db")
    Ledger.init(db).close()
    changed = tmp_path / "changed.yaml"
    changed.write_text(EXAMPLE.read_text().replace("held_by_country: US",
                                                   "held_by_country: SV", 1))
    assert habeas("import", str(EXAMPLE), "--db", db)[1].startswith("79 added")
    assert habeas("import", str(changed), "--db", db)[1].startswith("0 added, 1 corrected")
    code, out, err = habeas("import", str(EXAMPLE), "--db", db)
    assert (code, err) == (0, "")
    assert out.startswith("0 added, 1 corrected, 78 unchanged")
    with Ledger.open(db) as ledger:
        assert ledger.size() == 81
        ledger.verify()


def test_top_level_key_with_a_lone_surrogate_is_named() -> None:
    """Found by the generator: pydantic gives no location for such a key, so the refusal
    named no path."""
    with pytest.raises(ValidationError) as caught:
        parse_bundle('{"habeas": 1, "title": "t", "timezone": "UTC", "unknown_\\ud800": 1}',
                     source="hostile.json")
    check_refusal(caught.value, "hostile.json")
    assert caught.value.problems[0].path == "unknown_\\ud800"
