"""A C2SP ``tlog-witness``: it remembers the latest checkpoint it cosigned for each log and
cosigns a new one only with a consistency proof from it.

``add_checkpoint`` is the protocol's one call, apart from HTTP: the request body is
``old <size>\\n``, up to 63 base64 proof lines, an empty line, then the signed checkpoint;
the answer is a status, a body and its content type, as the spec prescribes (404 unknown
origin, 403 no valid log signature, 400 malformed or old size above the checkpoint's,
409 with ``text/x.tlog.size`` when the old size is not the one it holds, 409 for another
root at the same size, 422 for a proof that does not verify, 200 with the cosignature
line). Check and update happen under one lock and the state is on disk (fsynced, renamed
into place) before the cosignature is released, so two racing requests can never roll the
witness back and a crash never forgets what it signed.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from habeas.errors import ConfigError, VerificationError
from habeas.ledger.checkpoint import Checkpoint
from habeas.ledger.cosignature import Cosigner
from habeas.ledger.merkle import verify_consistency
from habeas.ledger.note import Verifier, open_note
from habeas.ledger.signer import locked, write_atomically

MAX_PROOF_LINES = 63
SIZE_TYPE = "text/x.tlog.size"


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


class Witness:
    """Cosigns consistent extensions of the logs it knows (origin -> the log's key)."""

    def __init__(self, cosigner: Cosigner, logs: dict[str, Verifier], state: Path,
                 clock: Callable[[], float] = time.time) -> None:
        self.cosigner, self.logs, self.state, self.clock = cosigner, logs, state, clock
        self._lock = threading.Lock()

    def latest(self) -> dict[str, str]:
        """origin -> the checkpoint body last cosigned."""
        try:
            data = json.loads(self.state.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            raise ConfigError(f"witness state {self.state}: unreadable ({error})") from None
        if not isinstance(data, dict):
            raise ConfigError(f"witness state {self.state}: not a JSON object")
        return {str(k): str(v) for k, v in data.items()}

    def add_checkpoint(self, request: bytes) -> Answer:
        try:
            old, proof, note = _parse(request)
        except ValueError as error:
            return Answer(400, f"{error}\n")
        origin = note.split("\n", 1)[0]
        log = self.logs.get(origin)
        if log is None:
            return Answer(404, f"unknown log origin {origin!r}\n")
        try:
            checkpoint = Checkpoint.parse(open_note(note, log))
        except VerificationError as error:
            return Answer(403, f"{error}\n")
        if old > checkpoint.size:
            return Answer(400, f"old size {old} is above the checkpoint's {checkpoint.size}\n")
        with self._lock, self._file_lock():
            latest = self.latest()
            held = Checkpoint.parse(latest[origin]) if origin in latest else None
            held_size = 0 if held is None else held.size
            if old != held_size:
                return Answer(409, f"{held_size}\n", SIZE_TYPE)
            if held is not None and held.size == checkpoint.size:
                if held.root != checkpoint.root:
                    return Answer(409, f"{held_size}\n", SIZE_TYPE)
            elif held is not None:
                try:
                    verify_consistency(held.size, checkpoint.size, held.root,
                                       checkpoint.root, proof)
                except VerificationError as error:
                    return Answer(422, f"not consistent with size {held.size}: {error}\n")
            elif proof:
                return Answer(422, "the proof must be empty when the old size is 0\n")
            latest[origin] = checkpoint.body()
            self._write(latest)
        return Answer(200, self.cosigner.cosign(checkpoint.body(), int(self.clock())))

    def _write(self, latest: dict[str, str]) -> None:
        write_atomically(self.state, json.dumps(latest, sort_keys=True))

    def _file_lock(self) -> AbstractContextManager[None]:
        return locked(self.state.with_name(self.state.name + ".lock"))


def _parse(request: bytes) -> tuple[int, list[bytes], str]:
    """``old N``, proof lines, an empty line, the note; raises ``ValueError`` if malformed."""
    try:
        text = request.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the request is not UTF-8") from None
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise ValueError("expected an old size line, proof lines, an empty line, a note")
    lines = head.split("\n")
    first = lines[0]
    size = first[4:]
    if not first.startswith("old ") or not size.isdigit() or (size != "0" and
                                                                size.startswith("0")):
        raise ValueError(f"malformed old size line {first!r}")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise ValueError(f"more than {MAX_PROOF_LINES} consistency proof lines")
    proof = []
    for line in lines[1:]:
        try:
            digest = base64.b64decode(line, validate=True)
        except (ValueError, binascii.Error):
            digest = b""
        if len(digest) != 32:
            raise ValueError(f"malformed proof line {line!r}")
        proof.append(digest)
    return int(size), proof, note


def request_body(old_size: int, proof: list[bytes], note: str) -> bytes:
    """The body of an ``add-checkpoint`` request (what a log sends)."""
    lines = [f"old {old_size}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + note).encode()
