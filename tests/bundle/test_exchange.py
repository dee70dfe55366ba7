"""Export with proofs and import that checks them: what a court receives can be verified."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from habeas.bundle import load_bundle
from habeas.bundle.exchange import bundle_json_schema, export_bundle, import_bundle_file
from habeas.bundle.records import case_from_records, import_case
from habeas.errors import VerificationError
from habeas.ledger import Ledger

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "jgg-2025-03-15.yaml"


@pytest.fixture
def exported(tmp_path: Path) -> dict[str, Any]:
    with Ledger.init(f"sqlite:///{tmp_path / 'a.db'}", key_path=tmp_path / "a.key") as ledger:
        import_case(ledger, load_bundle(EXAMPLE))
        return export_bundle(ledger)


def write(tmp_path: Path, document: dict[str, Any], name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def fresh(tmp_path: Path, name: str = "b") -> Ledger:
    return Ledger.init(f"sqlite:///{tmp_path / (name + '.db')}", key_path=tmp_path / f"{name}.key")


def test_export_carries_a_proof_for_every_object(exported: dict[str, Any]) -> None:
    proofs = exported["ledger"]["records"]
    assert "orders.tro-class-oral" in proofs and "events.gxa6143.departed.1" in proofs
    assert "case" in proofs
    assert len(proofs) == exported["ledger"]["tree_size"]
    assert exported["ledger"]["checkpoint"].startswith(exported["ledger"]["origin"] + "\n")


def test_exported_bundle_imports_into_another_ledger(tmp_path: Path,
                                                    exported: dict[str, Any]) -> None:
    with fresh(tmp_path) as other:
        result = import_bundle_file(other, write(tmp_path, exported))
        assert result.added == exported["ledger"]["tree_size"]
        assert case_from_records(other.scan()).movements.keys() == {
            "gxa6143", "gxa6145", "gxa6122"}


def test_a_bundle_altered_after_export_is_refused(tmp_path: Path,
                                                  exported: dict[str, Any]) -> None:
    altered = copy.deepcopy(exported)
    altered["groups"]["aea-venezuelans"]["count"] = 1
    with fresh(tmp_path) as other:
        with pytest.raises(VerificationError,
                           match="groups.aea-venezuelans: the bundle differs"):
            import_bundle_file(other, write(tmp_path, altered))
        assert other.size() == 0


def test_an_altered_record_fails_its_leaf_hash(tmp_path: Path, exported: dict[str, Any]) -> None:
    altered = copy.deepcopy(exported)
    altered["ledger"]["records"]["case"]["record"]["actor"] = "someone"
    with fresh(tmp_path) as other, pytest.raises(VerificationError, match="leaf hash"):
        import_bundle_file(other, write(tmp_path, altered))


def test_a_forged_path_is_refused(tmp_path: Path, exported: dict[str, Any]) -> None:
    altered = copy.deepcopy(exported)
    path = altered["ledger"]["records"]["orders.tro-class-oral"]["path"]
    path[0] = "00" * 32
    with fresh(tmp_path) as other:
        with pytest.raises(VerificationError):
            import_bundle_file(other, write(tmp_path, altered))
        assert other.size() == 0


def test_an_object_without_proof_is_refused(tmp_path: Path, exported: dict[str, Any]) -> None:
    altered = copy.deepcopy(exported)
    del altered["ledger"]["records"]["people.abrego-garcia"]
    with fresh(tmp_path) as other, pytest.raises(VerificationError,
                                                 match="people.abrego-garcia: no proof"):
        import_bundle_file(other, write(tmp_path, altered))


def test_a_pinned_key_must_have_signed(tmp_path: Path, exported: dict[str, Any]) -> None:
    with fresh(tmp_path) as other, fresh(tmp_path, "c") as stranger:
        with pytest.raises(VerificationError):
            import_bundle_file(other, write(tmp_path, exported),
                               trusted_key=stranger.verifier_key())
        assert other.size() == 0


def test_schema_describes_the_format() -> None:
    schema = bundle_json_schema()
    assert schema["title"] == "Habeas case bundle, format 1"
    assert {"habeas", "title", "timezone"} <= set(schema["required"])
    assert "orders" in schema["properties"] and "ledger" in schema["properties"]
