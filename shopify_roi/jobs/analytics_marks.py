"""Keeping a shop's analytics annotations and targets equal to its campaigns
(services/creators/analytics_sync.py).

One job per shop, queued at most once at a time: a shop whose calls fail never holds up another shop's.
"""

from __future__ import annotations

from shopify_roi.jobs.shop_jobs import for_shop
from shopify_roi.runtime import Runtime
from shopify_roi.services.creators import analytics_sync

SYNC_FLAG = "shopify-roi:analytics-marks-requested"


def _flag(rt: Runtime, shop_domain: str) -> str:
    return f"{SYNC_FLAG}:{rt.settings.queue_name}:{shop_domain}"


def request_analytics_sync(rt: Runtime, shop_domain: str) -> bool:
    """Queue the sync of the shop's annotations and targets unless one is waiting already; True when queued.
    Asked for by every campaign save and settings change; the job finds whether the shop turned it on."""
    if rt.jobs.redis.set(_flag(rt, shop_domain), 1, nx=True, ex=600):
        rt.jobs.enqueue(sync_analytics_marks, shop_domain)
        return True
    return False


def sync_analytics_marks(shop_domain: str) -> dict | str:
    """Bring the shop's annotations and targets in line with its campaigns; idempotent."""

    def work(rt: Runtime, client, shop_id: int):
        rt.jobs.redis.delete(_flag(rt, shop_domain))  # a request made from now on queues another job
        result = analytics_sync.sync(rt.db, client, shop_id)
        if result.get("more"):
            request_analytics_sync(rt, shop_domain)
        return result

    return for_shop(shop_domain, work)
