"""Work that follows an install: learn the shop's name, currency, time zone and granted scopes."""

from __future__ import annotations

from shopify_roi.jobs.backfill import start_backfill
from shopify_roi.runtime import current
from shopify_roi.services.shops import install
from shopify_roi.services.shops.tokens import admin_client
from shopify_roi.shopify_client.admin import ReauthorizeRequired


def sync_shop(domain: str) -> str:
    """Fetch `shop` and `currentAppInstallation` and store them, then load the order history as far
    back as the scopes allow. Skips uninstalled shops."""
    rt = current()
    try:
        install.sync_details(rt.db, admin_client(rt, domain), domain)
    except ReauthorizeRequired as exc:
        return f"skipped: {exc}"
    rt.jobs.enqueue(start_backfill, domain, "install")
    return f"synced {domain}"
