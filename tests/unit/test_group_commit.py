"""Group commit (services/webhooks/group_commit.py): the requests that arrive while a batch is written go
together in the next one; each request gets its own outcome, and a failure, whatever it is, never leaves
a request waiting or makes another request's row fail."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from shopify_roi.services.webhooks.group_commit import GroupCommit


def _wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


class HeldWrites:
    """A write function whose first call waits until released (so the others queue behind it)."""

    def __init__(self, outcome_of):
        self.batches: list[list] = []
        self.release = threading.Event()
        self.outcome_of = outcome_of

    def __call__(self, items: list):
        self.batches.append(list(items))
        if len(self.batches) == 1:
            assert self.release.wait(5)
        return [self.outcome_of(item) for item in items]


def _submit_while_the_first_is_held(group: GroupCommit, writes: HeldWrites, first, others: list):
    """Submit `first`; once its write is under way, submit `others` from threads of their own; release the
    first write when every other is queued. Each submission's result or exception, in order."""

    def run(item):
        try:
            return ("ok", group.submit(item))
        except Exception as error:  # noqa: BLE001 - the test looks at which request got which error
            return ("raised", error)

    with ThreadPoolExecutor(max_workers=len(others) + 1) as pool:
        futures = [pool.submit(run, first)]
        _wait_until(lambda: len(writes.batches) == 1)
        futures += [pool.submit(run, item) for item in others]
        _wait_until(lambda: group.waiting() == len(others))
        writes.release.set()
        return [f.result(timeout=5) for f in futures]


def test_rows_arriving_during_a_write_go_together_in_the_next_and_each_gets_its_own_outcome():
    writes = HeldWrites(lambda item: item * 10)
    group = GroupCommit(writes)
    outcomes = _submit_while_the_first_is_held(group, writes, 1, [2, 3, 4, 5])
    assert outcomes == [("ok", 10), ("ok", 20), ("ok", 30), ("ok", 40), ("ok", 50)]
    assert writes.batches[0] == [1]
    assert sorted(writes.batches[1]) == [2, 3, 4, 5]  # one write for the four that waited
    assert len(writes.batches) == 2
    assert group.submit(6) == 60 and writes.batches[-1] == [6]  # alone again: written at once


def test_an_error_given_for_one_row_is_raised_in_that_request_alone():
    refused = ValueError("row 3 refused")
    writes = HeldWrites(lambda item: refused if item == 3 else item)
    group = GroupCommit(writes)
    outcomes = _submit_while_the_first_is_held(group, writes, 1, [2, 3, 4])
    assert outcomes == [("ok", 1), ("ok", 2), ("raised", refused), ("ok", 4)]


def test_a_write_that_raises_fails_its_batch_and_the_next_batch_is_still_written():
    calls: list[list] = []
    release = threading.Event()

    def write(items):
        calls.append(list(items))
        if len(calls) == 1:
            assert release.wait(5)
            return [item for item in items]
        if len(calls) == 2:
            raise ConnectionError("connection lost")
        return [item for item in items]

    group = GroupCommit(write)

    def run(item):
        try:
            return ("ok", group.submit(item))
        except ConnectionError as error:
            return ("raised", str(error))

    with ThreadPoolExecutor(max_workers=4) as pool:
        first = pool.submit(run, "a")
        _wait_until(lambda: len(calls) == 1)
        middle = [pool.submit(run, item) for item in ("b", "c")]
        _wait_until(lambda: group.waiting() == 2)
        release.set()
        results = [first.result(5)] + [m.result(5) for m in middle]
    assert results == [("ok", "a"), ("raised", "connection lost"), ("raised", "connection lost")]
    assert group.submit("d") == "d"  # nothing is left waiting or writing


def test_a_write_that_gives_the_wrong_number_of_outcomes_fails_each_request_of_its_batch():
    group = GroupCommit(lambda items: [])
    with pytest.raises(RuntimeError, match="0 outcomes for 1 rows"):
        group.submit("x")
    group_ok = GroupCommit(lambda items: list(items))
    assert group_ok.submit("y") == "y"


def test_a_batch_is_at_most_max_batch_rows():
    writes = HeldWrites(lambda item: item)
    group = GroupCommit(writes, max_batch=3)
    outcomes = _submit_while_the_first_is_held(group, writes, 0, list(range(1, 8)))
    assert outcomes == [("ok", i) for i in range(8)]
    assert [len(b) for b in writes.batches] == [1, 3, 3, 1]
    assert sorted(sum(writes.batches, [])) == list(range(8))


def test_a_request_interrupted_while_it_waits_leaves_no_batch_stuck(monkeypatch):
    from shopify_roi.services.webhooks import group_commit

    class InterruptedSlot(group_commit._Slot):
        """The slot of item "stop" is interrupted while it waits (as a signal would interrupt it)."""

        def __init__(self, item):
            super().__init__(item)
            if item == "stop":
                self.ready.wait = self._interrupted

        def _interrupted(self, timeout=None):
            _wait_until(lambda: writes.release.is_set())  # after it was queued and the write goes on
            raise KeyboardInterrupt

    monkeypatch.setattr(group_commit, "_Slot", InterruptedSlot)
    writes = HeldWrites(lambda item: item)
    group = GroupCommit(writes)

    def run(item):
        try:
            return ("ok", group.submit(item))
        except KeyboardInterrupt:
            return ("interrupted", item)

    with ThreadPoolExecutor(max_workers=3) as pool:
        first = pool.submit(run, "a")
        _wait_until(lambda: len(writes.batches) == 1)
        stopped = pool.submit(run, "stop")
        _wait_until(lambda: group.waiting() == 1)
        writes.release.set()
        assert stopped.result(5) == ("interrupted", "stop")
        assert first.result(5) == ("ok", "a")
    # Whether "stop" was handed the next turn or taken out of the queue first, nothing is left stuck (a
    # daemon thread, so that a stuck group fails this test instead of hanging the run):
    later: list = []
    thread = threading.Thread(target=lambda: later.append(run("b")), daemon=True)
    thread.start()
    thread.join(5)
    assert later == [("ok", "b")], "the group was left stuck behind the interrupted request"
    assert group.waiting() == 0
