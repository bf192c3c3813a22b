"""Orders as Shopify's REST order JSON (the body of ``orders/create`` & co.), built from a
compact spec, with totals that add up (``devstore.orders.totals``).

A stored order is ``store.put_record(shop, "orders", id, record)`` with ``record = {"id",
"rest": <the 93-key REST order>, "meta": {rate, presentment, tax_rate, shipping, ...}}``.
Lines and shipping are in ``devstore.orders.lines``, the embedded customer and addresses in
``devstore.orders.customers``.
"""

from __future__ import annotations

import copy
from decimal import Decimal

from devstore.orders.customers import address, customer_for, customer_json
from devstore.orders.lines import discount_total, make_line, shipping_line
from devstore.orders.money import (
    ZERO,
    allocate,
    amt,
    big_id,
    cents,
    currency_of,
    dec,
    gid,
)
from devstore.orders.totals import recompute
from devstore.store.state import Shop, Store
from devstore.store.times import local_iso, parse_time

KIND = "orders"
FIRST_ORDER_NUMBER = 1001

# Every key of Shopify's ``orders/create`` example in its order, with the values the stand-in always
# sends; ``build`` fills in the rest (None here) and ``recompute`` appends the totals.
REST_TEMPLATE = {
    "id": None,
    "admin_graphql_api_id": None,
    "app_id": None,
    "browser_ip": None,
    "buyer_accepts_marketing": False,
    "cancel_reason": None,
    "cancelled_at": None,
    "cart_token": None,
    "checkout_token": None,
    "client_details": None,
    "closed_at": None,
    "confirmation_number": None,
    "confirmed": True,
    "contact_email": None,
    "created_at": None,
    "currency": None,
    "customer_locale": "en",
    "device_id": None,
    "discount_codes": [],
    "duties_included": False,
    "email": None,
    "estimated_taxes": False,
    "financial_status": None,
    "fulfillment_status": None,
    "landing_site": None,
    "landing_site_ref": None,
    "location_id": None,
    "merchant_business_entity_id": "MTU0ODM4MDAwOQ",
    "merchant_of_record_app_id": None,
    "name": None,
    "note": None,
    "note_attributes": None,
    "number": None,
    "order_number": None,
    "order_status_url": None,
    "original_total_additional_fees_set": None,
    "original_total_duties_set": None,
    "payment_gateway_names": ["bogus"],
    "phone": None,
    "po_number": None,
    "presentment_currency": None,
    "processed_at": None,
    "reference": None,
    "referring_site": None,
    "source_identifier": None,
    "source_name": None,
    "source_url": None,
    "tags": None,
    "tax_exempt": False,
    "taxes_included": None,
    "test": None,
    "token": None,
    "total_tip_received": "0.00",
    "total_weight": 0,
    "updated_at": None,
    "user_id": None,
    "billing_address": None,
    "customer": None,
    "discount_applications": [],
    "fulfillments": [],
    "line_items": None,
    "payment_terms": None,
    "refunds": [],
    "shipping_address": None,
    "shipping_lines": None,
    "returns": [],
    "line_item_groups": [],
}


def build(store: Store, shop: Shop, spec: dict, number: int) -> dict:
    """A new order record (not stored) from the compact spec; ``number`` 1 is ``#1001``."""
    created = local_iso(shop, parse_time(spec.get("created_at"), store.clock()))
    meta = _meta(shop, spec)
    cur = currency_of({"meta": meta})
    specs = list(spec.get("line_items") or [])
    gross = [cents(s.get("price", "0")) * int(s.get("quantity", 1)) for s in specs]
    code = spec.get("discount_code") or None
    allocations = allocate(discount_total(code, sum(gross, ZERO)), gross)
    lines = [make_line(store, cur, s, a, meta) for s, a in zip(specs, allocations, strict=True)]
    order_id = big_id(store)
    customer = customer_for(store, shop, spec.get("customer_id"), created, spec.get("email"))
    shipping = cents(meta["shipping"])
    rest = copy.deepcopy(REST_TEMPLATE)
    rest.update(_header(shop, spec, number, order_id, created, customer["email"], meta))
    name = str(spec.get("customer_id") or "Guest")
    rest.update(
        billing_address=address(name),
        customer=customer_json(customer, shop.currency),
        line_items=lines,
        shipping_address=address(name),
        shipping_lines=[shipping_line(store, cur, shipping)] if shipping > 0 else [],
    )
    if code:
        rest.update(_discount_code(code))
    record = {"id": order_id, "rest": rest, "meta": meta}
    recompute(record)
    return record


