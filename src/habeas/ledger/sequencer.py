"""Group commit: threads that append at the same time share one durable transaction.

Leader/follower: a caller queues its request; if nobody is committing, it becomes the leader,
takes everything queued and commits it in one transaction; the others wait. Each caller is
released only after the transaction that holds its records is durable (or failed). One fsync
then serves many callers, which is where the throughput under concurrency comes from.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass
class Request(Generic[T]):
    """One caller's unit of work; the commit function fills ``result`` or ``error``."""

    work: T
    result: Any = None
    error: BaseException | None = None
    done: bool = field(default=False)


class GroupCommit(Generic[T]):
    """Runs ``commit(requests)`` for batches of concurrent requests, one batch at a time."""

    def __init__(self, commit: Callable[[list[Request[T]]], None]) -> None:
        self._commit = commit
        self._cond = threading.Condition()
        self._queue: list[Request[T]] = []
        self._leading = False

    def submit(self, work: T) -> Any:
        """Queue ``work``, wait until it is committed, return its result or raise its error."""
        request: Request[T] = Request(work)
        with self._cond:
            self._queue.append(request)
            while not request.done:
                if self._leading:
                    self._cond.wait()
                    continue
                self._leading = True
                batch, self._queue = self._queue, []
                self._cond.release()
                try:
                    self._run(batch)
                finally:
                    self._cond.acquire()
                    self._leading = False
                    self._cond.notify_all()
        if request.error is not None:
            raise request.error
        return request.result

    def _run(self, batch: list[Request[T]]) -> None:
        try:
            self._commit(batch)
        except BaseException as error:  # the whole transaction failed: tell every caller
            for request in batch:
                if request.error is None:
                    request.error = error
        for request in batch:
            request.done = True
