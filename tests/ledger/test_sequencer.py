"""The batching writer on its own: who is told what, and when its thread comes and goes."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable

import pytest

from habeas.errors import OperationalError
from habeas.ledger import sequencer
from habeas.ledger.sequencer import BatchWriter, Request


class Recorder:
    """A commit function that records its batches and can be held at a gate."""

    def __init__(self, take_first: bool = True) -> None:
        self.take_first = take_first
        self.batches: list[list[int]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()

    def __call__(self, take: Callable[[], list[Request[int]]]) -> None:
        requests = take() if self.take_first else []
        self.entered.set()
        self.gate.wait(10)
        requests = requests or take()
        self.batches.append([r.work for r in requests])
        for request in requests:
            if request.work < 0:
                request.error = ValueError(f"refused {request.work}")
            elif request.work == 666:
                raise OSError("disk gone")
            else:
                request.result = request.work * 2


def submit_all(writer: BatchWriter[int], works: list[int]) -> dict[int, object]:
    answers: dict[int, object] = {}

    def call(work: int) -> None:
        try:
            answers[work] = writer.submit(work)
        except Exception as error:
            answers[work] = error

    threads = [threading.Thread(target=call, args=(w,)) for w in works]
    for thread in threads:
        thread.start()
        time.sleep(0.002)  # queue in this order
    return answers if all(t.join(10) is None for t in threads) else {}


def behind_a_held_commit(writer: BatchWriter[int], commit: Recorder,
                         works: list[int]) -> dict[int, object]:
    """Submit 1 and hold its commit at the gate while ``works`` queue, in order."""
    commit.gate.clear()
    first = threading.Thread(target=writer.submit, args=(1,))
    first.start()
    assert commit.entered.wait(10)
    threading.Timer(0.1, commit.gate.set).start()
    answers = submit_all(writer, works)
    first.join(10)
    return answers


def test_a_lone_caller_commits_on_its_own_thread() -> None:
    threads: list[str] = []

    def commit(take: Callable[[], list[Request[int]]]) -> None:
        threads.append(threading.current_thread().name)
        for request in take():
            request.result = request.work

    writer = BatchWriter(commit, "lone")
    assert [writer.submit(i) for i in range(3)] == [0, 1, 2]
    assert threads == [threading.current_thread().name] * 3
    assert writer._thread is None  # no hand-off: the writer thread never started
    writer.close()


def test_callers_queued_during_a_commit_share_the_next_one() -> None:
    commit = Recorder()
    writer = BatchWriter(commit, "test")
    answers = behind_a_held_commit(writer, commit, [2, -3, 4])
    assert commit.batches == [[1], [2, -3, 4]]
    assert answers[2] == 4 and answers[4] == 8
    assert str(answers[-3]) == "refused -3"
    writer.close()


def test_callers_queued_before_the_take_join_the_open_transaction() -> None:
    commit = Recorder(take_first=False)  # as the ledger: the head is read, then it takes
    writer = BatchWriter(commit, "test")
    answers = behind_a_held_commit(writer, commit, [2, 4])
    assert commit.batches == [[1, 2, 4]]
    assert answers == {2: 4, 4: 8}
    writer.close()


def test_a_transaction_that_fails_before_taking_still_answers_the_queue() -> None:
    def broken(take: Callable[[], list[Request[int]]]) -> None:
        raise OSError("cannot begin")

    writer = BatchWriter(broken, "test")
    with pytest.raises(OSError, match="cannot begin"):
        writer.submit(1)
    writer.close()


def test_a_failed_transaction_fails_every_caller_of_its_batch_only() -> None:
    commit = Recorder()
    writer = BatchWriter(commit, "test")
    answers = behind_a_held_commit(writer, commit, [2, -3, 666])
    assert commit.batches == [[1], [2, -3, 666]]
    assert isinstance(answers[2], OSError) and isinstance(answers[666], OSError)
    assert str(answers[-3]) == "refused -3"  # refused on its own before the failure
    assert writer.submit(5) == 10  # the writer goes on
    writer.close()


def test_close_commits_what_is_queued_then_refuses() -> None:
    writer = BatchWriter(Recorder(), "test ledger")
    assert writer.submit(1) == 2
    writer.close()
    with pytest.raises(OperationalError, match="test ledger: the ledger is closed"):
        writer.submit(2)


def test_an_idle_writer_thread_ends_and_the_next_submit_starts_another(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sequencer, "IDLE", 0.05)
    writer = BatchWriter(Recorder(), "idle")
    assert writer.submit(1) == 2
    deadline = time.monotonic() + 10
    while writer._thread is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert writer._thread is None
    assert writer.submit(2) == 4
    writer.close()


def _child(writer: BatchWriter[int], out: multiprocessing.SimpleQueue[int]) -> None:
    out.put(writer.submit(21))


def test_a_forked_child_gets_a_writer_thread_of_its_own() -> None:
    writer = BatchWriter(Recorder(), "fork")
    assert writer.submit(1) == 2  # the parent's thread is running
    context = multiprocessing.get_context("fork")
    out: multiprocessing.SimpleQueue[int] = context.SimpleQueue()
    child = context.Process(target=_child, args=(writer, out))
    child.start()
    child.join(30)
    assert child.exitcode == 0 and out.get() == 42
    writer.close()
