"""Draining order webhooks from the inbox in batches; re-attribution. Jobs take ids."""
from __future__ import annotations

import logging
from collections import Counter

from ..runtime import Runtime, current
from ..services import order_ingest, orders

log = logging.getLogger(__name__)
DRAIN_FLAG = "shopify-roi:orders-drain-requested"
BATCH = 500


def request_drain(rt: Runtime) -> None:
    """Queue one drain job unless one is already waiting (webhooks arrive in bursts)."""
    try:
        if rt.jobs.redis.set(DRAIN_FLAG, 1, nx=True, ex=60):
            rt.jobs.enqueue(drain_orders)
    except Exception as exc:  # noqa: BLE001 - the inbox row is durable; the sweeper drains it later
        log.warning("could not request an orders drain: %s", exc)


def drain_orders(batch_size: int | None = None) -> dict:
    """Process received order deliveries, a batch per transaction, until none is left."""
    rt = current()
    batch_size = batch_size or rt.settings.orders_batch
    rt.jobs.redis.delete(DRAIN_FLAG)
    total: Counter = Counter()
    while True:
        with rt.db.session() as session:
            batch = order_ingest.claim(session, batch_size)
            if not batch:
                break
            total.update(order_ingest.process(session, batch))
    return dict(total)


def process_order_deliveries(ids: list[int]) -> dict:
    """Process the given deliveries (the sweeper's path for one stuck row)."""
    rt = current()
    with rt.db.session() as session:
        return dict(order_ingest.process(session, order_ingest.claim(session, len(ids), ids)))


def reattribute_shop(shop_id: int) -> int:
    """Recompute attribution for every order of the shop (a code or the policy changed)."""
    rt = current()
    with rt.db.session() as session:
        return orders.reattribute(session, shop_id)
