"""Jobs for `read_all_orders` (services/shops/history_access.py): learn from Shopify what it granted,
and start the full-history backfill once it is granted. They take domains."""

from __future__ import annotations

from shopify_roi.jobs.shop_jobs import for_shop
from shopify_roi.services.orders import backfill
from shopify_roi.services.shops import history_access
from shopify_roi.services.shops import install as installs
from shopify_roi.shopify_client.admin import load_query


def start_full_history(shop_domain: str) -> int | str:
    """Start the full-history backfill if the shop granted read_all_orders and none covered it yet.

    Idempotent: the check and the start run under a per-shop lock, so the webhook's job and the
    page's check cannot start two."""

    def work(rt, client, shop_id: int):
        lock = rt.jobs.redis.lock(
            f"shopify-roi:full-history:{shop_domain}", timeout=120, blocking_timeout=150
        )
        with lock:
            with rt.db.session() as session:
                shop = installs.shop_by_domain(session, shop_domain)
                wanted = shop is not None and history_access.needs_full_history(session, shop)
            if not wanted:
                return "nothing to do: read_all_orders not granted, or the full history is already loaded"
            return backfill.start(rt.db, client, shop_id, history_access.FULL_HISTORY)

    return for_shop(shop_domain, work)


def check_history_access(shop_domain: str) -> int | str:
    """Ask Shopify which scopes the app holds (currentAppInstallation), record them, and start the
    full-history backfill when read_all_orders is among them (after the merchant granted it on the
    page, before or without the `app/scopes_update` webhook)."""

    def work(rt, client, shop_id: int):
        data = client.execute(load_query("shop_info"), operation_name="ShopInfo")
        installation = data.get("currentAppInstallation")
        if isinstance(installation, dict) and isinstance(installation.get("accessScopes"), list):
            with rt.db.session() as session:
                installs.apply_scopes_update(
                    session, shop_domain, [s["handle"] for s in installation["accessScopes"]]
                )
        return start_full_history(shop_domain)

    return for_shop(shop_domain, work)
