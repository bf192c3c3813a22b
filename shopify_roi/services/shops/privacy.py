"""The privacy topics Shopify requires of every app (shopify-platform.md 2.4): `customers/data_request`,
`customers/redact` and `shop/redact`.

Each handler takes (session, delivery, payload) and returns a readable result. Customer facts arrive
with the order pipeline: Shopify's customer id on each order (to find a customer's first order and
repeat orders) and the order's attribution signals (codes, the landing page's UTMs, the referrer, note
attributes); the inbox keeps the webhook bodies.

`customers/redact` keeps the orders as anonymous facts: the customer id becomes a random
placeholder shared by that customer's orders only, so first-order and repeat figures are
unchanged, and the signals keep only what attribution reads.
"""

from __future__ import annotations

import json
import re
import secrets

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from shopify_roi.db import Base
from shopify_roi.models import CustomerHistory, MetafieldWrite, OAuthState, Order, Shop, WebhookDelivery
from shopify_roi.models.metafield import CUSTOMER
from shopify_roi.models.order import REDACTED_PREFIX
from shopify_roi.services.orders.signals import anonymous_signals
from shopify_roi.services.shops import install_generations
from shopify_roi.services.shops.lookup import shop_by_domain
from shopify_roi.services.shops.named_shop import require_same_shop
from shopify_roi.services.webhooks.inbox import PayloadError, parse_payload
from shopify_roi.timefmt import iso

PRIVACY_TOPICS = ("customers/data_request", "customers/redact", "shop/redact")
_ID_RE = re.compile(r"[0-9]{1,20}")
MAX_IDS = 10_000


def _is_id(value) -> bool:
    return (
        not isinstance(value, bool) and isinstance(value, (int, str)) and bool(_ID_RE.fullmatch(str(value)))
    )


def _customer_id(payload: dict) -> str:
    customer = payload.get("customer")
    if not isinstance(customer, dict) or customer.get("id") in (None, ""):
        raise PayloadError("`customer.id` is missing")
    if not _is_id(customer["id"]):
        raise PayloadError("`customer.id` must be an integer id")
    return str(customer["id"])


def _order_ids(payload: dict, key: str) -> list[str]:
    """`orders_to_redact` / `orders_requested`: a list of order ids (absent: none)."""
    raw = payload.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_IDS or not all(_is_id(v) for v in raw):
        raise PayloadError(f"`{key}` must be a list of order ids")
    return sorted({str(v) for v in raw})


def _deliveries_mentioning(
    session: Session, shop: str, customer_id: str, order_ids: list[str] = ()
) -> list[WebhookDelivery]:
    """Stored webhook bodies of this shop that name the customer (by id) or one of these orders."""
    needles = [customer_id, *order_ids]
    rows: dict[int, WebhookDelivery] = {}
    for start in range(0, len(needles), 50):  # a text search per id: a bounded OR per query
        rows.update(
            (row.id, row)
            for row in session.scalars(
                select(WebhookDelivery)
                .where(
                    WebhookDelivery.shop_domain == shop,
                    WebhookDelivery.payload.is_not(None),
                    WebhookDelivery.topic.not_in(PRIVACY_TOPICS),
                    or_(*(WebhookDelivery.payload.contains(n) for n in needles[start : start + 50])),
                )
                .order_by(WebhookDelivery.id)
            )
        )
    found = []
    for row in rows.values():
        try:
            body = parse_payload(row.payload)
        except PayloadError:
            continue  # not JSON: names nobody we can tell
        customer = body.get("customer")
        if (
            isinstance(customer, dict)
            and str(customer.get("id")) == customer_id
            or str(body.get("id")) in order_ids
            or str(body.get("order_id")) in order_ids
        ):
            found.append(row)
    return found


def _orders_of(session: Session, shop_domain: str, customer_id: str, order_ids: list[str]) -> list[Order]:
    shop = shop_by_domain(session, shop_domain)
    if shop is None:
        return []
    shop_id = shop.id
    found = {
        o.id: o
        for o in session.scalars(
            select(Order).where(Order.shop_id == shop_id, Order.customer_id == customer_id)
        )
    }
    for start in range(0, len(order_ids), 500):
        found.update(
            (o.id, o)
            for o in session.scalars(
                select(Order).where(
                    Order.shop_id == shop_id, Order.shopify_id.in_(order_ids[start : start + 500])
                )
            )
        )
    return sorted(found.values(), key=lambda o: (o.created_at, o.id))


def on_customer_data_request(session: Session, delivery: WebhookDelivery, payload: dict) -> str:
    """Report what the app holds on the customer (the merchant forwards it): their orders with the
    facts kept about each, and the stored webhooks naming them."""
    require_same_shop(payload, "shop_domain", delivery.shop_domain)
    customer_id = _customer_id(payload)
    requested = _order_ids(payload, "orders_requested")
    held = _deliveries_mentioning(session, delivery.shop_domain, customer_id, requested)
    orders = [
        o
        for o in _orders_of(session, delivery.shop_domain, customer_id, requested)
        if o.customer_id == customer_id or not (o.customer_id or "").startswith(REDACTED_PREFIX)
    ]
    report = {
        "customer_id": customer_id,
        "orders": [
            {
                "order_id": o.shopify_id,
                "name": o.name,
                "created_at": iso(o.created_at),
                "revenue": str(o.revenue),
                "currency": o.currency,
                "first_order": bool(o.is_first),
                "attribution_signals": json.loads(o.signals or "{}"),
            }
            for o in orders
        ],
        "stored_webhooks": [{"topic": d.topic, "received_at": iso(d.received_at)} for d in held],
        "shopify_metafields": _metafields_written(session, delivery.shop_domain, customer_id),
    }
    return json.dumps(report)


