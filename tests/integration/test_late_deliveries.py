"""A delivery triggered longer ago than WEBHOOK_REPLAY_WINDOW_HOURS is not applied (it is a replay, or a
delivery Shopify held back for days), but it is not silently dropped either: the Store connection tab
(`GET /api/freshness`) lists it with the reason, and the nightly reconciliation looks back far enough
to bring what it carried (orders updated since it was triggered)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select
from support import API_SECRET, Merchant, finish_backfills, install

from shopify_roi.db import utcnow
from shopify_roi.jobs import schedules
from shopify_roi.models import Order, Shop
from shopify_roi.shopify_client.webhook_hmac import sign


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _held_orders(runtime, shop: str) -> list[str]:
    with runtime.db.session() as session:
        shop_id = session.scalar(select(Shop.id).where(Shop.domain == shop))
        return sorted(session.scalars(select(Order.shopify_id).where(Order.shop_id == shop_id)))


def _late_order(app_server, runtime, stand_in, merchant, shop: str, days: int = 3) -> tuple[dict, dict]:
    """An order placed `days` ago whose orders/create Shopify delivers only now (with the trigger time
    it was given then). Returns (the order, the delivery as sent)."""
    finish_backfills(runtime, merchant)  # the install's backfill: the last reconciliation is now
    stand_in.control.faults(shop, webhooks={"drop": 1.0, "seed": 5})
    placed = utcnow() - timedelta(days=days)
    order = stand_in.control.create_order(
        shop,
        created_at=placed.strftime("%Y-%m-%dT%H:%M:%SZ"),
        customer_id=7301,
        line_items=[{"title": "Trail shoe", "price": "80.00", "quantity": 1}],
    )
    stand_in.control.reset_faults(shop)
    (logged,) = [d for d in stand_in.control.deliveries(shop) if d["topic"] == "orders/create"]
    sent = {
        "webhook_id": logged["webhook_id"],
        "triggered_at": placed.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }
    raw = json.dumps(logged["payload"]).encode()
    resp = requests.post(
        f"{app_server.url}/webhooks/orders",
        data=raw,
        headers={
            "Content-Type": "application/json",
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Shop-Domain": shop,
            "X-Shopify-Hmac-Sha256": sign(raw, API_SECRET),
            "X-Shopify-API-Version": "2026-10",
            "X-Shopify-Webhook-Id": sent["webhook_id"],
            "X-Shopify-Triggered-At": sent["triggered_at"],
        },
        timeout=60,
    )
    assert resp.status_code == 200  # acknowledged: Shopify would retry it otherwise
    runtime.jobs.drain()
    assert _held_orders(runtime, shop) == []  # not applied
    return order, sent


def test_a_late_delivery_is_listed_with_its_reason(app_server, runtime, stand_in, shop_domain, merchant):
    _, sent = _late_order(app_server, runtime, stand_in, merchant, shop_domain)
    fresh = merchant.get("/api/freshness").json()
    (late,) = fresh["late_webhooks"]
    assert (late["topic"], late["webhook_id"], late["triggered_at"]) == (
        "orders/create",
        sent["webhook_id"],
        sent["triggered_at"],
    )
    assert "48-hour replay window" in late["reason"] and "nightly reconciliation" in late["reason"]
    assert fresh["failed_webhooks"] == []  # late, not failed


def test_the_nightly_reconciliation_brings_what_a_late_delivery_carried(
    app_server, runtime, stand_in, shop_domain, merchant
):
    order, _ = _late_order(app_server, runtime, stand_in, merchant, shop_domain)
    # The last reconciliation (the install's) ran minutes ago: a nightly one would look back a day only,
    # and the order was last updated three days ago.
    assert schedules.reconcile_nightly(runtime) == 1
    runs = finish_backfills(runtime, merchant)
    assert (runs[0]["kind"], runs[0]["status"], runs[0]["orders_repaired"]) == ("nightly", "done", 1)
    assert _held_orders(runtime, shop_domain) == [str(order["id"])]
