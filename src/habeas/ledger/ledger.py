"""The ``Ledger`` facade: the one place where drafts are validated, sequenced, hashed into the
tree and committed, and where roots, proofs and checkpoints are made from stored subtrees."""

from __future__ import annotations

import dataclasses
import functools
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from habeas.errors import (
    HabeasError,
    IntegrityError,
    NotFoundError,
    Problem,
    ValidationError,
    VerificationError,
)
from habeas.ledger import keys, merkle
from habeas.ledger.checkpoint import Checkpoint
from habeas.ledger.note import Signer, Verifier
from habeas.ledger.proofs import ConsistencyProof, InclusionProof
from habeas.ledger.records import (
    Prepared,
    Record,
    RecordDraft,
    format_time,
    parse_time,
    placed,
    stamp,
    validate,
)
from habeas.ledger.rotation import key_chain, refuse_reserved
from habeas.ledger.sequencer import BatchWriter, Request
from habeas.ledger.signer import SignerAlarm, SignerGuard, body_of, state_path
from habeas.ledger.store import Node, Row, Store, Writer, open_store, parse_store_url
from habeas.ledger.verify import ProgressFn, VerifyReport, verify_log
from habeas.ledger.witnessing import WitnessClient, submit

Clock = Callable[[], datetime]
FORMAT_VERSION = "1"
CACHED_LEVEL = 8
"""Subtrees of 256 leaves or more are few (n/256), shared by many proofs and immutable once
stored, so they are kept in memory (up to ``CACHE_LIMIT``); lower ones are read each time."""
CACHE_LIMIT = 200_000


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class _Batch:
    """One caller's validated, encoded drafts."""

    drafts: list[Prepared]
    expected_size: int | None


