"""Seeding at cost: a seeding entry may name a Shopify product variant instead of a unit cost, and the
cost per item is read from Shopify (`InventoryItem.unitCost`), the merchant's own COGS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shopify_roi.models import Shop
from shopify_roi.services.errors import Invalid
from shopify_roi.services.shops.tokens import admin_client
from shopify_roi.shopify_client import products
from shopify_roi.shopify_client.admin import AdminClient

if TYPE_CHECKING:
    from shopify_roi.runtime import Runtime


def resolve(rt: Runtime, shop: Shop, data):
    """`data` as sent, or with Shopify's cost per item where a seeding entry names a `variant_id` without a
    `unit_cost` (a call to Shopify: the caller holds no transaction open)."""
    if not needs_lookup(data):
        return data
    return with_shopify_cost(admin_client(rt, shop.domain), data, shop.currency)


def needs_lookup(data) -> bool:
    return (
        isinstance(data, dict)
        and data.get("kind") == "seeding"
        and data.get("variant_id") not in (None, "")
        and data.get("unit_cost") in (None, "")
    )


def with_shopify_cost(client: AdminClient, data: dict, shop_currency: str | None) -> dict:
    """The entry with `unit_cost` from Shopify and a note naming the product; 400 when Shopify has no cost."""
    gid = products.variant_gid(data.get("variant_id"))
    if gid is None:
        raise Invalid(
            "`variant_id` is a product variant's id (a number, or gid://shopify/ProductVariant/…).",
            {"variant_id": "a product variant id"},
        )
    try:
        cost = products.unit_cost(client, gid)
    except products.CostUnavailable as exc:
        raise Invalid(str(exc), {"unit_cost": "enter the cost per item"}) from None
    if shop_currency and cost.currency and cost.currency != shop_currency:
        raise Invalid(
            f"Shopify's cost is in {cost.currency}, the shop's currency is {shop_currency}: "
            "enter the unit cost.",
            {"unit_cost": "enter the cost per item"},
        )
    note = data.get("note") or f"{cost.name} at Shopify's cost per item"
    return {
        **{k: v for k, v in data.items() if k != "variant_id"},
        "unit_cost": str(cost.unit_cost),
        "note": note,
    }
