"""Webhooks: verified, stored once, processed once; lifecycle and privacy topics do what they say."""

from __future__ import annotations

import json
import uuid

import requests
from sqlalchemy import func, select
from support import API_SECRET, bearer, install

from shopify_roi.models import Shop, WebhookDelivery
from shopify_roi.shopify_client.webhook_hmac import sign


def _post(app_url, path, topic, shop, body: dict, secret=API_SECRET, webhook_id=None):
    raw = json.dumps(body).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-Hmac-Sha256": sign(raw, secret),
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
    }
    return requests.post(f"{app_url}{path}", data=raw, headers=headers, timeout=60)


def _deliveries(runtime, shop=None, topic=None):
    """Deliveries stored for a shop (the install's own backfill adds a bulk_operations/finish)."""
    with runtime.db.session() as session:
        q = select(WebhookDelivery)
        if shop:
            q = q.where(WebhookDelivery.shop_domain == shop)
        if topic:
            q = q.where(WebhookDelivery.topic == topic)
        rows = list(session.scalars(q))
        session.expunge_all()
        return rows


def test_wrong_hmac_is_401_and_stores_nothing(app_server, runtime, shop_domain):
    for path, topic in (
        ("/webhooks/app", "app/uninstalled"),
        ("/webhooks/compliance", "shop/redact"),
        ("/webhooks/compliance", "customers/redact"),
        ("/webhooks/compliance", "customers/data_request"),
    ):
        resp = _post(
            app_server.url, path, topic, shop_domain, {"shop_domain": shop_domain}, secret="wrong-secret"
        )
        assert resp.status_code == 401
    raw = b'{"shop_id": 1}'
    unsigned = requests.post(
        f"{app_server.url}/webhooks/app",
        data=raw,
        timeout=60,
        headers={
            "X-Shopify-Topic": "app/uninstalled",
            "X-Shopify-Shop-Domain": shop_domain,
            "X-Shopify-Webhook-Id": "x",
        },
    )
    assert unsigned.status_code == 401
    assert _deliveries(runtime, shop_domain) == []


def test_same_webhook_twice_is_processed_once(app_server, runtime, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    first = stand_in.control.send_webhook(
        shop_domain,
        "app/scopes_update",
        {
            "id": 1,
            "shop_id": "gid://shopify/Shop/1",
            "previous": [],
            "current": ["read_orders"],
            "updated_at": "2026-11-24T10:00:00.000Z",
        },
    )
    again = stand_in.control.send_webhook(shop_domain, "app/scopes_update", webhook_id=first["webhook_id"])
    assert first["status_code"] == 200 and again["status_code"] == 200
    runtime.jobs.drain()
    rows = _deliveries(runtime, shop_domain, "app/scopes_update")
    assert len(rows) == 1 and rows[0].status == "processed" and rows[0].attempts == 1
    with runtime.db.session() as session:
        assert session.scalar(select(Shop.scopes).where(Shop.domain == shop_domain)) == "read_orders"


def test_uninstall_stops_the_shop_at_once_and_the_api_asks_to_reinstall(
    app_server, runtime, stand_in, shop_domain
):
    install(app_server.url, shop_domain)
    token = stand_in.control.session_token(shop_domain)  # minted while still installed
    delivery = stand_in.control.uninstall(shop_domain)
    assert delivery["status_code"] == 200
    # No worker has run yet: the shop is already uninstalled and its tokens are gone.
    with runtime.db.session() as session:
        shop = session.scalar(select(Shop).where(Shop.domain == shop_domain))
        assert (
            shop.uninstalled_at is not None
            and shop.access_token_enc is None
            and shop.refresh_token_enc is None
        )
    resp = requests.get(f"{app_server.url}/api/shop", headers=bearer(token), timeout=60)
    assert resp.status_code == 401
    assert resp.json()["error"] == "reinstall_required"
    assert resp.headers["X-Shopify-API-Request-Failure-Reauthorize-Url"].endswith(f"/auth?shop={shop_domain}")
    # Queued work for the shop stops: the install job finds no token and does nothing.
    runtime.jobs.drain()
    assert stand_in.control.graphql_log(shop_domain) == []


def test_reinstall_after_uninstall_works(app_server, runtime, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    stand_in.control.uninstall(shop_domain)
    assert install(app_server.url, shop_domain).status_code == 302
    resp = requests.get(
        f"{app_server.url}/api/shop", headers=bearer(stand_in.control.session_token(shop_domain)), timeout=10
    )
    assert resp.status_code == 200


def test_shop_redact_erases_the_shops_data_and_only_that_shop(app_server, runtime, stand_in, shop_domain):
    other = f"keep-{shop_domain}"
    stand_in.control.create_shop(other)
    for shop in (shop_domain, other):
        install(app_server.url, shop)
        stand_in.control.send_webhook(
            shop,
            "app/scopes_update",
            {
                "id": 1,
                "shop_id": "gid://shopify/Shop/1",
                "previous": [],
                "current": ["read_orders"],
                "updated_at": "2026-11-24T10:00:00.000Z",
            },
        )
    stand_in.control.uninstall(shop_domain)
    stand_in.control.send_webhook(shop_domain, "shop/redact")
    runtime.jobs.drain()
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Shop).where(Shop.domain == shop_domain)) == 0
        assert session.scalar(select(func.count()).select_from(Shop).where(Shop.domain == other)) == 1
    left = _deliveries(runtime, shop_domain)
    assert [d.topic for d in left] == ["shop/redact"] and left[
        0
    ].payload is None  # only the request's own receipt
    assert "app/scopes_update" in [d.topic for d in _deliveries(runtime, other)]  # untouched


