"""Writing the creator metafields of a shop's orders and customers (services/orders/metafield_sync.py).

One job per shop, queued at most once at a time: a shop whose writes fail (RQ retries the job) never
holds up another shop's.
"""

from __future__ import annotations

from shopify_roi.jobs.shop_jobs import for_shop
from shopify_roi.runtime import Runtime
from shopify_roi.services.orders import metafield_sync

WRITE_FLAG = "shopify-roi:metafields-requested"


def _flag(rt: Runtime, shop_domain: str, full: bool) -> str:
    return f"{WRITE_FLAG}:{'full' if full else 'changed'}:{rt.settings.queue_name}:{shop_domain}"


def request_metafield_write(rt: Runtime, shop_domain: str, full: bool = True) -> bool:
    """Queue a write of the shop's creator metafields unless one of the same kind is waiting already; True
    when queued. `full=False` (after new orders, a re-attribution) looks only at the orders changed since
    the last run."""
    if rt.jobs.redis.set(_flag(rt, shop_domain, full), 1, nx=True, ex=600):
        rt.jobs.enqueue(write_metafields, shop_domain, full)
        return True
    return False


def write_metafields(shop_domain: str, full: bool = True) -> dict | str:
    """Bring the shop's creator metafields in line with the attribution; idempotent."""

    def work(rt: Runtime, client, shop_id: int):
        rt.jobs.redis.delete(_flag(rt, shop_domain, full))  # a request made from now on queues another job
        result = metafield_sync.sync(rt.db, client, shop_id, full)
        if result.get("more"):
            request_metafield_write(rt, shop_domain, full)
        return result

    return for_shop(shop_domain, work)
