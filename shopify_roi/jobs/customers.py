"""Checking new customers against Shopify's lifetime order counts (services/orders/customer_checks.py)."""

from __future__ import annotations

import logging

from shopify_roi.jobs.shop_jobs import for_shop
from shopify_roi.runtime import Runtime
from shopify_roi.services.orders import customer_checks
from shopify_roi.shopify_client.customers import CustomersUnavailable

CHECK_FLAG = "shopify-roi:customer-check-requested"
# The row id of the last first order a check of the shop has reached; none: the next check starts over.
CHECK_REACHED = "shopify-roi:customer-check-reached"
log = logging.getLogger(__name__)


def _flag(rt: Runtime, shop_domain: str) -> str:
    return f"{CHECK_FLAG}:{rt.settings.queue_name}:{shop_domain}"


def _reached(rt: Runtime, shop_domain: str) -> str:
    return f"{CHECK_REACHED}:{rt.settings.queue_name}:{shop_domain}"


def request_customer_check(rt: Runtime, shop_domain: str, from_start: bool = False) -> bool:
    """Queue a check of the shop's new customers unless one is waiting already; True when queued.

    A check goes on from the first order the last one reached (the drain's new orders come after it);
    `from_start` makes the next one read every first order of the shop again (the periodic check, after
    a history import). A check running at that moment may write its place again after the reset: then
    the next periodic request starts over instead."""
    if from_start:
        rt.jobs.redis.delete(_reached(rt, shop_domain))
    if rt.jobs.redis.set(_flag(rt, shop_domain), 1, nx=True, ex=600):
        rt.jobs.enqueue(check_new_customers, shop_domain)
        return True
    return False


def check_new_customers(shop_domain: str) -> dict | str:
    """Ask Shopify how many orders each unchecked new customer of the shop has placed; idempotent.
    A backlog longer than one job's budget goes on in a new job."""

    def work(rt: Runtime, client, shop_id: int):
        rt.jobs.redis.delete(_flag(rt, shop_domain))  # a request made from now on queues another job
        try:
            place = _reached(rt, shop_domain)
            result = customer_checks.check(
                rt.db,
                client,
                shop_id,
                after=int(rt.jobs.redis.get(place) or 0),
                reached=lambda row_id: rt.jobs.redis.set(place, row_id),
            )
        except CustomersUnavailable as exc:
            # Not a failure to retry (a scope or an approval the merchant or Shopify must give): the
            # reason is the job's result and a warning in the log.
            log.warning("%s: customer check skipped: %s", shop_domain, exc)
            return f"skipped: {exc}"
        if result.get("more"):
            request_customer_check(rt, shop_domain)
        return result

    return for_shop(shop_domain, work)
