"""Jobs for `read_all_orders` (services/shops/history_access.py): learn from Shopify what it granted,
and start the full-history backfill once it is granted. They take domains."""

from __future__ import annotations

from shopify_roi.jobs.shop_jobs import for_shop
from shopify_roi.services.shops import history_access


def start_full_history(shop_domain: str) -> int | str:
    """Start the full-history backfill if the shop granted read_all_orders and none covered it yet.

    Idempotent: the check and the start run under a per-shop lock, so the webhook's job and the
    page's check cannot start two."""

    def work(rt, client, shop_id: int):
        lock = rt.jobs.redis.lock(
            f"shopify-roi:full-history:{shop_domain}", timeout=120, blocking_timeout=150
        )
        with lock:
            return history_access.start_full_history(rt.db, client, shop_id)

    return for_shop(shop_domain, work)


def check_history_access(shop_domain: str) -> int | str:
    """Ask Shopify which scopes the app holds (currentAppInstallation), record them, and start the
    full-history backfill when read_all_orders is among them (after the merchant granted it on the
    page, before or without the `app/scopes_update` webhook)."""

    def work(rt, client, shop_id: int):
        history_access.record_granted_scopes(rt.db, client, shop_domain)
        return start_full_history(shop_domain)

    return for_shop(shop_domain, work)
