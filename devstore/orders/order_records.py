"""Orders as Shopify's REST order JSON (the body of ``orders/create`` & co.), built from a
compact spec, with totals that add up.

A stored order is ``store.put_record(shop, "orders", id, record)`` with ``record = {"id",
"rest": <the 93-key REST order>, "meta": {rate, presentment, tax_rate, shipping, ...}}``.
Every figure of ``rest`` is recomputed from its line items and refunds by ``recompute``:

- ``total_line_items_price`` = Σ price × quantity; ``total_discounts`` = Σ discount allocations;
  ``subtotal_price`` = the difference; ``total_tax`` = Σ line tax lines;
  ``total_price`` = subtotal + shipping (+ tax unless ``taxes_included``).
- An edit changes the order itself (a removed line has ``quantity`` and ``current_quantity`` 0);
  ``current_*`` are those figures minus what refunds took back.
"""

from __future__ import annotations

import zlib
from decimal import Decimal

from devstore.orders.money import (
    ZERO,
    Currency,
    allocate,
    amt,
    big_id,
    cents,
    dec,
    gid,
    local_iso,
    parse_time,
)
from devstore.store.state import Shop, Store

KIND = "orders"
CUSTOMERS = "customers"
FIRST_ORDER_NUMBER = 1001


def currency_of(record: dict) -> Currency:
    meta = record["meta"]
    return Currency(meta["currency"], meta["presentment"], dec(meta["rate"]))


def customer_for(store: Store, shop: Shop, key, moment: str) -> dict:
    """The shop's customer for the spec's ``customer_id`` (created at its first order). A
    guest (None) gets a customer of its own, as Shopify makes one from a guest checkout's
    email (``state: disabled``); it never comes back."""
    if key is None:
        key = f"guest-{store.next_id()}"
    with store.lock:
        known = shop.records.get(CUSTOMERS, {}).get(key)
        if known is None:
            cid = big_id(store)
            known = {"key": key, "id": cid, "created_at": moment, "email": f"customer{key}@example.com"}
            store.put_record(shop, CUSTOMERS, key, known)
    return known


def customer_json(customer: dict, currency: str) -> dict:
    """The order's embedded customer, as Shopify's example has it (no orders_count/total_spent)."""
    cid, key = customer["id"], customer["key"]
    return {
        "id": cid,
        "created_at": customer["created_at"],
        "updated_at": customer["created_at"],
        "first_name": "Customer",
        "last_name": str(key),
        "state": "disabled",
        "note": None,
        "verified_email": True,
        "multipass_identifier": None,
        "tax_exempt": False,
        "email": customer["email"],
        "phone": None,
        "currency": currency,
        "tax_exemptions": [],
        "admin_graphql_api_id": gid("Customer", cid),
        "default_address": {
            "id": cid + 1,
            "customer_id": cid,
            "first_name": "Customer",
            "last_name": str(key),
            "company": None,
            "address1": "1 Main St.",
            "address2": None,
            "city": "Springfield",
            "province": "Illinois",
            "country": "United States",
            "zip": "12345",
            "phone": "555-555-0100",
            "name": f"Customer {key}",
            "province_code": "IL",
            "country_code": "US",
            "country_name": "United States",
            "default": True,
        },
    }


def _address(name: str) -> dict:
    return {
        "first_name": "Customer",
        "address1": "1 Main St.",
        "phone": "555-555-0100",
        "city": "Springfield",
        "zip": "12345",
        "province": "Illinois",
        "country": "United States",
        "last_name": name,
        "address2": None,
        "company": None,
        "latitude": None,
        "longitude": None,
        "name": f"Customer {name}",
        "country_code": "US",
        "province_code": "IL",
    }


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
    """One REST line item from ``{title, price, quantity, product_id?, sku?}``."""
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
        "variant_id": None,
        "variant_inventory_management": None,
        "variant_title": None,
        "vendor": None,
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


