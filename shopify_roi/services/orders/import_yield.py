"""A history import gives way to other shops' webhooks (README "Fair between shops").

A bulk slot keeps a worker free for the other shops, but not a core: on two cores a 1M-order import left
another shop's one free worker draining 178 orders/s against 194/s arriving, minutes behind
(bench/README.md). So between two batches the import looks at the inbox: while another shop's oldest
waiting delivery has waited more than LAG seconds, it sleeps (a little at a time), giving the CPU and the
database to the drains, for at most YIELD_SHARE times as long as its last batch took, so an import
beside a backlog that never clears still moves at 1 / (1 + YIELD_SHARE) of its speed.

The import's own derived work stays in its own worker too: every order it writes marks a day of its
shop's rollup dirty, and the periodic rollup pass (jobs/schedules.py) runs in a thread of the worker the
other shops' drains run in. While a shop imports (a Redis mark renewed after every batch), that pass
skips it; the import job recomputes its shop's dirty days itself every OWN_ROLLUP_EVERY seconds, and
leaves the last ones to the pass once it ends. A read of the importing shop's page still refreshes
before it reads, as always.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from shopify_roi.db import Database, utcnow
from shopify_roi.models.delivery import RECEIVED, WebhookDelivery
from shopify_roi.services.metrics import rollups

LAG = 2.0  # seconds another shop's delivery may wait before the import steps aside
YIELD_SHARE = 4  # the import sleeps at most this many times its last batch's duration
STEP = 0.25  # seconds per sleep before looking again
IMPORTING_TTL = 120  # seconds the importing mark outlives the last batch (a killed worker's mark expires)
OWN_ROLLUP_EVERY = 30.0  # seconds between the import's refreshes of its own shop's rollup


def others_waiting(db: Database, shop_domain: str, lag: float = LAG) -> bool:
    """Whether a delivery of another shop has waited for a drain longer than `lag` seconds (one indexed
    read: the inbox's (status, received_at) index, oldest first). A delivery set aside to be retried later
    is not a backlog."""
    with db.session() as session:
        oldest = session.scalar(
            select(WebhookDelivery.received_at)
            .where(
                WebhookDelivery.status == RECEIVED,
                WebhookDelivery.retry_at.is_(None),
                WebhookDelivery.shop_domain != shop_domain,
            )
            .order_by(WebhookDelivery.received_at)
            .limit(1)
        )
    return oldest is not None and oldest < utcnow() - timedelta(seconds=lag)


def give_way(
    db: Database,
    shop_domain: str,
    batch_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
    waiting: Callable[[], bool] | None = None,
) -> float:
    """Sleep while other shops' deliveries wait (see above); the seconds slept."""
    waiting = waiting or (lambda: others_waiting(db, shop_domain))
    budget, slept = YIELD_SHARE * batch_seconds, 0.0
    while slept < budget and waiting():
        step = min(STEP, budget - slept)
        sleep(step)
        slept += step
    return slept


def importing_key(rt, shop_id: int) -> str:
    return f"shopify-roi:importing:{rt.settings.queue_name}:{shop_id}"


def importing(rt, shop_ids: list[int]) -> set[int]:
    """Those of these shops whose history import is under way in a worker (renewed after every batch)."""
    if rt.jobs.in_process or not shop_ids:
        return set()
    marks = rt.jobs.redis.mget([importing_key(rt, shop_id) for shop_id in shop_ids])
    return {shop_id for shop_id, mark in zip(shop_ids, marks, strict=True) if mark is not None}


def for_job(rt, shop_domain: str, shop_id: int) -> Callable[[float], float] | None:
    """What the import job does between two batches: marks its shop as importing (so the periodic
    rollup pass, which runs in the other shops' worker, leaves this shop's dirty days alone), brings its
    own shop's rollup up to date every OWN_ROLLUP_EVERY seconds in its own worker, then gives way. None in
    the embedded mode, whose one worker thread would only wait on itself."""
    if rt.jobs.in_process:
        return None
    last = [time.monotonic()]

    def between_batches(batch_seconds: float) -> float:
        rt.jobs.redis.set(importing_key(rt, shop_id), 1, ex=IMPORTING_TTL)
        if time.monotonic() - last[0] >= OWN_ROLLUP_EVERY:
            refresh_own_rollup(rt, shop_id)
            last[0] = time.monotonic()
        return give_way(rt.db, shop_domain, batch_seconds)

    return between_batches


def refresh_own_rollup(rt, shop_id: int) -> None:
    with rt.db.session() as session:
        rollups.refresh_shop(session, shop_id)


def import_ended(rt, shop_id: int) -> None:
    """The periodic pass may take the shop again: its last dirty days (at most OWN_ROLLUP_EVERY seconds of
    the import's writes) are recomputed there, as any writer's are. Not here: the run is already marked
    done, and a job still working after it says so would look abandoned."""
    if not rt.jobs.in_process:
        rt.jobs.redis.delete(importing_key(rt, shop_id))
