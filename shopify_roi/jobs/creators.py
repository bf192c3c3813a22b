"""Jobs for creators and codes: CSV imports, pending codes, the discount check. They take ids."""

from __future__ import annotations

from shopify_roi.jobs.bulk_slots import bulk_job
from shopify_roi.jobs.orders import reattribute_shop
from shopify_roi.jobs.shop_jobs import for_shop
from shopify_roi.services.creators import code_sync, imports, onboard


@bulk_job
def run_import(shop_domain: str, import_id: int) -> dict | str:
    """Run (or resume) a creators CSV import, then re-attribute (held orders may carry the new codes)."""

    def work(rt, client, shop_id):
        summary = imports.run(rt.db, client, shop_id, import_id)
        rt.jobs.enqueue(reattribute_shop, shop_id, shop=shop_domain)
        return summary

    return for_shop(shop_domain, work)


def complete_pending_codes(shop_domain: str) -> dict | str:
    return for_shop(shop_domain, lambda rt, client, shop_id: onboard.complete_pending(rt.db, client, shop_id))


def sync_discounts(shop_domain: str, discount_ids: list[str] | None = None) -> list[str] | str:
    """Reflect edits and deletions made in the Shopify admin (after a webhook, or periodically)."""
    return for_shop(
        shop_domain, lambda rt, client, shop_id: code_sync.sync(rt.db, client, shop_id, discount_ids)
    )
