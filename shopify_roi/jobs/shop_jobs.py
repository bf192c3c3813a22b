"""The frame of every per-shop job: find the shop, stop quietly if it is gone or uninstalled."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from shopify_roi.runtime import Runtime, current
from shopify_roi.services.shops.lookup import shop_by_domain
from shopify_roi.services.shops.tokens import admin_client
from shopify_roi.shopify_client.admin import AdminClient, ReauthorizeRequired

T = TypeVar("T")


def shop_id_of(rt: Runtime, domain: str) -> int | None:
    """The id of the shop with this domain, or None once it is gone (erased by `shop/redact`)."""
    with rt.db.session() as session:
        shop = shop_by_domain(session, domain)
        return shop.id if shop is not None else None


def for_shop(domain: str, work: Callable[[Runtime, AdminClient, int], T]) -> T | str:
    """Run `work(runtime, admin client, shop id)`; an uninstalled or erased shop's work stops here."""
    rt = current()
    shop_id = shop_id_of(rt, domain)
    if shop_id is None:
        return "skipped: shop gone"
    try:
        return work(rt, admin_client(rt, domain), shop_id)
    except ReauthorizeRequired as exc:
        return f"skipped: {exc}"