class Ledger:
    """An append-only, verifiable log of records in one database."""

    def __init__(self, store: Store, key_path: Path | None, clock: Clock,
                 signer: Signer | None = None) -> None:
        self.store = store
        meta = store.meta()
        self.origin = meta["origin"]
        self.ledger_id = meta["ledger_id"]
        self._verifier = Verifier.parse(meta["verifier_key"])
        self._key_path = key_path
        self._signer = signer
        self._clock = clock
        self._writer: BatchWriter[_Batch] = BatchWriter(self._commit,
                                                        f"ledger writer ({self.origin})")
        # the log's end after our last commit: size, tree frontier, last recorded_at
        self._tree: tuple[int, list[tuple[int, bytes]], str | None] = (-1, [], None)
        self._notes: dict[int, str] = {}  # issued checkpoints by size: immutable, so cached
        self._nodes: dict[merkle.Key, bytes] = {}
        self._cosigned: dict[int, str] = {}
        self.guard = SignerGuard(None if key_path is None else state_path(key_path),
                                 self.origin, self._last_stored_checkpoint)

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def init(cls, url: str, key_path: str | os.PathLike[str] | None = None,
             origin: str | None = None, clock: Clock = system_clock) -> Ledger:
        """Create a ledger and its Ed25519 signing key (written with mode 0600)."""
        path = keys.default_key_path(url, key_path)
        if path is not None:
            keys.check_free(path)
        ledger_id = str(uuid.uuid4())
        origin = origin or f"habeas.local/{ledger_id}"
        signer = Signer.generate(origin)
        store = open_store(url)
        store.initialize({"format_version": FORMAT_VERSION, "ledger_id": ledger_id,
                          "origin": origin, "verifier_key": signer.verifier().text(),
                          "created_at": format_time(clock())})
        if path is not None:
            keys.write_key(path, signer)
        return cls(store, path, clock, signer)

    @classmethod
    def open(cls, url: str, key_path: str | os.PathLike[str] | None = None,
             clock: Clock = system_clock) -> Ledger:
        """Open an existing ledger; the signing key is read only when a checkpoint is signed."""
        backend, target = parse_store_url(url)
        if backend == "sqlite" and target != ":memory:" and not Path(target).exists():
            raise NotFoundError(f"database {url}: no such file (run `habeas init`)")
        store = open_store(url)
        try:
            return cls(store, keys.default_key_path(url, key_path), clock)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        self._writer.close()
        self.store.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def verifier_key(self) -> str:
        """The C2SP verifier key (``name+hash+base64``) that checks this log's new
        checkpoints: the genesis key, or the one the last key rotation handed over to."""
        return key_chain(self.store, self._verifier).current().text()

    # -- appending -------------------------------------------------------------------------

    def append(self, drafts: Sequence[RecordDraft], expected_size: int | None = None
               ) -> list[Record]:
        """Append a batch atomically and durably; returns its records in order.

        A draft whose idempotency key is already in the log with the same content yields the
        original record; with other content the batch is refused (``IntegrityError``), as it
        is when ``expected_size`` is given and the log has another size.
        """
        refuse_reserved(drafts)
        return self._append_reserved(drafts, expected_size)

    def _append_reserved(self, drafts: Sequence[RecordDraft], expected_size: int | None = None
                         ) -> list[Record]:
        """``append`` without the check for kinds only the ledger may write (key rotation)."""
        records: list[Record] = self._writer.submit(_Batch(_prepare(drafts), expected_size))
        return records

    def _commit(self, take: Callable[[], list[Request[_Batch]]]) -> None:
        """Commit every queued caller's batch in one transaction (the writer's job).

        Requests are judged in queue order, each against the log as the ones before it
        leave it (``expected_size``, idempotency keys, ``corrects``/``retracts``): one
        refused gets its own error and adds nothing, the others commit. If the transaction
        fails, the writer tells every caller of the batch: none of it is acknowledged.

        The log's end is first taken to be where our last commit left it, without reading
        it (on PostgreSQL that read is a round trip of its own). If another process
        appended since, the first seq we insert is already taken and the insert fails; a
        refusal might also have been judged against the stale size. Either way the
        transaction is rolled back and run again against the end read from the log."""
        try:
            self._write(take, guess=True)
        except _StaleHead:
            for request in take():
                request.result, request.error = None, None
            self._tree = (-1, [], None)
            self._write(take, guess=False)

    def _write(self, take: Callable[[], list[Request[_Batch]]], guess: bool) -> None:
        guessed = False
        try:
            with self.store.writer() as writer:
                requests = take()
                guessed = guess and self._tree[0] >= 0 and not any(
                    p.draft.idempotency_key is not None for r in requests
                    for p in r.work.drafts)
                if guessed:
                    size, last = self._tree[0], self._tree[2]
                else:
                    size, last = writer.head()
                    requests = take()
                recorded_at = format_time(self._clock())
                if last is not None and last > recorded_at:
                    recorded_at = last  # the clock stepped back: time in the log never does
                moment = parse_time(recorded_at)
                wanted = [p.draft.idempotency_key for r in requests for p in r.work.drafts
                          if p.draft.idempotency_key is not None]
                known = writer.by_idempotency_keys(wanted) if wanted else {}
                nodes: list[Node] = []
                tree = self._frontier(writer, size, nodes)
                rows: list[Row] = []
                pending: dict[str, tuple[Record, bytes]] = {}
                for request in requests:
                    mark = (tree.size, list(tree.stack), len(nodes), len(rows), dict(pending))
                    try:
                        request.result = self._place(request.work, tree, rows, recorded_at,
                                                     moment, known, pending)
                    except HabeasError as error:
                        request.error = error
                        tree.size, tree.stack = mark[0], mark[1]
                        del nodes[mark[2]:], rows[mark[3]:]
                        pending = mark[4]
                        if guessed:
                            raise _StaleHead from None  # judge refusals by the real size
                if rows:
                    writer.insert(rows, nodes)
        except IntegrityError:
            if guessed:
                raise _StaleHead from None
            raise
        # committed: valid until another process appends
        self._tree = (tree.size, list(tree.stack), recorded_at if rows else last)

    def _frontier(self, writer: Writer, size: int, nodes: list[Node]) -> merkle.CompactRange:
        """The tree's frontier at ``size``: remembered from our last commit when nobody has
        appended since (the log only grows, so equal sizes mean equal trees), else read."""
        def store(level: int, index: int, digest: bytes) -> None:
            nodes.append(Node(level, index, digest))

        if self._tree[0] == size:
            return merkle.CompactRange(size, list(self._tree[1]), store)
        keys_ = merkle.root_keys(size)
        found = writer.hashes(keys_)
        missing = [key for key in keys_ if key not in found]
        if missing:
            raise IntegrityError(f"the stored tree lacks node {missing[0]} at size {size}; "
                                 "run `habeas verify`")
        return merkle.CompactRange.from_frontier(size, [found[key] for key in keys_], store)

    def _place(self, batch: _Batch, tree: merkle.CompactRange, rows: list[Row],
               recorded_at: str, moment: datetime, known: dict[str, Row],
               pending: dict[str, tuple[Record, bytes]]) -> list[Record]:
        replayed = [None if p.draft.idempotency_key is None else _replay(i, p, known, pending)
                    for i, p in enumerate(batch.drafts)]
        if batch.expected_size is not None and tree.size != batch.expected_size and not all(
                replayed):
            raise IntegrityError(f"expected the log to hold {batch.expected_size} records, "
                                 f"it holds {tree.size}")
        records: list[Record] = []
        stamped = stamp(recorded_at)
        sha, push, add_row, add_record = merkle.sha256, tree.append, rows.append, records.append
        for i, (prepared, old) in enumerate(zip(batch.drafts, replayed, strict=True)):
            draft = prepared.draft
            key = draft.idempotency_key
            if old is None and key is not None:  # same key earlier in batch
                old = _replay(i, prepared, known, pending)
            if old is not None:
                add_record(old)
                continue
            seq = tree.size
            for name, target in (("corrects", draft.corrects), ("retracts", draft.retracts)):
                if target is not None and target >= seq:
                    raise ValidationError(Problem(f"records[{i}].{name}", target,
                                                  f"must name an earlier seq (this record "
                                                  f"would be seq {seq})"))
            body = prepared.leaf_stamped(seq, stamped)
            leaf = sha(b"\x00" + body).digest()  # merkle.leaf_hash, inlined
            push(leaf)
            add_row(Row(seq, recorded_at, draft.kind, key, body, leaf))
            record = placed(seq, moment, draft, leaf)
            if key is not None:
                pending[key] = (record, prepared.fingerprint())
            add_record(record)
        return records

    # -- reading ---------------------------------------------------------------------------

    def size(self) -> int:
        return self.store.size()

    def get(self, seq: int) -> Record:
        row = self.store.row(seq)
        if row is None:
            raise NotFoundError(f"seq {seq}: no such record (the log holds {self.size()})")
        return Record.from_leaf(row.body, row.leaf_hash)

    def scan(self, start: int = 0, end: int | None = None, batch: int = 1000
             ) -> Iterator[Record]:
        """Records ``start <= seq < end`` in order, read in batches."""
        end = self.size() if end is None else end
        for rows in self.store.rows(start, end, batch):
            for row in rows:
                yield Record.from_leaf(row.body, row.leaf_hash)

    def size_at(self, known_at: datetime) -> int:
        """How many records the log held at recorded time ``known_at``: since recorded_at
        never decreases, those records are a prefix, found by binary search (O(log n))."""
        moment = format_time(known_at)
        low, high = 0, self.size()
        while low < high:
            middle = (low + high) // 2
            row = self.store.row(middle)
            if row is not None and row.recorded_at <= moment:
                low = middle + 1
            else:
                high = middle
        return low

    def scan_known_at(self, known_at: datetime) -> Iterator[Record]:
        """The log as it stood at recorded time ``known_at``."""
        return self.scan(0, self.size_at(known_at))

    # -- tree, proofs, checkpoints ---------------------------------------------------------

    def _size_or_current(self, size: int | None) -> int:
        current = self.size()
        if size is None:
            return current
        if not 0 <= size <= current:
            raise NotFoundError(f"tree size {size}: the log holds {current} records")
        return size

    def root(self, size: int | None = None) -> bytes:
        """The Merkle root at ``size`` (default: now), from O(log n) stored subtrees."""
        size = self._size_or_current(size)
        keys_ = merkle.root_keys(size)
        found = self._hashes(keys_)
        return merkle.fold([found[key] for key in keys_])

    def _hashes(self, keys: list[merkle.Key]) -> dict[merkle.Key, bytes]:
        """Node hashes from the cache of high subtrees, the rest in one query."""
        cache, found, missing = self._nodes, {}, []
        for key in keys:
            digest = cache.get(key)
            if digest is None:
                missing.append(key)
            else:
                found[key] = digest
        if missing:
            fetched = self.store.hashes(missing)
            found.update(fetched)
            if len(cache) > CACHE_LIMIT:
                cache.clear()
            cache.update((key, h) for key, h in fetched.items() if key[0] >= CACHED_LEVEL)
        return found

    def inclusion_proof(self, seq: int, size: int | None = None) -> InclusionProof:
        """Proof of ``seq`` in the tree of ``size`` (default: now) with its checkpoint.

        One query for the O(log n) nodes; the root is the one the path leads to, checked
        against the signed checkpoint of that size (or, if none exists yet, against the
        stored tree before it is signed)."""
        size = self._size_or_current(size)
        if not 0 <= seq < size:
            raise NotFoundError(f"seq {seq}: not in the tree of size {size}")
        groups = merkle.inclusion_keys(seq, size)
        found = self._hashes([(0, seq), *(k for g in groups for k in g)])
        path = tuple(merkle.assemble(groups, found))
        root = merkle.root_from_inclusion(seq, size, found[(0, seq)], path)
        return InclusionProof(seq, size, found[(0, seq)], path, root,
                              self._checkpoint_note(size, root))

    def consistency_proof(self, old_size: int, new_size: int | None = None
                          ) -> ConsistencyProof:
        new_size = self._size_or_current(new_size)
        if not 0 <= old_size <= new_size:
            raise NotFoundError(f"tree size {old_size}: must be between 0 and {new_size}")
        groups = merkle.consistency_keys(old_size, new_size)
        old_keys, new_keys = merkle.root_keys(old_size), merkle.root_keys(new_size)
        found = self._hashes([*old_keys, *new_keys, *(k for g in groups for k in g)])
        new_root = merkle.fold([found[key] for key in new_keys])
        return ConsistencyProof(old_size, new_size, merkle.fold([found[k] for k in old_keys]),
                                new_root, tuple(merkle.assemble(groups, found)),
                                self._checkpoint_note(new_size, new_root))

    def _consistency_path(self, old_size: int, new_size: int) -> list[bytes]:
        """The RFC 9162 consistency proof between two sizes, from the stored tree."""
        groups = merkle.consistency_keys(old_size, new_size)
        return merkle.assemble(groups, self._hashes([k for g in groups for k in g]))

    def checkpoint(self, size: int | None = None) -> str:
        """The signed checkpoint note for ``size`` (default: now); every one issued is kept."""
        size = self._size_or_current(size)
        return self._checkpoint_note(size, self.root(size))

    def _checkpoint_note(self, size: int, root: bytes) -> str:
        """The signed checkpoint for ``size``, issued and stored if there is none yet; the
        root a proof leads to must be the one it commits to. Once the signer's alarm is
        raised nothing is handed out, not even a checkpoint signed before."""
        if self.guard.alarm is not None:
            raise self.guard.alarm
        note = self._notes.get(size) or self.store.checkpoint_at(size)
        if note is None:
            if root != self.root(size):
                raise VerificationError(f"the stored tree is inconsistent at size {size}; "
                                        "run `habeas verify`")
            signer = self._signing_key()
            note = self.guard.sign(Checkpoint(self.origin, size, root),
                                   self._consistency_path, lambda c: c.sign(signer))
            # A new head is stored; an older size asked for by a request (proved a prefix
            # of the head) is only cached, so requests cannot grow the table at will.
            if self.guard.last() == note:
                self.store.add_checkpoint(size, note, format_time(self._clock()))
        elif _note_root(note) != root:
            raise VerificationError(f"the stored tree disagrees with the signed checkpoint "
                                    f"of size {size}; run `habeas verify`")
        if len(self._notes) >= 1024:
            self._notes.clear()
        self._notes[size] = note
        return note

    def witnessed_checkpoint(self, witnesses: Sequence[WitnessClient], required: int = 0
                             ) -> str:
        """The current checkpoint with the cosignatures of ``witnesses`` (C2SP
        tlog-witness), each sent a consistency proof from the size it last cosigned; the
        cosigned note is stored beside the plain one. Raises ``VerificationError`` when
        fewer than ``required`` witnesses cosign."""
        note = self.checkpoint()
        size = Checkpoint.parse(body_of(note)).size
        cached = self._cosigned.get(size)  # asked once per size, even if some refused
        if cached is not None and cached.count("\n\u2014 ") - 1 >= required:
            return cached
        cosigned = submit(note, witnesses, self._consistency_path, required=required)
        if cosigned != note:
            self.store.add_checkpoint(size, cosigned, format_time(self._clock()))
        self._cosigned = {size: cosigned}
        return cosigned

    def receipt(self, seq: int) -> str:
        """An offline receipt for ``seq`` as a C2SP tlog-proof: the record's bytes, its
        inclusion proof in the tree as it is now, and that tree's checkpoint (cosigned by
        witnesses when a cosigned one is stored)."""
        size = self.size()
        proof = self.inclusion_proof(seq, size)
        row = self.store.row(seq)
        assert row is not None  # inclusion_proof found it
        return dataclasses.replace(proof, checkpoint=self.best_checkpoint(size)).tlog_proof(
            row.body)

    def best_checkpoint(self, size: int) -> str:
        """The stored note for ``size`` with the most signatures (cosigned by witnesses,
        when any did), else a freshly signed one."""
        notes = [note for at, note in self.store.checkpoints() if at == size]
        if not notes:
            return self.checkpoint(size)
        return max(notes, key=lambda note: note.count("\n\u2014 "))

    def check_signing_key(self) -> str:
        """Load and check the signing key now (mode 0600, the key in force) rather than at
        the first checkpoint, as a server must before it listens; returns its verifier key."""
        return self._signing_key().verifier().text()

    def _signing_key(self) -> Signer:
        """The key in force now (read from the log each time: another process may have
        rotated it), loaded from the key file when the cached one is not it."""
        current = key_chain(self.store, self._verifier).current().text()
        if self._signer is None or self._signer.verifier().text() != current:
            if self._key_path is None:
                raise NotFoundError("this in-memory ledger has no signing key")
            signer = keys.read_key(self._key_path)
            if signer.verifier().text() != current:
                raise IntegrityError(f"key file {self._key_path}: is not this ledger's key "
                                     f"(its verifier key is {current})")
            self._signer = signer
        return self._signer

    def _last_stored_checkpoint(self) -> str | None:
        """The largest checkpoint in the database whose signature checks out: what a signer
        with no state file yet starts from (trust on first use of this version)."""
        chain = key_chain(self.store, self._verifier)
        for size, note in sorted(self.store.checkpoints(), key=lambda c: -c[0]):
            try:
                chain.open(note, size, self.origin)
            except VerificationError:
                continue
            return note
        return None

    def checkpoints(self) -> list[str]:
        """Every checkpoint note issued so far, oldest first."""
        return [note for _, note in self.store.checkpoints()]

    def self_check(self, deep: bool = False) -> VerificationError | None:
        """Verify the log against the stored checkpoints and the signer's memory, as a
        server should on start and on a schedule. On failure the signer stops signing
        (its alarm is raised for every later checkpoint) and the error is returned, naming
        the first bad seq (``error.seq``, ``error.last``) where one can be named; ``None``
        when the log is intact. ``deep`` also recomputes every stored tree node."""
        try:
            self.verify(deep=deep)
        except VerificationError as error:
            self.guard.alarm = SignerAlarm(f"signer: stopped after a failed self-check: "
                                           f"{error}", seq=error.seq, last=error.last)
            self._notes.clear()
            return error
        return None

    def verify(self, checkpoint: str | None = None, progress: ProgressFn | None = None,
               deep: bool = False) -> VerifyReport:
        """Recompute every leaf and the root; check every stored checkpoint, the signer's
        last checkpoint (when its state file is here) and, if given, an earlier checkpoint
        against the log as it is now. Raises ``VerificationError`` naming the first bad seq."""
        return verify_log(self.store, key_chain(self.store, self._verifier), self.origin,
                          checkpoint, progress, deep, self.guard.last())