def test_customer_redact_forgets_stored_bodies_naming_the_customer(
    app_server, runtime, stand_in, shop_domain
):
    install(app_server.url, shop_domain)
    sent = stand_in.control.send_webhook(shop_domain, "customers/redact")
    runtime.jobs.drain()
    (row,) = [d for d in _deliveries(runtime, shop_domain) if d.webhook_id == sent["webhook_id"]]
    assert row.status == "processed" and row.payload is None  # the request's e-mail and phone are not kept


def test_customer_data_request_reports_what_is_held(app_server, runtime, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    sent = stand_in.control.send_webhook(shop_domain, "customers/data_request")
    runtime.jobs.drain()
    (row,) = [d for d in _deliveries(runtime, shop_domain) if d.webhook_id == sent["webhook_id"]]
    assert row.status == "processed"
    report = json.loads(row.result)
    assert report["stored_webhooks"] == [] and report["orders"] == []


def test_malformed_payload_with_valid_hmac_is_acknowledged_and_fails_readably(
    app_server, runtime, shop_domain
):
    install(app_server.url, shop_domain)
    raw = b'{"id": 1, "current": ["read_ord'  # truncated
    headers = {
        "X-Shopify-Topic": "app/scopes_update",
        "X-Shopify-Shop-Domain": shop_domain,
        "X-Shopify-Hmac-Sha256": sign(raw, API_SECRET),
        "X-Shopify-Webhook-Id": "trunc-1",
    }
    resp = requests.post(f"{app_server.url}/webhooks/app", data=raw, headers=headers, timeout=60)
    assert resp.status_code == 200  # Shopify would retry a non-2xx for hours; the body will not improve
    runtime.jobs.drain()
    (row,) = _deliveries(runtime, shop_domain, "app/scopes_update")
    assert row.status == "failed" and "not valid JSON" in row.error
    with runtime.db.session() as session:
        assert (
            session.scalar(select(Shop.scopes).where(Shop.domain == shop_domain))
            == "read_orders,write_discounts,read_customers,read_products,read_inventory"
        )


def test_lost_queue_entry_is_recovered_by_the_sweeper(app_server, runtime, stand_in, shop_domain):
    from datetime import timedelta

    from shopify_roi.jobs.schedules import sweep_inbox

    install(app_server.url, shop_domain)
    stand_in.control.send_webhook(
        shop_domain,
        "app/scopes_update",
        {
            "id": 1,
            "shop_id": "gid://shopify/Shop/1",
            "previous": [],
            "current": ["read_orders"],
            "updated_at": "2026-11-24T10:00:00.000Z",
        },
    )
    runtime.jobs.queue.empty()  # the acknowledged webhook's job is lost (as in a Redis restart)
    # The stand-in is shared by the whole session: a late webhook of an earlier test's shop (a delayed
    # or retried delivery) may land here too. The sweeper takes every unprocessed delivery, whichever.
    unprocessed = {r.id for r in _deliveries(runtime) if r.status == "received"}
    (row,) = _deliveries(runtime, shop_domain, "app/scopes_update")
    assert row.id in unprocessed
    assert sweep_inbox(runtime, older_than=timedelta(0)) >= len(unprocessed)
    runtime.jobs.drain()
    assert not [r for r in _deliveries(runtime) if r.id in unprocessed and r.status == "received"]
    (row,) = _deliveries(runtime, shop_domain, "app/scopes_update")
    assert row.status == "processed"
