"""Bundles in and out of a ledger, with proofs a court can check offline.

An exported bundle is an ordinary bundle plus a ``ledger`` section: the signed checkpoint,
the verifier key, and for every object the full ledger record and its RFC 9162 inclusion
proof. Importing such a bundle checks all of that before anything is written, so a bundle
altered after export is refused rather than silently re-recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from habeas.bundle.document import FORMAT_VERSION, BundleDocument
from habeas.bundle.load import LIST_SECTIONS, bundle_from_data, load_bundle_data
from habeas.bundle.records import (
    CASE_KIND,
    ImportResult,
    case_from_records,
    entity_payload,
    import_case,
)
from habeas.domain import SECTIONS, Case, Model
from habeas.errors import Problem, ValidationError, VerificationError

if TYPE_CHECKING:
    from habeas.ledger import Checkpoint, Ledger
    from habeas.ledger.cosignature import WitnessPolicy


class ProvenRecord(Model):
    """One ledger record as it was hashed, with the inclusion path to the checkpoint's root."""

    record: dict[str, Any] = Field(description="the record as `habeas log --json` prints it")
    path: list[str] = Field(description="RFC 9162 inclusion proof, hex hashes")


class ConsistencySince(Model):
    """An RFC 9162 consistency proof from an earlier tree size to the bundle's checkpoint,
    for a reader who kept a checkpoint of that size (``habeas export --since N``)."""

    old_size: int = Field(ge=0)
    path: list[str] = Field(description="RFC 9162 consistency proof, hex hashes")


class LedgerSection(Model):
    """What an exported bundle carries so that it can be verified offline."""

    origin: str
    verifier_key: str = Field(description="C2SP vkey of the log's signing key")
    checkpoint: str = Field(description="C2SP signed note of the checkpoint")
    tree_size: int = Field(ge=0)
    root: str = Field(description="hex root hash at tree_size")
    records: dict[str, ProvenRecord] = Field(
        description="keyed by '<section>.<id>', plus 'case' for the bundle header")
    consistency: ConsistencySince | None = Field(
        default=None, description="proof that the log grew from an earlier size to this one")


class ExportedBundle(BundleDocument):
    """A bundle with the ledger section that ``habeas export`` adds."""

    ledger: LedgerSection | None = None


def bundle_json_schema() -> dict[str, Any]:
    """The JSON Schema of the bundle format (with the optional ``ledger`` section)."""
    schema = ExportedBundle.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Habeas case bundle, format {FORMAT_VERSION}"
    return schema


def case_document(case: Case) -> dict[str, Any]:
    """A case as bundle data: dict sections keyed by id, list sections with their ids."""
    document: dict[str, Any] = {"habeas": FORMAT_VERSION, "title": case.title,
                                "timezone": case.timezone}
    for section in SECTIONS:
        objects = case.section(section)
        if not objects:
            continue
        if section in LIST_SECTIONS:
            document[section] = [entity_payload(obj) for obj in objects.values()]
        else:
            document[section] = {
                obj_id: {k: v for k, v in entity_payload(obj).items() if k != "id"}
                for obj_id, obj in objects.items()
            }
    return document


def export_bundle(ledger: Ledger, since: int | None = None) -> dict[str, Any]:
    """The ledger's case as a bundle with a checkpoint and a proof for every object, and,
    given ``since``, a consistency proof from that tree size (a checkpoint the reader kept)."""
    size = ledger.size()
    if since is not None and not 0 <= since <= size:
        raise ValidationError(Problem("since", since, f"must be a tree size from 0 to {size}"))
    records = list(ledger.scan(0, size))
    case = case_from_records(records)
    document = case_document(case)
    proven: dict[str, Any] = {}
    header = _header_seq(records)
    wanted = [("case", header)] if header is not None else []
    wanted += [(f"{section}.{obj_id}", ref.seq) for (section, obj_id), ref in case.refs.items()]
    for key, seq in wanted:
        proof = ledger.inclusion_proof(seq, size)
        proven[key] = {"record": records[seq].to_json(),
                       "path": [node.hex() for node in proof.path]}
    document["ledger"] = {
        "origin": _origin(ledger.checkpoint(size)),
        "verifier_key": ledger.verifier_key(),
        "checkpoint": ledger.best_checkpoint(size),
        "tree_size": size,
        "root": ledger.root(size).hex() if size else "",
        "records": proven,
    }
    if since is not None:
        grown = ledger.consistency_proof(since, size)
        document["ledger"]["consistency"] = {"old_size": since,
                                             "path": [node.hex() for node in grown.path]}
    return document


def _header_seq(records: list[Any]) -> int | None:
    seq = None
    for record in records:
        if record.kind == CASE_KIND:
            seq = record.seq
    return seq


def _origin(note: str) -> str:
    return note.split("\n", 1)[0]


