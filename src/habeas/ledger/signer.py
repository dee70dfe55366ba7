"""A signer that refuses to rewrite history.

The database is not trusted to say what was signed before: anyone who can write to it can
drop the append-only triggers, change a record, recompute the tree and empty the
``checkpoints`` table. So the signer keeps its own memory, outside the database, beside the
key: the last checkpoint it signed (``<key>.state``, the signed note itself). It signs a
tree only with a consistency proof between that checkpoint and the new one, which it
verifies itself against the root it remembers, never against one the database supplies.
A tree that does not extend it is refused with a ``SignerAlarm``; from then on this signer
signs nothing until an operator has looked (the state file still holds the old checkpoint,
so a restart refuses again).

The state is written atomically (a fresh file, fsynced, renamed over the old one, the
directory fsynced) *before* the signature is released, so a crash can never leave a
signature out in the world that the signer does not remember. Processes sharing one key
(a server and a command line) take an exclusive ``flock`` on ``<key>.lock`` around
read-verify-sign-write, so they never race past each other's checkpoints.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from habeas.errors import ConfigError, VerificationError
from habeas.ledger.checkpoint import Checkpoint
from habeas.ledger.merkle import verify_consistency

ProveFn = Callable[[int, int], Sequence[bytes]]
"""``(old_size, new_size) -> path``: the RFC 9162 consistency proof, from the stored tree."""
SignFn = Callable[[Checkpoint], str]


class SignerAlarm(VerificationError):
    """The tree the ledger asked to sign does not extend what this signer signed before:
    the log was rewritten behind the signer's back. Stop signing and investigate."""


def state_path(key_path: Path) -> Path:
    """Where the signer keeps its last signed checkpoint: beside the key."""
    return key_path.with_name(key_path.name + ".state")


def body_of(note: str) -> str:
    """The checkpoint body of a signed note (the text before the signatures)."""
    return note.rpartition("\n\n")[0] + "\n"


class SignerGuard:
    """Signs checkpoints only as consistent extensions of the last one it signed."""

    def __init__(self, path: Path | None, origin: str,
                 bootstrap: Callable[[], str | None]) -> None:
        """``path`` is the state file (``None``: kept in memory, for in-memory ledgers);
        ``bootstrap`` gives the last checkpoint to trust when there is no state file yet
        (an existing ledger signing for the first time with this version)."""
        self.path = path
        self.origin = origin
        self._bootstrap = bootstrap
        self._memory: str | None = None
        self._lock = threading.Lock()
        self.alarm: SignerAlarm | None = None

    def last(self) -> str | None:
        """The last checkpoint note this signer signed (or bootstrapped from), if any."""
        if self.path is None:
            return self._memory
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise ConfigError(f"signer state {self.path}: cannot read it "
                              f"({error.strerror})") from None

    def sign(self, checkpoint: Checkpoint, prove: ProveFn, sign: SignFn) -> str:
        """The signed note for ``checkpoint``, once it is proved consistent with the last
        checkpoint signed; raises ``SignerAlarm`` (and stays alarmed) if it is not."""
        if self.alarm is not None:
            raise self.alarm
        with self._lock, self._file_lock():
            note = self.last()
            if note is None:
                note = self._bootstrap()
            last = None if note is None else _parse(note, self.path)
            if last is not None:
                self._check(last, checkpoint, prove)
            signed = sign(checkpoint)
            if last is None or checkpoint.size > last.size:
                self._remember(signed)
            return signed

    def _check(self, last: Checkpoint, new: Checkpoint, prove: ProveFn) -> None:
        try:
            if last.origin != new.origin:
                raise VerificationError(f"it signed for origin {last.origin!r}, not "
                                        f"{new.origin!r}")
            if new.size >= last.size:
                verify_consistency(last.size, new.size, last.root, new.root,
                                   prove(last.size, new.size))
            else:
                verify_consistency(new.size, last.size, new.root, last.root,
                                   prove(new.size, last.size))
        except VerificationError as error:
            self.alarm = SignerAlarm(
                f"signer: refusing to sign the tree of size {new.size}: it is not consistent "
                f"with the last checkpoint this signer signed (size {last.size}, root "
                f"{last.root.hex()}; {error}). The log was rewritten behind the signer; "
                "signing has stopped. `habeas verify` names the first changed record.")
            raise self.alarm from None

    def _remember(self, note: str) -> None:
        if self.path is None:
            self._memory = note
            return
        try:
            write_atomically(self.path, note)
        except OSError as error:
            raise ConfigError(f"signer state {self.path}: cannot write it "
                              f"({error.strerror}); nothing was signed") from None

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        if self.path is None:
            yield
            return
        lock = self.path.with_name(self.path.name.removesuffix(".state") + ".lock")
        try:
            with locked(lock):
                yield
        except OSError as error:
            raise ConfigError(f"signer lock {lock}: cannot take it ({error.strerror})") from None


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` (mode 0600) so that a crash leaves the old or the new
    content, never a mix, and the new one is on disk when this returns."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (created 0600), across processes."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _parse(note: str, path: Path | None) -> Checkpoint:
    try:
        return Checkpoint.parse(body_of(note))
    except VerificationError as error:
        raise ConfigError(f"signer state {path}: {error}") from None
