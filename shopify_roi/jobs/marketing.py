"""Sending a shop's creators to Shopify's Marketing reports (services/metrics/marketing_sync.py).

One job per shop, queued at most once at a time: a shop whose calls fail never holds up another shop's.
"""

from __future__ import annotations

from shopify_roi.jobs.shop_jobs import for_shop
from shopify_roi.runtime import Runtime
from shopify_roi.services.metrics import marketing_sync

SEND_FLAG = "shopify-roi:marketing-requested"


def _flag(rt: Runtime, shop_domain: str, full: bool) -> str:
    return f"{SEND_FLAG}:{'full' if full else 'changed'}:{rt.settings.queue_name}:{shop_domain}"


def request_marketing_send(rt: Runtime, shop_domain: str, full: bool = True) -> bool:
    """Queue a send of the shop's Marketing activities and engagements unless one of the same kind is
    waiting; True when queued. `full=False` (hourly) compares only the days the rollup recomputed since."""
    if rt.jobs.redis.set(_flag(rt, shop_domain, full), 1, nx=True, ex=3600):
        rt.jobs.enqueue(send_marketing, shop_domain, full)
        return True
    return False


def after_edit(rt: Runtime, shop_id: int, shop_domain: str) -> bool:
    """A spend entry, a creator or a campaign was edited: a full send, if the shop reports at all."""
    return marketing_sync.enabled(rt.db, shop_id)[0] and request_marketing_send(rt, shop_domain, full=True)


def send_marketing(shop_domain: str, full: bool = True) -> dict | str:
    """Bring the shop's Marketing activities and day engagements in line with the ROI figures; idempotent."""

    def work(rt: Runtime, client, shop_id: int):
        rt.jobs.redis.delete(_flag(rt, shop_domain, full))  # a request made from now on queues another job
        result = marketing_sync.sync(rt.db, client, shop_id, rt.settings.app_url, full)
        if result.get("more"):
            request_marketing_send(rt, shop_domain, full)
        return result

    return for_shop(shop_domain, work)
