"""Jobs for creators and codes: CSV imports, pending codes, the discount check. They take ids."""
from __future__ import annotations

from ..runtime import current
from ..services import discount_sync, imports, onboarding
from ..services.tokens import admin_client
from ..shopify_client.admin import ReauthorizeRequired


def run_import(shop_domain: str, import_id: int) -> dict | str:
    """Run (or resume) a creators CSV import."""
    rt = current()
    shop_id = onboarding.shop_id_of(rt.db, shop_domain)
    if shop_id is None:
        return "skipped: shop gone"
    try:
        summary = imports.run(rt.db, admin_client(rt, shop_domain), shop_id, import_id)
    except ReauthorizeRequired as exc:
        return f"skipped: {exc}"
    from .orders import reattribute_shop

    rt.jobs.enqueue(reattribute_shop, shop_id)  # orders already held may carry the new codes
    return summary


def complete_pending_codes(shop_domain: str) -> dict | str:
    rt = current()
    shop_id = onboarding.shop_id_of(rt.db, shop_domain)
    if shop_id is None:
        return "skipped: shop gone"
    try:
        return onboarding.complete_pending(rt.db, admin_client(rt, shop_domain), shop_id)
    except ReauthorizeRequired as exc:
        return f"skipped: {exc}"


def sync_discounts(shop_domain: str, discount_ids: list[str] | None = None) -> list[str] | str:
    """Reflect edits and deletions made in the Shopify admin (after a webhook, or periodically)."""
    rt = current()
    shop_id = onboarding.shop_id_of(rt.db, shop_domain)
    if shop_id is None:
        return "skipped: shop gone"
    try:
        return discount_sync.sync(rt.db, admin_client(rt, shop_domain), shop_id, discount_ids)
    except ReauthorizeRequired as exc:
        return f"skipped: {exc}"
