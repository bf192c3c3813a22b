"""The naive consumer bench/pipeline.py compares the app's batched drain with: one RQ job per webhook,
run by RQ's default forking `Worker`, one transaction per order, built only from the app's public
service functions (parse one delivery, apply one order or refund, mark its customer's first order).
It runs in a fork of a plain `rq worker` (bench/ on PYTHONPATH), so every job builds the app's
runtime from the environment and opens its own database connection, as such a worker would.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from shopify_roi.db import utcnow
from shopify_roi.db_connections import is_transient
from shopify_roi.models import WebhookDelivery
from shopify_roi.models.delivery import FAILED, PROCESSED, RECEIVED
from shopify_roi.runtime import current
from shopify_roi.services.orders import read_facts, store
from shopify_roi.services.orders.parse_webhook import parse_delivery
from shopify_roi.services.shops.lookup import shop_by_domain
from shopify_roi.services.webhooks.inbox import PayloadError


def process_one(delivery_id: int) -> str:
    """Apply one delivery; two workers racing on one order (orders/create and orders/paid arrive together)
    may deadlock on a customer both touch: it tries again, as RQ's retry would (later, and slower), and
    as the app's drain does with a deadlocked batch."""
    for attempt in range(5):
        try:
            return _process(delivery_id)
        except DBAPIError as exc:
            if not is_transient(exc) or attempt == 4:
                raise
    return "unreachable"


def _process(delivery_id: int) -> str:
    rt = current()
    with rt.db.session() as session:  # one transaction for this order
        delivery = session.scalar(
            select(WebhookDelivery).where(WebhookDelivery.id == delivery_id).with_for_update()
        )
        if delivery is None or delivery.status != RECEIVED:
            return "done before"
        shop = shop_by_domain(session, delivery.shop_domain)
        delivery.attempts += 1
        delivery.processed_at = utcnow()
        try:
            facts = parse_delivery(delivery.topic, delivery.payload)
        except PayloadError as exc:
            delivery.status, delivery.error = FAILED, str(exc)
            return FAILED
        if delivery.topic == "refunds/create":
            outcome = store.apply_refund(session, shop.id, facts)
        elif delivery.topic == "orders/edited":
            outcome = "noted"
        else:
            outcome = store.apply_order(session, shop.id, facts)
        if facts is not None:
            read_facts.refresh_for(session, shop.id, [facts])
        delivery.status, delivery.result = PROCESSED, outcome
        return outcome


if __name__ == "__main__":
    # `rq worker --worker-class rq.worker.Worker QUEUE`, with this module (and so the app's code) imported
    # in the parent first, as a preloading worker script does: each job's fork inherits the imports but
    # builds the runtime (settings, engine, a new database connection) itself.
    import sys

    import redis
    from rq import Queue
    from rq.worker import SimpleWorker, Worker

    url, name = sys.argv[1], sys.argv[2]
    kind = (
        SimpleWorker if sys.argv[3:] == ["simple"] else Worker
    )  # simple: no fork (an extra, not the baseline)
    conn = redis.Redis.from_url(url)
    kind([Queue(name, connection=conn)], connection=conn).work(logging_level="WARNING")
