"""Seeding orders tagged in Shopify become the creator's seeding spend by themselves (services/seeding/
orders.py): after a drain, each shop with such an order still to record gets one job. One shop's failing
calls never hold up another's."""

from __future__ import annotations

import logging

from shopify_roi.jobs.shop_jobs import for_shop
from shopify_roi.runtime import Runtime
from shopify_roi.services.seeding import orders as seeding_orders
from shopify_roi.services.shops.lookup import shop_by_domain

log = logging.getLogger(__name__)
FLAG = "shopify-roi:seeding-record-requested"


def request_seeding_records(rt: Runtime, domains: set[str]) -> None:
    """Queue `record_seeding_orders` for each of these shops holding tagged orders to record."""
    if not domains:
        return
    try:
        with rt.db.session() as session:
            todo = []
            for domain in sorted(domains):
                shop = shop_by_domain(session, domain)
                if shop is not None and seeding_orders.pending(session, shop.id, limit=1):
                    todo.append(domain)
        for domain in todo:
            if rt.jobs.redis.set(f"{FLAG}:{rt.settings.queue_name}:{domain}", 1, nx=True, ex=3600):
                rt.jobs.enqueue(record_seeding_orders, domain)
    except Exception as exc:  # noqa: BLE001 - the shop's next drain asks again
        log.warning("could not request the seeding records: %s", exc)


def record_seeding_orders(shop_domain: str) -> dict | str:
    def work(rt: Runtime, client, shop_id: int) -> dict:
        rt.jobs.redis.delete(f"{FLAG}:{rt.settings.queue_name}:{shop_domain}")
        done = seeding_orders.record_pending(rt.db, client, shop_id)
        with rt.db.session() as session:
            more = seeding_orders.pending(session, shop_id, limit=1)
        if more and done["recorded"] + done["waiting_for_staff"]:
            request_seeding_records(rt, {shop_domain})  # a long list goes on in the next job
        return done

    return for_shop(shop_domain, work)
