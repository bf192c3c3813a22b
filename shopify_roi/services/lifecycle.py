"""Handlers for the app-lifecycle and privacy topics (shopify-platform.md 2.4).

Each takes (session, delivery, payload) and returns a readable result. The app stores, per shop:
its tokens and settings, and the webhook inbox. Customer facts (ids and first-order dates only)
arrive with the order pipeline; redaction covers what exists.
"""
from __future__ import annotations

import json

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import Order, Shop, WebhookDelivery
from . import installs
from .inbox import PayloadError

PRIVACY_TOPICS = ("customers/data_request", "customers/redact", "shop/redact")


def on_uninstalled(session: Session, delivery: WebhookDelivery, payload: dict) -> str:
    installs.mark_uninstalled(session, delivery.shop_domain)
    return "tokens dropped, shop marked uninstalled"


def on_scopes_update(session: Session, delivery: WebhookDelivery, payload: dict) -> str:
    current = payload.get("current")
    if not isinstance(current, list) or not all(isinstance(s, str) for s in current):
        raise PayloadError("`current` must be a list of scope names")
    installs.apply_scopes_update(session, delivery.shop_domain, current)
    return "granted scopes now " + ",".join(current)


def _customer_id(payload: dict) -> str:
    customer = payload.get("customer")
    if not isinstance(customer, dict) or customer.get("id") in (None, ""):
        raise PayloadError("`customer.id` is missing")
    return str(customer["id"])


def _deliveries_mentioning(session: Session, shop: str, customer_id: str) -> list[WebhookDelivery]:
    """Stored webhook bodies of this shop that name the customer (by id)."""
    rows = session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.shop_domain == shop, WebhookDelivery.payload.is_not(None),
        WebhookDelivery.topic.not_in(PRIVACY_TOPICS), WebhookDelivery.payload.contains(customer_id)))
    found = []
    for row in rows:
        try:
            body = json.loads(row.payload)
        except ValueError:
            continue
        customer = body.get("customer") if isinstance(body, dict) else None
        if isinstance(customer, dict) and str(customer.get("id")) == customer_id:
            found.append(row)
    return found


def _shop_id(session: Session, domain: str) -> int | None:
    return session.scalar(select(Shop.id).where(Shop.domain == domain))


def on_customer_data_request(session: Session, delivery: WebhookDelivery, payload: dict) -> str:
    """Report what the app holds on the customer (the merchant forwards it): order ids and dates."""
    customer_id = _customer_id(payload)
    held = _deliveries_mentioning(session, delivery.shop_domain, customer_id)
    orders = session.execute(select(Order.shopify_id, Order.created_at).where(
        Order.shop_id == _shop_id(session, delivery.shop_domain), Order.customer_id == customer_id)).all()
    report = {"customer_id": customer_id,
              "orders": [{"order_id": oid, "created_at": created.isoformat()} for oid, created in orders],
              "stored_webhooks": [{"topic": d.topic, "received_at": d.received_at.isoformat()} for d in held]}
    return json.dumps(report)


def on_customer_redact(session: Session, delivery: WebhookDelivery, payload: dict) -> str:
    """Forget the customer: their id leaves the order facts (the orders stay, anonymous, so totals
    do not change) and stored webhook bodies naming them are erased."""
    customer_id = _customer_id(payload)
    held = _deliveries_mentioning(session, delivery.shop_domain, customer_id)
    for row in held:
        row.payload = None
    unlinked = session.execute(update(Order).where(Order.shop_id == _shop_id(session, delivery.shop_domain),
                                                   Order.customer_id == customer_id).values(customer_id=None)).rowcount
    return f"erased {len(held)} stored webhook bodies and unlinked {unlinked} orders of customer {customer_id}"


def on_shop_redact(session: Session, delivery: WebhookDelivery, payload: dict) -> str:
    counts = installs.redact_shop(session, delivery.shop_domain, keep_delivery_id=delivery.id)
    return "erased " + ", ".join(f"{n} {table}" for table, n in counts.items())


HANDLERS = {
    "app/uninstalled": on_uninstalled,
    "app/scopes_update": on_scopes_update,
    "customers/data_request": on_customer_data_request,
    "customers/redact": on_customer_redact,
    "shop/redact": on_shop_redact,
}
