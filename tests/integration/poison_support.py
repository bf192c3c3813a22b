"""What the poison tests share: installed shops in a time zone of their choosing, orders whose webhooks the
stand-in holds back and sends again when told, a held delivery sent again with its order's id and dates
changed (signed by the stand-in, as Shopify signs), and the inbox's rows of a shop."""

from __future__ import annotations

import copy
import uuid
from decimal import Decimal

from sqlalchemy import select
from support import Merchant, finish_backfills, install  # noqa: F401 (the poison tests import it from here)

from shopify_roi.models import WebhookDelivery


def installed_shop(app_server, stand_in, timezone: str) -> Merchant:
    """A new shop in `timezone` on the stand-in, installed through the real OAuth flow."""
    domain = f"poison-{uuid.uuid4().hex[:10]}.myshopify.com"
    stand_in.control.create_shop(
        domain,
        name="Poison Test Shop",
        currency="EUR",
        timezone=timezone,
        scopes="read_orders,write_discounts,read_customers",
    )
    assert install(app_server.url, domain).status_code == 302
    return Merchant(app_server.url, stand_in, domain)


def order_spec(price: str, customer: int, created_at: str = "2026-03-04T12:00:00-05:00", **extra) -> dict:
    """One line of `price` x 1, no tax, no discount unless `extra` says so: its revenue is `price`."""
    return {
        "created_at": created_at,
        "customer_id": customer,
        "line_items": [{"title": "Trail shoe", "price": price, "quantity": 1}],
        **extra,
    }


def hold_orders(stand_in, shop: str, specs: list[dict]) -> tuple[list[dict], list[dict]]:
    """Place these orders with the shop's webhooks held back: (the orders' REST JSON, their held
    orders/create deliveries, each with its topic, webhook id and payload; the rest are dropped)."""
    before = {d["webhook_id"] for d in stand_in.control.deliveries(shop)}
    stand_in.control.faults(shop, webhooks={"drop": 1.0, "seed": 1})
    orders = []
    for spec in specs:
        placed = stand_in.control.create_order(shop, **spec)
        orders.append(placed.get("order", placed))
    held = [
        d
        for d in stand_in.control.deliveries(shop)
        if d["topic"] == "orders/create" and d["webhook_id"] not in before
    ]
    stand_in.control.reset_faults(shop)
    return orders, held


def send_again(stand_in, shop: str, held: list[dict]) -> None:
    """Deliver the held webhooks now, in the order they were made."""
    for delivery in held:
        sent = stand_in.control.send_webhook(shop, delivery["topic"], webhook_id=delivery["webhook_id"])
        assert sent["status_code"] == 200, sent


def send_with_dates(stand_in, shop: str, template: dict, order_id: int, when: str, webhook_id: str) -> None:
    """A held orders/create sent as the create of another order (`order_id`, line ids moved along) made
    and last updated at `when`, signed by the stand-in as Shopify signs its webhooks."""
    body = copy.deepcopy(template["payload"])
    body.update(id=order_id, created_at=when, updated_at=when, processed_at=when, name=f"#{order_id}")
    for line in body["line_items"]:
        line["id"] = int(line["id"]) + order_id
    sent = stand_in.control.send_webhook(shop, "orders/create", payload=body, webhook_id=webhook_id)
    assert sent["status_code"] == 200, sent


def inbox_rows(runtime, shop: str) -> dict[str, tuple[str, str | None, int]]:
    """webhook id -> (status, error, attempts) of the shop's order deliveries."""
    with runtime.db.session() as session:
        rows = session.execute(
            select(
                WebhookDelivery.webhook_id,
                WebhookDelivery.status,
                WebhookDelivery.error,
                WebhookDelivery.attempts,
            ).where(WebhookDelivery.shop_domain == shop, WebhookDelivery.topic.like("orders/%"))
        ).all()
    return {webhook_id: (status, error, attempts) for webhook_id, status, error, attempts in rows}


def march_totals(merchant: Merchant) -> tuple[int, Decimal]:
    """(orders, revenue) of the shop's all-orders row of the ROI table for March 2026 (asserted 200)."""
    resp = merchant.get("/api/metrics/creators?from=2026-03-01&to=2026-03-31&as_of=2026-03-31")
    assert resp.status_code == 200, resp.text
    totals = resp.json()["totals"]
    return totals["orders"], Decimal(totals["revenue"])