def build(store: Store, shop: Shop, spec: dict, number: int) -> dict:
    """A new order record (not stored) from the compact spec; ``number`` 1 is ``#1001``."""
    created = local_iso(shop, parse_time(spec.get("created_at"), store.clock()))
    presentment = (spec.get("presentment_currency") or shop.currency).upper()
    rate = dec(spec.get("rate") or "1") if presentment != shop.currency else Decimal("1")
    meta = {
        "currency": shop.currency,
        "presentment": presentment,
        "rate": str(rate),
        "tax_rate": spec.get("tax_rate"),
        "taxes_included": bool(spec.get("taxes_included")),
        "shipping": amt(spec.get("shipping") or "0"),
        "customer_key": spec.get("customer_id"),
    }
    cur = currency_of({"meta": meta})
    specs = list(spec.get("line_items") or [])
    gross = [cents(s.get("price", "0")) * int(s.get("quantity", 1)) for s in specs]
    code = spec.get("discount_code") or None
    allocations = allocate(discount_total(code, sum(gross, ZERO)), gross)
    lines = [make_line(store, cur, s, a, meta) for s, a in zip(specs, allocations, strict=True)]
    order_id = big_id(store)
    customer = customer_for(store, shop, spec.get("customer_id"), created)
    financial = spec.get("financial_status") or "paid"
    email = customer["email"]
    shipping = cents(meta["shipping"])
    token = f"{order_id:x}"
    rest = {
        "id": order_id,
        "admin_graphql_api_id": gid("Order", order_id),
        "app_id": None,
        "browser_ip": None,
        "buyer_accepts_marketing": False,
        "cancel_reason": None,
        "cancelled_at": None,
        "cart_token": None,
        "checkout_token": None,
        "client_details": None,
        "closed_at": None,
        "confirmation_number": f"C{order_id % 10**9:09d}",
        "confirmed": True,
        "contact_email": email,
        "created_at": created,
        "currency": shop.currency,
        "customer_locale": "en",
        "device_id": None,
        "discount_codes": [],
        "duties_included": False,
        "email": email,
        "estimated_taxes": False,
        "financial_status": financial,
        "fulfillment_status": None,
        "landing_site": spec.get("landing_site"),
        "landing_site_ref": None,
        "location_id": None,
        "merchant_business_entity_id": "MTU0ODM4MDAwOQ",
        "merchant_of_record_app_id": None,
        "name": f"#{FIRST_ORDER_NUMBER - 1 + number}",
        "note": spec.get("note"),
        "note_attributes": [
            {"name": str(a["name"]), "value": str(a["value"])} for a in spec.get("note_attributes") or []
        ],
        "number": number,
        "order_number": FIRST_ORDER_NUMBER - 1 + number,
        "order_status_url": f"https://{shop.domain}/{shop.numeric_id}/orders/{token}/authenticate?key={token[::-1]}",
        "original_total_additional_fees_set": None,
        "original_total_duties_set": None,
        "payment_gateway_names": ["bogus"],
        "phone": None,
        "po_number": None,
        "presentment_currency": presentment,
        "processed_at": created,
        "reference": None,
        "referring_site": spec.get("referring_site"),
        "source_identifier": None,
        "source_name": spec.get("source_name") or "web",
        "source_url": None,
        "tags": spec["tags"] if isinstance(spec.get("tags"), str) else ", ".join(spec.get("tags") or []),
        "tax_exempt": False,
        "taxes_included": meta["taxes_included"],
        "test": bool(spec.get("test")),
        "token": token,
        "total_tip_received": "0.00",
        "total_weight": 0,
        "updated_at": created,
        "user_id": None,
        "billing_address": _address(str(spec.get("customer_id") or "Guest")),
        "customer": customer_json(customer, shop.currency),
        "discount_applications": [],
        "fulfillments": [],
        "line_items": lines,
        "payment_terms": None,
        "refunds": [],
        "shipping_address": _address(str(spec.get("customer_id") or "Guest")),
        "shipping_lines": [shipping_line(store, cur, shipping)] if shipping > 0 else [],
        "returns": [],
        "line_item_groups": [],
    }
    if code:
        value_type = code.get("type", "percentage")
        rest["discount_applications"] = [
            {
                "type": "discount_code",
                "code": str(code["code"]),
                "value": str(code.get("value", "0")),
                "value_type": value_type,
                "allocation_method": "across",
                "target_selection": "all",
                "target_type": "line_item",
            }
        ]
        rest["discount_codes"] = [{"code": str(code["code"]), "amount": "0.00", "type": value_type}]
    record = {"id": order_id, "rest": rest, "meta": meta}
    recompute(record)
    return record


def _sum_set(items, key: str) -> Decimal:
    return sum((dec(i[key]["shop_money"]["amount"]) for i in items), ZERO)


