"""Group commit: the rows of requests handled at the same moment written in one statement and one commit.

A gunicorn worker serves several requests at once (its threads). Each webhook request must answer only
after its own row is committed, but nothing says each row needs its own round trip and commit. So the
first request to arrive writes at once (alone, if nothing else is waiting: no delay at low load) and the
requests that arrive while it writes queue; when it is done, the first of them writes everything queued
in one batch, and every request in that batch answers when the batch is committed. No thread of its own,
no timer: a batch is what arrived during the previous write.

`write(items)` returns one outcome per item, in order: a result, or an exception that `submit` raises in
that item's request alone. Every request gets its outcome and the next writer is chosen whatever
`write` does, so no request waits forever behind another's failure.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")

MAX_BATCH = 32  # rows per statement: more threads than this rarely wait at once in one process


class _Slot:
    __slots__ = ("item", "outcome", "ready", "leads")

    def __init__(self, item: Any):
        self.item = item
        self.outcome: Any = None
        self.ready = threading.Event()  # set when the outcome is in, or when this request is to write next
        self.leads = False

    def result(self) -> Any:
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


class GroupCommit(Generic[T]):
    def __init__(self, write: Callable[[list[Any]], Sequence[T | BaseException]], max_batch: int = MAX_BATCH):
        self._write = write
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._waiting: list[_Slot] = []
        self._writing = False  # a request is writing a batch now (invariant: when not, none waits)

    def waiting(self) -> int:
        """Requests queued for the next batch (not the one being written)."""
        with self._lock:
            return len(self._waiting) - (1 if self._waiting and self._waiting[0].leads else 0)

    def submit(self, item: Any) -> T:
        """Write `item` with whatever else is waiting; its outcome once it is committed (or its error)."""
        slot = _Slot(item)
        with self._lock:
            self._waiting.append(slot)
            slot.leads = not self._writing
            self._writing = True
        if not slot.leads:
            try:
                slot.ready.wait()
            except BaseException:
                self._abandon(slot)  # never leave a turn that nobody will take
                raise
        if slot.leads:  # first to arrive, or handed the turn: this request writes the next batch
            self._write_batch()
        return slot.result()

    def _write_batch(self) -> None:
        with self._lock:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
        outcomes: Sequence[Any] = ()
        try:
            outcomes = self._write([slot.item for slot in batch])
        except BaseException as error:  # noqa: BLE001 - each request of the batch raises it
            outcomes = [error] * len(batch)
        finally:
            if len(outcomes) != len(batch):
                lost = RuntimeError(f"the batch write gave {len(outcomes)} outcomes for {len(batch)} rows")
                outcomes = [lost] * len(batch)
            for slot, outcome in zip(batch, outcomes, strict=True):
                slot.outcome = outcome
                slot.leads = False
                slot.ready.set()
            self._hand_over()

    def _abandon(self, slot: _Slot) -> None:
        """A request stopped waiting (interrupted): out of the queue, and its turn, if given, passed on."""
        with self._lock:
            if slot not in self._waiting:
                return  # in a batch being written: its writer finishes it
            handed = slot.leads
            self._waiting.remove(slot)
        if handed:
            self._hand_over()

    def _hand_over(self) -> None:
        with self._lock:
            if not self._waiting:
                self._writing = False
                return
            turn = self._waiting[0]
            turn.leads = True
        turn.ready.set()
