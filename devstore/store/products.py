"""Products with variants and their inventory items' unit cost (what Shopify's ``InventoryItem.unitCost``
holds: the merchant's cost per item, the COGS of a gifted product). The control API makes them
(``devstore.control.products``); the Admin API reads them (``devstore.admin.resolvers.products``); the
storefront shows them at ``/products/<handle>`` (``devstore.storefront``).

A product's ``handle`` is unique in the shop: the one given (a clash is refused: stricter), else made from
the title (lower-case letters, digits and hyphens) with ``-1``, ``-2``... appended on a clash, as Shopify
does ("Product", handle, https://shopify.dev/docs/api/admin-graphql/latest/objects/Product). ``vendor``
defaults to the shop's name.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from devstore.store.state import Shop, Store

KIND = "products"
VARIANTS = "product_variants"


def _money(value, what: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{what} must be an amount") from None
    if amount < 0:
        raise ValueError(f"{what} must not be negative")
    return str(amount.quantize(Decimal("0.01")))


def _handle(store: Store, shop: Shop, body: dict) -> str:
    wanted = str(body.get("handle") or "")
    base = re.sub(r"[^a-z0-9]+", "-", (wanted or str(body.get("title") or "product")).lower()).strip("-")
    base = base or "product"
    with store.lock:
        taken = {p.get("handle") for p in shop.records.get(KIND, {}).values()}
    if wanted and base in taken:
        raise ValueError(f"handle {base} is already taken")
    handle, n = base, 0
    while handle in taken:
        n += 1
        handle = f"{base}-{n}"
    return handle


def by_handle(store: Store, shop: Shop, handle: str) -> dict | None:
    with store.lock:
        return next((p for p in shop.records.get(KIND, {}).values() if p.get("handle") == handle), None)


def create(store: Store, shop: Shop, body: dict) -> dict:
    handle = _handle(store, shop, body)
    product_id = store.next_id()
    variants = []
    for i, spec in enumerate(body.get("variants") or [{}]):
        variant_id, item_id = store.next_id(), store.next_id()
        variant = {
            "id": variant_id,
            "gid": f"gid://shopify/ProductVariant/{variant_id}",
            "product_id": product_id,
            "title": str(spec.get("title") or "Default Title"),
            "sku": str(spec.get("sku") or ""),
            "price": _money(spec.get("price", "0"), f"variants[{i}].price") or "0.00",
            "inventory_item_id": item_id,
            "unit_cost": _money(spec.get("unit_cost"), f"variants[{i}].unit_cost"),
        }
        variants.append(variant)
    product = {
        "id": product_id,
        "gid": f"gid://shopify/Product/{product_id}",
        "title": str(body.get("title") or "Product"),
        "handle": handle,
        "vendor": str(body.get("vendor") or shop.name),
        "product_type": str(body.get("product_type") or ""),
        "variants": variants,
    }
    with store.lock:
        store.put_record(shop, KIND, product_id, product)
        for variant in variants:
            store.put_record(shop, VARIANTS, variant["id"], variant)
    return product


def variant(store: Store, shop: Shop, variant_id: int) -> dict | None:
    with store.lock:
        return shop.records.get(VARIANTS, {}).get(variant_id)
