"""A shop's customers as orders carry them: the record made at a customer's first order, and the
order's embedded ``customer`` and addresses as Shopify's ``orders/create`` example has them."""

from __future__ import annotations

from devstore.orders.money import big_id, gid
from devstore.store.state import Shop, Store

CUSTOMERS = "customers"


def customer_for(store: Store, shop: Shop, key, moment: str, email: str | None = None) -> dict:
    """The shop's customer for the spec's ``customer_id`` (created at its first order). A
    guest (None) gets a customer of its own, as Shopify makes one from a guest checkout's
    email (``state: disabled``); it never comes back. A guest checkout with an ``email`` (the
    storefront's) is the customer of that email, the same one at every order with it."""
    if key is None and email:
        key = email.strip().lower()
    if key is None:
        key = f"guest-{store.next_id()}"
    with store.lock:
        known = shop.records.get(CUSTOMERS, {}).get(key)
        if known is None:
            cid = big_id(store)
            address = email.strip() if email else f"customer{key}@example.com"
            known = {"key": key, "id": cid, "created_at": moment, "email": address}
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


def address(name: str) -> dict:
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
