"""The creator pixel's jobs: keep Shopify's web pixel as the merchant set it (services/pixel/sync.py), and
give orders held the pixel's signal when its checkout_completed arrives after the order's webhook.

Each is one shop's work: a shop whose calls fail never holds up another shop's.
"""

from __future__ import annotations

from shopify_roi.jobs.shop_jobs import for_shop, shop_id_of
from shopify_roi.runtime import Runtime, current
from shopify_roi.services.pixel import orders as pixel_orders
from shopify_roi.services.pixel import sync

SYNC_FLAG = "shopify-roi:pixel-sync-requested"
RECHECK_SECONDS = 120  # an order whose webhook was being written while the pixel's event arrived


def request_pixel_sync(rt: Runtime, shop_domain: str) -> bool:
    """Queue a sync of the shop's web pixel unless one is waiting; True when queued."""
    if rt.jobs.redis.set(f"{SYNC_FLAG}:{rt.settings.queue_name}:{shop_domain}", 1, nx=True, ex=3600):
        rt.jobs.enqueue(sync_web_pixel, shop_domain)
        return True
    return False


def sync_web_pixel(shop_domain: str) -> str:
    def work(rt: Runtime, client, shop_id: int) -> str:
        rt.jobs.redis.delete(f"{SYNC_FLAG}:{rt.settings.queue_name}:{shop_domain}")
        return sync.sync(rt.db, client, shop_id, shop_domain, rt.settings.app_url)

    return for_shop(shop_domain, work)


def pixel_checkouts(shop_domain: str, order_ids: list[str], again: bool = True) -> dict:
    """Attribute again the held orders the pixel saw complete; the ones not held yet are looked at once
    more two minutes later (their webhook may have been written at the same moment), after which the
    order's own webhook finds the pixel's event when it is written."""
    rt = current()
    shop_id = shop_id_of(rt, shop_domain)
    if shop_id is None:
        return {"skipped": "shop gone"}
    with rt.db.session() as session:
        changed, missing = pixel_orders.apply(session, shop_id, order_ids)
    if missing and again:
        rt.jobs.enqueue_in(RECHECK_SECONDS, pixel_checkouts, shop_domain, sorted(missing), False)
    return {"changed": changed, "not_held": len(missing)}
