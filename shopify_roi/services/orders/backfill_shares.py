"""A large history import's file read by more than one process at once (README "Backfill and
reconciliation").

On a 2-core machine one process leaves a core idle: the import's Python (JSONL, parsing, building rows)
waits while PostgreSQL writes (COPY, indexes, the read facts), and the other way round. So the spilled file
(shopify_client.bulk_jsonl) is cut in slices of SLICE_ORDERS orders, in file order, and forked children
take the next slice from a shared counter until none is left: a process slowed down (a busy machine) takes
fewer slices, and no process waits at the end for another's half of the file. The job's own process writes
none: it waits for them, renewing the import's mark and doing its own rollup work (import_rollup.py) every
WAIT_TICK seconds. Every slice is written through the one write path (store.apply_batch), which is safe for
concurrent writers: rows are locked in key order, and each customer's new orders are written by one
transaction at a time (customer_locks.py), so a repeat customer whose orders fall in two slices gets the
same first order and cohort facts as with one process.

Only on PostgreSQL (SQLite has one writer at a time) and for files of PARALLEL_FROM orders or more (a
fork costs more than a small file takes). The children run at a lower CPU priority (CHILD_NICENESS): beside
other shops' webhooks an import takes the idle core, not the one their drains need (README "Fair between
shops"). Every writing process is a child because the job's own process is a worker that serves every
shop's jobs after this one: an unprivileged process cannot take back a priority it gave up. Until
2026-12-07 the job's process wrote slices too, at full priority: beside another shop's 200 webhooks a
second its share of the file competed at full priority with that shop's drain.

A forked child touches only what it opens after the fork: its database pool (db.Database renews
it at a fork), its HTTP session (AdminClient.forked), its connection to the spill file. A child that fails
fails the job, which is retried (a run is idempotent); a child whose parent dies is stopped by the kernel
(PR_SET_PDEATHSIG), so a killed job leaves no writer behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing import connection

PARALLEL_FROM = 20_000  # orders in the file
SLICE_ORDERS = 10_000  # orders a process takes at a time (20 batches)
CHILD_NICENESS = 10
WAIT_TICK = 5.0  # seconds between the job's process's calls of `while_waiting` (in_children)
_PR_SET_PDEATHSIG = 1
_FORK = multiprocessing.get_context("fork")


class ShareFailed(RuntimeError):
    """A child process's part of the import failed (its reason), or it died without saying."""


def worth_sharing(db, processes: int, orders: int) -> bool:
    """Whether a file of `orders` orders is ingested by `processes` processes: PostgreSQL, a large file."""
    return processes > 1 and db.engine.dialect.name == "postgresql" and orders >= PARALLEL_FROM


class Slices:
    """The slices of a file, each taken by one process: iterate to take the next one left (shared with the
    children forked after it was made)."""

    def __init__(self, slices: list[tuple[int, int | None]], shared: bool):
        self.slices = slices
        self._next = _FORK.Value("q", 0) if shared else None  # one process: no shared memory needed

    def __iter__(self) -> Iterator[tuple[int, int | None]]:
        if self._next is None:
            yield from self.slices
            return
        while True:
            with self._next.get_lock():
                index = self._next.value
                self._next.value += 1
            if index >= len(self.slices):
                return
            yield self.slices[index]


@contextmanager
def in_children(
    children: int, work: Callable[[], list[str]], while_waiting: Callable[[], object] | None = None
) -> Iterator[list[str]]:
    """Run `work()` in `children` forked child processes while the caller's block runs; on leaving, wait
    for every child, calling `while_waiting()` every WAIT_TICK seconds until they end, and put what their
    `work` returned (the orders each refused) in the list yielded. Raises ShareFailed when a child failed;
    stops the children when the block or `while_waiting` raised."""
    started = []
    for _ in range(children):
        receive, send = _FORK.Pipe(duplex=False)
        child = _FORK.Process(target=_child, args=(send, work), daemon=True)
        child.start()
        send.close()  # the child's end: EOF here when the child ends without a word
        started.append((child, receive))
    refused: list[str] = []
    outcomes = {}  # child -> (outcome, detail), in the order they came
    try:
        yield refused
        # Each child's result is read as it comes (a long list of refused orders fills the pipe: the child
        # waits for it to be read before it can end), calling `while_waiting` once a tick meanwhile.
        waiting = {receive: child for child, receive in started}
        while waiting:
            if while_waiting:
                while_waiting()
            for receive in connection.wait(list(waiting), timeout=WAIT_TICK if while_waiting else None):
                outcomes[waiting.pop(receive)] = _outcome(receive)
    except BaseException:
        for child, _ in started:
            child.terminate()
            child.join()
        raise
    failures = []
    for child, _ in started:
        outcome, detail = outcomes[child]
        child.join()
        if outcome == "done":
            refused.extend(detail)
        else:
            failures.append(f"{detail} (exit code {child.exitcode})")
    if failures:
        raise ShareFailed("a process of the import failed: " + "; ".join(failures))


def _outcome(receive) -> tuple[str, object]:
    """What a child sent: ("done", the orders it refused) or ("failed", why); EOF: it ended without a word."""
    try:
        return receive.recv()
    except EOFError:
        return "failed", "the process ended without a result"


def _child(send, work: Callable[[], list[str]]) -> None:
    _die_with_parent()
    os.nice(CHILD_NICENESS)
    try:
        refused = work()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails the job with it
        send.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    send.send(("done", refused))


def _die_with_parent() -> None:
    """Linux: the kernel sends this process SIGTERM when its parent dies (a job killed by its timeout)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the child ends with its slices
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
