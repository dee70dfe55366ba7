"""The verifiable ledger: append-only records in an RFC 9162 Merkle tree, with signed
C2SP checkpoints and proofs, over SQLite or PostgreSQL. Knows nothing of law."""

from habeas.ledger.checkpoint import Checkpoint
from habeas.ledger.ledger import Ledger
from habeas.ledger.note import Signer, Verifier
from habeas.ledger.proofs import ConsistencyProof, InclusionProof
from habeas.ledger.records import Record, RecordDraft
from habeas.ledger.store import open_store, parse_store_url
from habeas.ledger.verify import VerifyReport

__all__ = ["Checkpoint", "ConsistencyProof", "InclusionProof", "Ledger", "Record",
           "RecordDraft", "Signer", "Verifier", "VerifyReport", "open_store",
           "parse_store_url"]