def place(store: Store, shop: Shop, spec: dict) -> tuple[dict, list[tuple[str, dict]]]:
    """Build the shop's next order from ``spec`` and store it; returns the record and its events,
    ``orders/create`` and (when paid) ``orders/paid``. Callers that send or copy the events hold
    ``store.lock`` around this call, so no change to the order slips in before."""
    with store.lock:
        number = len(shop.records.get(KIND, {})) + 1
        record = build(store, shop, spec, number)
        store.put_record(shop, KIND, record["id"], record)
    events = [("orders/create", record["rest"])]
    if record["rest"]["financial_status"] == "paid":
        events.append(("orders/paid", record["rest"]))
    return record, events


def _meta(shop: Shop, spec: dict) -> dict:
    """What the stand-in keeps beside the REST order: its currencies, tax and shipping as asked."""
    presentment = (spec.get("presentment_currency") or shop.currency).upper()
    rate = dec(spec.get("rate") or "1") if presentment != shop.currency else Decimal("1")
    return {
        "currency": shop.currency,
        "presentment": presentment,
        "rate": str(rate),
        "tax_rate": spec.get("tax_rate"),
        "taxes_included": bool(spec.get("taxes_included")),
        "shipping": amt(spec.get("shipping") or "0"),
        "customer_key": spec.get("customer_id"),
    }


def _header(shop: Shop, spec: dict, number: int, order_id: int, created: str, email: str, meta: dict) -> dict:
    """The order's own fields (ids, number, times, status, where it came from)."""
    token = f"{order_id:x}"
    return {
        "id": order_id,
        "admin_graphql_api_id": gid("Order", order_id),
        "confirmation_number": f"C{order_id % 10**9:09d}",
        "contact_email": email,
        "created_at": created,
        "currency": shop.currency,
        "email": email,
        "financial_status": spec.get("financial_status") or "paid",
        "landing_site": spec.get("landing_site"),
        "landing_site_ref": spec.get("landing_site_ref"),
        "cart_token": spec.get("cart_token"),
        "checkout_token": spec.get("checkout_token"),
        "name": f"#{FIRST_ORDER_NUMBER - 1 + number}",
        "note": spec.get("note"),
        "note_attributes": [
            {"name": str(a["name"]), "value": str(a["value"])} for a in spec.get("note_attributes") or []
        ],
        "number": number,
        "order_number": FIRST_ORDER_NUMBER - 1 + number,
        "order_status_url": f"https://{shop.domain}/{shop.numeric_id}/orders/{token}/authenticate?key={token[::-1]}",
        "presentment_currency": meta["presentment"],
        "processed_at": created,
        "referring_site": spec.get("referring_site"),
        "source_name": spec.get("source_name") or "web",
        "tags": spec["tags"] if isinstance(spec.get("tags"), str) else ", ".join(spec.get("tags") or []),
        "taxes_included": meta["taxes_included"],
        "test": bool(spec.get("test")),
        "token": token,
        "updated_at": created,
    }


def _discount_code(code: dict) -> dict:
    """``discount_applications`` and ``discount_codes`` of an order placed with ``code``."""
    value_type = code.get("type", "percentage")
    application = {
        "type": "discount_code",
        "code": str(code["code"]),
        "value": str(code.get("value", "0")),
        "value_type": value_type,
        "allocation_method": "across",
        "target_selection": "all",
        "target_type": "line_item",
    }
    return {
        "discount_applications": [application],
        "discount_codes": [{"code": str(code["code"]), "amount": "0.00", "type": value_type}],
    }
