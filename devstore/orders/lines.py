"""An order's lines as Shopify's REST JSON has them: line items with their discount allocation and
tax lines, the shipping line, and what a discount code takes off."""

from __future__ import annotations

import zlib
from decimal import Decimal

from devstore.orders.money import ZERO, Currency, amt, big_id, cents, dec, gid
from devstore.store.state import Store


def tax_line(cur: Currency, price: Decimal, rate: Decimal) -> dict:
    return {
        "channel_liable": False,
        "price": amt(price),
        "price_set": cur.money_set(price),
        "rate": float(rate),
        "title": "Tax",
    }


def line_tax(net: Decimal, rate: Decimal | None, included: bool) -> Decimal:
    """Tax on a line's discounted price (contained in it when prices include tax)."""
    if not rate:
        return ZERO
    return cents(net * rate / (1 + rate)) if included else cents(net * rate)


def make_line(store: Store, cur: Currency, spec: dict, allocation: Decimal, meta: dict) -> dict:
    """One REST line item from ``{title, price, quantity, product_id?, sku?, variant_id?, variant_title?,
    vendor?}`` (the storefront's checkout names the variant)."""
    line_id = big_id(store)
    price, qty = cents(spec.get("price", "0")), int(spec.get("quantity", 1))
    title = str(spec.get("title") or "Item")
    product_id = spec.get("product_id")
    if product_id is None:
        product_id = 632_910_392_000_000_000 + zlib.crc32(title.encode())
    rate = dec(meta["tax_rate"]) if meta.get("tax_rate") else None
    tax = line_tax(price * qty - allocation, rate, meta["taxes_included"])
    allocations = []
    if allocation > 0:
        allocations.append(
            {
                "amount": amt(allocation),
                "amount_set": cur.money_set(allocation),
                "discount_application_index": 0,
            }
        )
    return {
        "id": line_id,
        "admin_graphql_api_id": gid("LineItem", line_id),
        "attributed_staffs": [],
        "current_quantity": qty,
        "fulfillable_quantity": qty,
        "fulfillment_service": "manual",
        "fulfillment_status": None,
        "gift_card": False,
        "grams": 0,
        "name": title,
        "price": amt(price),
        "price_set": cur.money_set(price),
        "product_exists": True,
        "product_id": int(product_id),
        "properties": [],
        "quantity": qty,
        "requires_shipping": True,
        "sales_line_item_group_id": None,
        "sku": spec.get("sku") or f"SKU-{zlib.crc32(title.encode()) % 100000:05d}",
        "taxable": rate is not None,
        "title": title,
        "total_discount": amt(allocation),
        "total_discount_set": cur.money_set(allocation),
        "variant_id": int(spec["variant_id"]) if spec.get("variant_id") is not None else None,
        "variant_inventory_management": None,
        "variant_title": spec.get("variant_title"),
        "vendor": spec.get("vendor"),
        "tax_lines": [tax_line(cur, tax, rate)] if rate is not None else [],
        "duties": [],
        "discount_allocations": allocations,
    }


def discount_total(discount: dict | None, gross: Decimal) -> Decimal:
    """What a code takes off ``gross``: percentage (``value`` "15.0" = 15 %) or a fixed amount."""
    if not discount:
        return ZERO
    value = dec(discount.get("value", "0"))
    if discount.get("type", "percentage") == "percentage":
        return cents(gross * value / 100)
    return min(cents(value), gross)


def shipping_line(store: Store, cur: Currency, shipping: Decimal) -> dict:
    line_id = big_id(store)
    money = cur.money_set(shipping)
    return {
        "id": line_id,
        "carrier_identifier": None,
        "code": "Standard",
        "current_discounted_price_set": money,
        "discounted_price": amt(shipping),
        "discounted_price_set": money,
        "is_removed": False,
        "phone": None,
        "price": amt(shipping),
        "price_set": money,
        "requested_fulfillment_service_id": None,
        "source": "shopify",
        "title": "Standard",
        "tax_lines": [],
        "discount_allocations": [],
    }