@functools.lru_cache(maxsize=1024)
def _note_root(note: str) -> bytes:
    """The root a checkpoint note commits to (notes are immutable: parsed once each)."""
    return Checkpoint.parse(note.partition("\n\n")[0] + "\n").root


class _StaleHead(Exception):
    """The log's end was not where our last commit left it: run again, reading it."""


def _prepare(drafts: Sequence[RecordDraft]) -> list[Prepared]:
    """Validate and encode a batch, outside the sequencer; report every problem at once."""
    problems: list[Problem] = []
    prepared: list[Prepared] = []
    for i, draft in enumerate(drafts):
        path = f"records[{i}]"
        found = validate(draft, path)
        if not found:
            try:
                prepared.append(Prepared.of(draft, path))
            except ValidationError as error:
                found = error.problems
        problems.extend(found)
    if problems:
        raise ValidationError(problems)
    return prepared


def _replay(i: int, prepared: Prepared, known: dict[str, Row],
            pending: dict[str, tuple[Record, bytes]]) -> Record | None:
    """The record already logged under the draft's idempotency key if its content is the
    same; ``None`` if the key is new; refuse if the content differs."""
    key = prepared.draft.idempotency_key
    if key is None:
        return None
    if key in pending:
        record, theirs = pending[key]
    elif key in known:
        row = known[key]
        record = Record.from_leaf(row.body, row.leaf_hash)
        theirs = Prepared.of(record.draft()).fingerprint()
    else:
        return None
    if prepared.fingerprint() != theirs:
        raise IntegrityError(f"records[{i}].idempotency_key: {key!r} was used for seq "
                             f"{record.seq} with other content")
    return record
