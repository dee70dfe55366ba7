"""The batching writer: one thread per ledger drains every pending append into one
transaction and one fsync.

Callers validate and encode their drafts on their own threads, queue them, and block on a
lock of their own that the writer releases once the transaction holding their records has
committed (or failed). Nothing is handed from caller to caller: each caller wakes exactly
once, when its answer is ready, and the writer takes whatever queued while the previous
commit waited for the disk, so one fsync serves everyone who arrived in the meantime.

Callers that each wait for their own answer come back one commit later, so left alone the
writer would alternate between two halves of them. After a commit it therefore waits, for
at most ``GATHER`` seconds and never longer than that commit took, until as many requests
have queued as the commit served plus those already waiting: the callers it just
released, back with their next record (what PostgreSQL's ``commit_delay`` does for its
backends). A lone caller is not delayed: its next request is the one awaited.

The writer thread starts on the first append (and again in a forked child, which inherits
the parent's objects but not its threads), ends after ``IDLE`` seconds without work (so a
ledger dropped without ``close`` does not keep a thread forever), and is a daemon: a
process that exits with a commit in flight has acknowledged none of its records, so
nothing durable is lost.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from habeas.errors import OperationalError

T = TypeVar("T")
IDLE = 5.0
GATHER = 0.001


class Request(Generic[T]):
    """One caller's unit of work; the commit function sets ``result`` or ``error``."""

    __slots__ = ("_done", "error", "result", "work")

    def __init__(self, work: T) -> None:
        self.work = work
        self.result: Any = None
        self.error: BaseException | None = None
        self._done = threading.Lock()
        self._done.acquire()  # released by the writer: the caller's one wake-up


Take = Callable[[], "list[Request[T]]"]


class BatchWriter(Generic[T]):
    """Runs ``commit(take)`` on its own thread while requests are queued, batch by batch.

    ``commit`` opens its transaction, calls ``take()`` once for the requests queued by then
    (so callers that arrive while the transaction starts still make it), and handles them
    in queue order; it may fail single requests (setting their ``error``) and must leave
    the others' results as if the failed ones were never queued. If it raises, every
    request of the batch gets that error: nothing of it committed.
    """

    def __init__(self, commit: Callable[[Take[T]], None], name: str) -> None:
        self._commit = commit
        self._name = name
        self._cond = threading.Condition(threading.Lock())
        self._queue: list[Request[T]] = []
        self._want = 1  # wake the writer when the queue is this long
        self._thread: threading.Thread | None = None
        self._writing = False  # the writer thread is committing or gathering
        self._inline = False  # a caller is committing on its own thread
        self._closed = False
        _WRITERS.add(self)

    def submit(self, work: T) -> Any:
        """Queue ``work``; return its result once its transaction committed, or raise.

        When nobody is committing and nothing is queued, the caller commits on its own
        thread instead of handing over to the writer and back (two wake-ups, each of which
        waits for a free core on a busy machine); whoever queues meanwhile joins it."""
        request: Request[T] = Request(work)
        with self._cond:
            if self._closed:
                raise OperationalError(f"{self._name}: the ledger is closed")
            self._queue.append(request)
            inline = not (self._writing or self._inline) and len(self._queue) == 1
            if inline:
                self._inline = True
            else:
                if self._thread is None:
                    self._start()
                if len(self._queue) == self._want:
                    self._cond.notify()
        if inline:
            try:
                self._run()
            finally:
                with self._cond:
                    self._inline = False
                    if self._queue and self._thread is None and not self._closed:
                        self._start()
                    self._cond.notify_all()  # the writer, or close(), may wait for us
        request._done.acquire()
        if request.error is not None:
            raise request.error
        return request.result

    def close(self) -> None:
        """Commit what is queued, then stop the thread (a later ``submit`` is refused)."""
        with self._cond:
            self._closed = True
            thread = self._thread
            self._cond.notify_all()
            while self._inline:
                self._cond.wait()
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _forked(self) -> None:
        """In a forked child: the parent's thread and pending requests are not ours."""
        self._cond = threading.Condition(threading.Lock())
        self._queue, self._want, self._thread = [], 1, None
        self._writing = self._inline = False

    def _start(self) -> None:
        """Start the writer (called with the condition held)."""
        self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        served, took = 0, 0.0
        while True:
            with self._cond:
                if served and not self._closed:  # still "writing": callers queue for us
                    self._gather(len(self._queue) + served, min(GATHER, took))
                while (not self._queue or self._inline) and not self._closed:
                    self._writing = False
                    if (not self._cond.wait(IDLE) and not self._queue
                            and not self._inline):
                        self._thread = None  # the next submit starts another
                        return
                while self._inline:  # closing: let the caller's commit finish first
                    self._cond.wait()
                if not self._queue:
                    self._thread, self._writing = None, False
                    return  # closed, and all answered
                self._writing = True
            start = time.monotonic()
            served = self._run()
            took = time.monotonic() - start

    def _gather(self, want: int, patience: float) -> None:
        """Wait (condition held) until ``want`` requests queued or ``patience`` ran out."""
        deadline = time.monotonic() + patience
        self._want = want
        try:
            while len(self._queue) < want and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0 or not self._cond.wait(left):
                    return
        finally:
            self._want = 1

    def _take(self) -> list[Request[T]]:
        with self._cond:
            batch, self._queue = self._queue, []
        return batch

    def _run(self) -> int:
        """One transaction; every request it took is answered. Returns how many."""
        taken: list[list[Request[T]]] = []

        def take() -> list[Request[T]]:
            if not taken:
                taken.append(self._take())
            return taken[0]

        try:
            self._commit(take)
        except BaseException as error:  # the whole transaction failed: tell every caller
            for request in take():  # (taking them now if it failed before it took any)
                if request.error is None:  # a request refused on its own stays refused
                    request.error = error
        batch = take()
        for request in batch:
            request._done.release()
        return len(batch)


_WRITERS: weakref.WeakSet[BatchWriter[Any]] = weakref.WeakSet()


def _after_fork() -> None:
    for writer in list(_WRITERS):
        writer._forked()


os.register_at_fork(after_in_child=_after_fork)