def _metafields_written(session: Session, shop_domain: str, customer_id: str) -> dict:
    """What the app wrote to the customer's own metafields in Shopify (acquired_by, first_order_date)."""
    shop = shop_by_domain(session, shop_domain)
    row = shop and session.scalar(
        select(MetafieldWrite).where(
            MetafieldWrite.shop_id == shop.id,
            MetafieldWrite.owner == CUSTOMER,
            MetafieldWrite.shopify_id == customer_id,
        )
    )
    return json.loads(row.written) if row is not None else {}


def on_customer_redact(session: Session, delivery: WebhookDelivery, payload: dict) -> str:
    """Forget the customer. Their orders stay as anonymous facts: the customer id becomes one random
    placeholder for all of them (first-order and repeat figures do not change) and the signals keep
    only what attribution reads. Stored webhook bodies naming them or their orders are erased. The creator
    metafields the app wrote on the customer in Shopify are deleted by the metafield job this delivery
    queues (services/orders/metafield_sync.py: the customer no longer has attributed orders)."""
    require_same_shop(payload, "shop_domain", delivery.shop_domain)
    customer_id = _customer_id(payload)
    order_ids = _order_ids(payload, "orders_to_redact")
    held = _deliveries_mentioning(session, delivery.shop_domain, customer_id, order_ids)
    for row in held:
        row.payload = None
    placeholder = REDACTED_PREFIX + secrets.token_hex(8)
    orders = _orders_of(session, delivery.shop_domain, customer_id, order_ids)
    for order in orders:
        if order.customer_id == customer_id:
            order.customer_id = placeholder
        order.signals = anonymous_signals(order.signals)
    shop = shop_by_domain(session, delivery.shop_domain)
    if (
        shop is not None
    ):  # what Shopify counted of their history goes with their orders (a returning customer stays one)
        session.execute(
            update(CustomerHistory)
            .where(CustomerHistory.shop_id == shop.id, CustomerHistory.customer_id == customer_id)
            .values(customer_id=placeholder)
        )
    session.flush()
    return f"erased {len(held)} stored webhook bodies and anonymised {len(orders)} orders of a customer"


def on_shop_redact(session: Session, delivery: WebhookDelivery, payload: dict) -> str:
    """Erase the shop's data. Shopify sends this 48 hours after an uninstall and not at all after a
    reinstall, so a shop installed again (since the request was triggered) keeps what it has."""
    require_same_shop(payload, "shop_domain", delivery.shop_domain)
    shop = shop_by_domain(session, delivery.shop_domain)
    if shop is not None and shop.is_installed:
        return "not erased: the shop has installed the app again"
    stale = install_generations.superseded(shop, delivery.triggered_at)
    if stale:
        return "not erased: " + stale  # a request of an earlier install (the shop came back since)
    counts = redact_shop(session, delivery.shop_domain, keep_delivery_id=delivery.id)
    return "erased " + (
        ", ".join(f"{n} {table}" for table, n in counts.items()) or "nothing (nothing was held)"
    )


def redact_shop(session: Session, domain: str, keep_delivery_id: int | None = None) -> dict:
    """`shop/redact`: erase everything the app holds for the shop. Idempotent.

    `keep_delivery_id` spares the redaction request's own receipt (it holds no personal data),
    so a repeated delivery of it is still recognised as a duplicate.
    """
    deliveries = delete(WebhookDelivery).where(WebhookDelivery.shop_domain == domain)
    if keep_delivery_id is not None:
        deliveries = deliveries.where(WebhookDelivery.id != keep_delivery_id)
    counts = {
        "webhook_deliveries": session.execute(deliveries).rowcount,
        "oauth_states": session.execute(delete(OAuthState).where(OAuthState.shop_domain == domain)).rowcount,
    }
    shop = shop_by_domain(session, domain)
    if shop is not None:
        shop_id = shop.id
        # Every table that holds a shop_id, children first, named here rather than left to ON DELETE
        # CASCADE: a table added later without the cascade is still erased.
        for table in reversed(Base.metadata.sorted_tables):
            if "shop_id" in table.c:
                counts[table.name] = session.execute(delete(table).where(table.c.shop_id == shop_id)).rowcount
    counts["shops"] = session.execute(delete(Shop).where(Shop.domain == domain)).rowcount
    session.flush()
    return {table: n for table, n in counts.items() if n}


HANDLERS = {
    "customers/data_request": on_customer_data_request,
    "customers/redact": on_customer_redact,
    "shop/redact": on_shop_redact,
}