def refunded_by_line(rest: dict) -> dict[int, dict]:
    """Per line item id: refunded ``quantity``, ``subtotal`` and ``tax`` (shop money)."""
    out: dict[int, dict] = {}
    for refund in rest["refunds"]:
        for rli in refund["refund_line_items"]:
            acc = out.setdefault(rli["line_item_id"], {"quantity": 0, "subtotal": ZERO, "tax": ZERO})
            acc["quantity"] += rli["quantity"]
            acc["subtotal"] += dec(rli["subtotal_set"]["shop_money"]["amount"])
            acc["tax"] += dec(rli["total_tax_set"]["shop_money"]["amount"])
    return out


def refunded_shipping(rest: dict) -> Decimal:
    return sum((_sum_set(r["refund_shipping_lines"], "subtotal_amount_set") for r in rest["refunds"]), ZERO)


def recompute(record: dict) -> None:
    """Set every total and ``current_*`` field of ``record["rest"]`` from its lines and refunds."""
    rest, meta, cur = record["rest"], record["meta"], currency_of(record)
    lines = rest["line_items"]
    gross = sum((dec(li["price"]) * li["quantity"] for li in lines), ZERO)
    discounts = sum((_sum_set(li["discount_allocations"], "amount_set") for li in lines), ZERO)
    tax = sum((_sum_set(li["tax_lines"], "price_set") for li in lines), ZERO)
    shipping = cents(meta["shipping"])
    included = meta["taxes_included"]
    subtotal = gross - discounts
    total = subtotal + shipping + (ZERO if included else tax)
    refunded = refunded_by_line(rest)
    back_sub = sum((r["subtotal"] for r in refunded.values()), ZERO)
    back_tax = sum((r["tax"] for r in refunded.values()), ZERO)
    back_ship = refunded_shipping(rest)
    back_gross = ZERO
    for li in lines:
        done = refunded.get(li["id"], {}).get("quantity", 0)
        li["current_quantity"] = max(li["quantity"] - done, 0)
        li["fulfillable_quantity"] = 0 if rest["cancelled_at"] else li["current_quantity"]
        back_gross += dec(li["price"]) * min(done, li["quantity"])
    cur_sub, cur_tax, cur_ship = subtotal - back_sub, tax - back_tax, shipping - back_ship
    figures = {
        "total_line_items_price": gross,
        "total_discounts": discounts,
        "subtotal_price": subtotal,
        "total_tax": tax,
        "total_price": total,
        "current_subtotal_price": cur_sub,
        "current_total_discounts": discounts - (back_gross - back_sub),
        "current_total_tax": cur_tax,
        "current_total_price": cur_sub + cur_ship + (ZERO if included else cur_tax),
    }
    for key, value in figures.items():
        rest[key] = amt(value)
        rest[key + "_set"] = cur.money_set(value)
    zero = cur.money_set(ZERO)
    rest["current_shipping_price_set"] = cur.money_set(cur_ship)
    rest["total_shipping_price_set"] = cur.money_set(shipping)
    rest["current_total_additional_fees_set"] = None
    rest["current_total_duties_set"] = None
    rest["total_cash_rounding_payment_adjustment_set"] = zero
    rest["total_cash_rounding_refund_adjustment_set"] = zero
    unpaid = rest["financial_status"] in ("pending", "authorized", "partially_paid")
    rest["total_outstanding"] = amt(total if unpaid else ZERO)
    by_rate: dict[str, Decimal] = {}
    for li in lines:
        for t in li["tax_lines"]:
            by_rate[repr(t["rate"])] = by_rate.get(repr(t["rate"]), ZERO) + dec(t["price"])
    rest["tax_lines"] = [tax_line(cur, v, dec(k)) for k, v in by_rate.items()]
    for code in rest["discount_codes"]:
        code["amount"] = amt(discounts)


def compact(record: dict) -> dict:
    """The list view: the figures a human scans."""
    rest = record["rest"]
    return {
        "id": rest["id"],
        "admin_graphql_api_id": rest["admin_graphql_api_id"],
        "name": rest["name"],
        "created_at": rest["created_at"],
        "updated_at": rest["updated_at"],
        "financial_status": rest["financial_status"],
        "cancelled_at": rest["cancelled_at"],
        "test": rest["test"],
        "customer_id": rest["customer"]["id"],
        "discount_codes": [c["code"] for c in rest["discount_codes"]],
        "currency": rest["currency"],
        "presentment_currency": rest["presentment_currency"],
        "subtotal_price": rest["subtotal_price"],
        "total_price": rest["total_price"],
        "current_total_price": rest["current_total_price"],
        "refunds": len(rest["refunds"]),
    }