def verify_exported(data: dict[str, Any], case: Case, trusted_key: str | None = None,
                    trusted_checkpoint: str | None = None,
                    policy: WitnessPolicy | None = None) -> int:
    """Check an exported bundle's proofs against its checkpoint; return the number checked.

    Every object of the case must be covered by a record whose payload is exactly the
    object, whose leaf hash is recomputed from the record, and whose inclusion path leads to
    the root that the signed checkpoint commits to. ``trusted_key`` pins the signer; without
    it the bundle's own key is used, which proves integrity since export, not authorship.
    ``trusted_checkpoint`` is a checkpoint the reader kept: the bundle's must extend it,
    proved from the root the reader holds (see ``check_extends``).
    """
    from habeas.ledger import Checkpoint, InclusionProof, Verifier
    from habeas.ledger.canonical import canonical_bytes
    from habeas.ledger.merkle import leaf_hash

    section = LedgerSection.model_validate(data["ledger"])
    verifier = Verifier.parse(trusted_key or section.verifier_key)
    checkpoint = Checkpoint.open(section.checkpoint, verifier)
    if policy is not None:
        policy.check(section.checkpoint)
    if trusted_checkpoint is not None:
        check_extends(Checkpoint.open(trusted_checkpoint, verifier, checkpoint.origin),
                      checkpoint, section.consistency)
    expected = {f"{name}.{obj_id}": entity_payload(obj)
                for name in SECTIONS for obj_id, obj in case.section(name).items()}
    missing = sorted(set(expected) - set(section.records))
    if missing:
        raise VerificationError(f"{missing[0]}: no proof for this object "
                                f"({len(missing)} objects unproven)")
    for key, proven in section.records.items():
        record = dict(proven.record)
        claimed = record.pop("leaf_hash", None)
        leaf = leaf_hash(canonical_bytes(record))
        if claimed != leaf.hex():
            raise VerificationError(f"{key}: record does not match its leaf hash")
        if key in expected and record.get("payload") != expected[key]:
            raise VerificationError(f"{key}: the bundle differs from the proven record")
        try:
            path = [bytes.fromhex(node) for node in proven.path]
        except ValueError:
            raise VerificationError(f"{key}: proof path is not hex") from None
        InclusionProof(int(record["seq"]), checkpoint.size, leaf, tuple(path),
                       checkpoint.root, section.checkpoint).verify(verifier)
    return len(section.records)


def check_extends(held: Checkpoint, checkpoint: Checkpoint,
                  consistency: ConsistencySince | None) -> None:
    """Raise unless ``checkpoint`` extends ``held``, a checkpoint the reader kept: the same
    root at the same size, or a consistency proof from ``held``'s size that leads from the
    root the reader holds (never one the bundle supplies) to the bundle's root."""
    from habeas.ledger.merkle import verify_consistency

    if held.size > checkpoint.size:
        raise VerificationError(f"the bundle's checkpoint (size {checkpoint.size}) is older "
                                f"than the trusted checkpoint (size {held.size})")
    path: list[bytes] = []
    if held.size not in (0, checkpoint.size):
        if consistency is None or consistency.old_size != held.size:
            raise VerificationError(f"the bundle carries no consistency proof from size "
                                    f"{held.size} (the trusted checkpoint's); export it with "
                                    f"--since {held.size}")
        try:
            path = [bytes.fromhex(node) for node in consistency.path]
        except ValueError:
            raise VerificationError("consistency proof path is not hex") from None
    try:
        verify_consistency(held.size, checkpoint.size, held.root, checkpoint.root, path)
    except VerificationError as error:
        raise VerificationError(f"the log does not extend the trusted checkpoint of size "
                                f"{held.size}: {error}") from None


def import_bundle_file(ledger: Ledger, path: str | Path, actor: str = "bundle",
                       trusted_key: str | None = None, trusted_checkpoint: str | None = None,
                       policy: WitnessPolicy | None = None) -> ImportResult:
    """Validate a bundle file (checking its proofs if it was exported) and import it."""
    data = load_bundle_data(path)
    proofs = data.pop("ledger", None) if isinstance(data, dict) else None
    case = bundle_from_data(data, source=str(path))
    if (trusted_checkpoint is not None or policy is not None) and proofs is None:
        raise VerificationError(f"{path}: carries no ledger section to hold against the "
                                "trusted checkpoint")
    if proofs is not None:
        try:
            verify_exported({"ledger": proofs}, case, trusted_key, trusted_checkpoint, policy)
        except VerificationError as error:
            raise VerificationError(f"{path}: {error}") from None
        except ValueError as error:  # a malformed ledger section
            raise ValidationError(Problem("ledger", None, str(error).splitlines()[0]),
                                  source=str(path)) from None
    return import_case(ledger, case, actor)
