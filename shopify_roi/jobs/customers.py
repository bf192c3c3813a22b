"""Checking new customers against Shopify's lifetime order counts (services/orders/customer_checks.py)."""

from __future__ import annotations

import logging

from shopify_roi.jobs.shop_jobs import for_shop
from shopify_roi.runtime import Runtime
from shopify_roi.services.orders import customer_checks
from shopify_roi.shopify_client.customers import CustomersUnavailable

CHECK_FLAG = "shopify-roi:customer-check-requested"
log = logging.getLogger(__name__)


def _flag(rt: Runtime, shop_domain: str) -> str:
    return f"{CHECK_FLAG}:{rt.settings.queue_name}:{shop_domain}"


def request_customer_check(rt: Runtime, shop_domain: str) -> bool:
    """Queue a check of the shop's new customers unless one is waiting already; True when queued."""
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
            result = customer_checks.check(rt.db, client, shop_id)
        except CustomersUnavailable as exc:
            # Not a failure to retry (a scope or an approval the merchant or Shopify must give): the
            # reason is the job's result and a warning in the log.
            log.warning("%s: customer check skipped: %s", shop_domain, exc)
            return f"skipped: {exc}"
        if result.get("more"):
            request_customer_check(rt, shop_domain)
        return result

    return for_shop(shop_domain, work)
