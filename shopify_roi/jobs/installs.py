"""Work that follows an install: learn the shop's name, currency, time zone and granted scopes."""

from __future__ import annotations

import logging

from shopify_roi.runtime import current
from shopify_roi.services.shops import install as installs
from shopify_roi.services.shops.tokens import admin_client
from shopify_roi.shopify_client.admin import ReauthorizeRequired, load_query

log = logging.getLogger(__name__)


def sync_shop(domain: str) -> str:
    """Fetch `shop` and `currentAppInstallation` and store them. Skips uninstalled shops."""
    rt = current()
    try:
        data = admin_client(rt, domain).execute(load_query("shop_info"), operation_name="ShopInfo")
    except ReauthorizeRequired as exc:
        return f"skipped: {exc}"
    shop = data.get("shop") or {}
    scopes = [s["handle"] for s in ((data.get("currentAppInstallation") or {}).get("accessScopes") or [])]
    with rt.db.session() as session:
        installs.update_shop_details(
            session,
            domain,
            name=shop.get("name"),
            currency=shop.get("currencyCode"),
            timezone=shop.get("ianaTimezone"),
            shopify_id=shop.get("id"),
            scopes=scopes or None,
        )
    from shopify_roi.jobs.backfill import start_backfill

    rt.jobs.enqueue(start_backfill, domain, "install")  # history, as far back as the scopes allow
    return f"synced {domain}"
