"""A read of the ROI table run beside the rest of it, on a second connection (issue 21: the code-leak
groups and the creators' sums are the two longest statements of a 90- or 365-day table at 1M orders,
~30 and ~45 ms, and ran one after the other).

Only where the second connection reads what the request's own would: on PostgreSQL (each statement of a
READ COMMITTED transaction sees what is committed when it starts, so the two connections read alike) and
only when the request's transaction has written no rollup row (rollups.refresh marks the session when it
recomputes or rebuilds: those rows are not committed yet, and another connection would not see them).
Otherwise the caller reads on its own session, in turn, as before. SQLite, the zero-set-up default, always
reads in turn.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

T = TypeVar("T")
WROTE = "rollup_written"  # session.info key: this transaction wrote rollup rows

_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None


def wrote_rollup(session: Session) -> None:
    session.info[WROTE] = True


def start(session: Session, work: Callable[[Session], T]) -> Future[T] | None:
    """`work(its own session)` started on a second connection, or None where it must run on `session`.
    While the two read, neither asks PostgreSQL for parallel workers (`SET LOCAL`, to the end of the
    transaction): the request is already two processes on the server, and on the 2-core machine measured
    the planner's workers on top made the 365-day table slower (p50 194 against 134 ms, bench/README.md)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or session.info.get(WROTE):
        return None
    _serial_plans(session)
    return _executor().submit(_run, bind, work)


def _serial_plans(session: Session) -> None:
    session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def _run(bind, work: Callable[[Session], T]) -> T:
    with Session(bind=bind) as session:  # read only: closing it rolls its transaction back
        _serial_plans(session)
        return work(session)


def _executor() -> ThreadPoolExecutor:
    """This process's pool (made again in a forked child: gunicorn forks its workers)."""
    global _pool
    with _lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=4, thread_name_prefix="roi-read-aside"))
        return _pool[1]
