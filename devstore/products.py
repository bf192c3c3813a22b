"""Products with variants and their inventory items' unit cost (what Shopify's ``InventoryItem.unitCost``
holds: the merchant's cost per item, the COGS of a gifted product), and the control API that makes them.

``POST /_devstore/shops/{shop}/products`` ``{"title": "Trail shoe", "variants": [{"title": "42", "sku":
"TS-42", "price": "80.00", "unit_cost": "31.50"}]}`` → 201 ``{"product": {...}}`` with each variant's
``id`` (numeric) and ``gid``; ``unit_cost`` null/absent = no cost recorded (``unitCost: null``).
``GET /_devstore/shops/{shop}/products`` lists them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Blueprint, jsonify, request

from devstore.context import runtime, shop_or_404
from devstore.state import Shop, Store

KIND = "products"
VARIANTS = "product_variants"
bp = Blueprint("control_products", __name__, url_prefix="/_devstore")


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


def create(store: Store, shop: Shop, body: dict) -> dict:
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


@bp.post("/shops/<shop:shop_domain>/products")
def create_product(shop_domain: str):
    shop, rt = shop_or_404(shop_domain), runtime()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="send a JSON object"), 400
    try:
        return jsonify(product=create(rt.store, shop, body)), 201
    except ValueError as exc:
        return jsonify(error=str(exc)), 400


@bp.get("/shops/<shop:shop_domain>/products")
def list_products(shop_domain: str):
    shop, rt = shop_or_404(shop_domain), runtime()
    return jsonify(products=rt.store.records(shop, KIND))
