"""A signed compliance body names its shop (`shop_domain`); only the header
`X-Shopify-Shop-Domain` says where it applies, and the HMAC signs the body alone. A body naming
another shop (one shop's redaction request replayed against another) is acknowledged as Shopify
expects, recorded `failed` with the reason, and changes nothing."""

from __future__ import annotations

import json
import uuid

import requests
from support import API_SECRET, install

from shopify_roi.shopify_client.webhook_hmac import sign


def _deliver(hostile, topic: str, header_shop: str, body: dict) -> tuple[requests.Response, str]:
    raw = json.dumps(body).encode()
    webhook_id = str(uuid.uuid4())
    resp = requests.post(
        f"{hostile.url}/webhooks/compliance",
        data=raw,
        headers={
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Shop-Domain": header_shop,
            "X-Shopify-Hmac-Sha256": sign(raw, API_SECRET),
            "X-Shopify-API-Version": "2026-10",
            "X-Shopify-Webhook-Id": webhook_id,
        },
        timeout=60,
    )
    return resp, webhook_id


def _victim(hostile) -> tuple[str, dict]:
    """A shop with an order of a customer, uninstalled (a genuine shop/redact would erase it)."""
    shop = f"victim-{uuid.uuid4().hex[:8]}.myshopify.com"
    hostile.stand_in.control.create_shop(shop, scopes="read_orders,write_discounts,read_customers")
    assert install(hostile.url, shop).status_code == 302
    hostile.runtime.jobs.drain()
    order = hostile.stand_in.control.create_order(
        shop, customer_id=7201, line_items=[{"title": "Trail shoe", "price": "80.00", "quantity": 1}]
    )
    hostile.runtime.jobs.drain()
    hostile.stand_in.control.uninstall(shop)
    hostile.runtime.jobs.drain()
    return shop, order


def _receipt(hostile, shop: str, webhook_id: str) -> dict:
    (row,) = hostile.stored.rows("webhook_deliveries", shop_domain=shop, webhook_id=webhook_id)
    return row


def test_a_compliance_body_naming_another_shop_is_refused_and_changes_nothing(hostile):
    victim, order = _victim(hostile)
    before = hostile.stored.digest(exclude=("webhook_deliveries",))
    other = hostile.shop  # the shop the replayed bodies were sent for
    customer_id = order["customer"]["id"]
    customer = {"id": customer_id, "email": "c@example.com", "phone": "555-0101"}
    bodies = {
        "shop/redact": {"shop_id": 1, "shop_domain": other},
        "customers/redact": {
            "shop_id": 1,
            "shop_domain": other,
            "customer": customer,
            "orders_to_redact": [order["id"]],
        },
        "customers/data_request": {
            "shop_id": 1,
            "shop_domain": other,
            "customer": customer,
            "orders_requested": [order["id"]],
            "data_request": {"id": 1},
        },
    }
    sent = {}
    for topic, body in bodies.items():
        resp, sent[topic] = _deliver(hostile, topic, victim, body)
        assert resp.status_code == 200  # acknowledged: Shopify would retry it for hours unchanged
    hostile.runtime.jobs.drain()

    assert hostile.stored.digest(exclude=("webhook_deliveries",)) == before  # the victim's data untouched
    for topic, webhook_id in sent.items():
        row = _receipt(hostile, victim, webhook_id)
        assert row["status"] == "failed", (topic, row["status"], row["result"])
        assert other in row["error"] and victim in row["error"]
        assert row["result"] is None  # no data request report either
    assert hostile.stored.rows("orders", shopify_id=str(order["id"]))[0]["customer_id"] == str(customer_id)


def test_a_compliance_body_without_a_shop_is_refused(hostile):
    victim, _ = _victim(hostile)
    before = hostile.stored.digest(exclude=("webhook_deliveries",))
    resp, webhook_id = _deliver(hostile, "shop/redact", victim, {"shop_id": 1})
    assert resp.status_code == 200
    hostile.runtime.jobs.drain()
    assert hostile.stored.digest(exclude=("webhook_deliveries",)) == before
    row = _receipt(hostile, victim, webhook_id)
    assert row["status"] == "failed" and "shop_domain" in row["error"]


def test_the_shops_own_request_still_works(hostile):
    victim, _ = _victim(hostile)
    resp, webhook_id = _deliver(hostile, "shop/redact", victim, {"shop_id": 1, "shop_domain": victim})
    assert resp.status_code == 200
    hostile.runtime.jobs.drain()
    assert _receipt(hostile, victim, webhook_id)["status"] == "processed"
    assert hostile.stored.rows("shops", domain=victim) == []
