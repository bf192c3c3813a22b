"""The app against Shopify's documented limits, played by the stand-in: the single-query cost limit,
the leaky bucket, protected customer data it is not approved for, and webhooks that share an event
id or come in another API version."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import requests
from rq.registry import FinishedJobRegistry
from sqlalchemy import select
from support import API_SECRET, Merchant, install

from shopify_roi.models import WebhookDelivery
from shopify_roi.shopify_client import customers
from shopify_roi.shopify_client.admin import AdminClient, QueryTooExpensive
from shopify_roi.shopify_client.webhook_hmac import sign


@pytest.fixture
def approval(stand_in):
    """The app's protected customer data approval, put back to level 1 after the test."""
    yield stand_in.control
    stand_in.control.customer_data(level=1)


def _client(runtime, shop: str, sleeps: list | None = None) -> AdminClient:
    from shopify_roi.services.shops.tokens import ShopTokens

    def sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)
        time.sleep(seconds)

    return AdminClient(
        shop=shop,
        origin_template=runtime.settings.origin_template,
        api_version="2026-10",
        token=ShopTokens(runtime, shop),
        sleep=sleep,
    )


def _deliveries(runtime, shop: str) -> list[WebhookDelivery]:
    with runtime.db.session() as session:
        rows = list(
            session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.shop_domain == shop)
                .order_by(WebhookDelivery.id)
            )
        )
        session.expunge_all()
        return rows


def test_a_query_over_1000_points_fails_at_once_and_is_not_sent_again(
    app_server, runtime, stand_in, shop_domain
):
    install(app_server.url, shop_domain)
    client = _client(runtime, shop_domain)
    # 2 + 250 x (Order 1 + lineItems (2 + 10 x 1)) = 3252 requested points
    query = "query Big { orders(first: 250) { nodes { id lineItems(first: 10) { nodes { id } } } } }"
    with pytest.raises(QueryTooExpensive) as refused:
        client.execute(query, operation_name="Big")
    assert (refused.value.cost, refused.value.max_cost) == (3252, 1000)
    assert "Query cost is 3252, which exceeds the single query max cost limit (1000)." in str(refused.value)
    assert [e["operation_name"] for e in stand_in.control.graphql_log(shop_domain)].count("Big") == 1
    assert client.retries == 0


def test_throttled_waits_for_the_points_it_lacks_at_the_restore_rate(
    app_server, runtime, stand_in, shop_domain
):
    install(app_server.url, shop_domain)
    stand_in.control.faults(shop_domain, throttle={"maximum": 60, "restore_rate": 50})
    ids = [f"gid://shopify/Customer/{9_000_000 + n}" for n in range(50)]
    query = "query Fifty($ids: [ID!]!) { nodes(ids: $ids) { id } }"  # 50 x Node 1 = 50, all of it charged
    sleeps: list[float] = []
    client = _client(runtime, shop_domain, sleeps)
    assert client.execute(query, {"ids": ids}, "Fifty")["nodes"] == [None] * 50  # 60 - 50 = 10 left
    assert client.execute(query, {"ids": ids}, "Fifty")["nodes"] == [None] * 50
    # The second was THROTTLED with about 10 points left: it waited (50 - 10) / 50 = 0.8 s, then went through.
    assert len(sleeps) == 1 and sleeps[0] == pytest.approx(0.8, abs=0.1)
    throttled = [
        e for e in stand_in.control.graphql_log(shop_domain) if "THROTTLED" in json.dumps(e["errors"])
    ]
    assert len(throttled) == 1


def test_without_protected_customer_data_approval_the_app_records_why(
    app_server, runtime, stand_in, shop_domain, approval
):
    install(app_server.url, shop_domain)
    stand_in.control.create_order(
        shop_domain, customer_id="501", line_items=[{"title": "Mug", "price": "20.00", "quantity": 1}]
    )
    approval.customer_data(level=0)  # from now on Shopify refuses orders and customers to the app
    client = _client(runtime, shop_domain)
    with pytest.raises(customers.CustomersUnavailable) as unavailable:
        customers.order_counts(client, ["501"])
    assert "not approved Creator ROI for protected customer data" in str(unavailable.value)
    assert "This app is not approved to access the Customer object." in str(unavailable.value)

    merchant = Merchant(app_server.url, stand_in, shop_domain)
    deadline = time.time() + 60
    while time.time() < deadline:  # the order, the install's backfill and the customer check run
        runtime.jobs.drain()
        runs = merchant.get("/api/freshness").json()["backfills"]
        if runs and all(r["status"] in ("done", "failed") for r in runs) and runtime.jobs.depth() == 0:
            break
        time.sleep(0.2)
    [run] = runs
    assert run["status"] == "failed"
    assert run["error"].startswith(
        "Shopify refused to show this app the shop's orders: the app is not approved "
        "for protected customer data"
    )
    assert "This app is not approved to access the Order object." in run["error"]
    finished = FinishedJobRegistry(queue=runtime.jobs.queue)
    results = [runtime.jobs.queue.fetch_job(j) for j in finished.get_job_ids()]
    checks = [j.result for j in results if j and j.func_name.endswith("check_new_customers")]
    assert checks and all(str(r).startswith("skipped: Shopify has not approved Creator ROI") for r in checks)


def test_webhooks_of_one_action_share_an_event_id_and_each_is_kept(
    app_server, runtime, stand_in, shop_domain
):
    install(app_server.url, shop_domain)
    stand_in.control.create_order(shop_domain, line_items=[{"title": "Mug", "price": "20.00", "quantity": 1}])
    rows = [r for r in _deliveries(runtime, shop_domain) if r.topic.startswith("orders/")]
    # orders/create and orders/paid of one checkout: the same X-Shopify-Event-Id, two webhook ids,
    # both stored (the duplicate key is the webhook id, never the event id)
    assert [r.topic for r in rows] == ["orders/create", "orders/paid"]
    assert rows[0].event_id == rows[1].event_id and rows[0].webhook_id != rows[1].webhook_id


def test_a_delivery_in_another_api_version_is_recorded_and_processed(app_server, runtime, shop_domain):
    install(app_server.url, shop_domain)
    body = {
        "id": 1,
        "shop_id": "gid://shopify/Shop/1",
        "previous": [],
        "current": ["read_orders"],
        "updated_at": "2026-11-24T10:00:00.000Z",
    }
    raw = json.dumps(body).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "app/scopes_update",
        "X-Shopify-Shop-Domain": shop_domain,
        "X-Shopify-Hmac-Sha256": sign(raw, API_SECRET),
        "X-Shopify-API-Version": "2026-07",
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Event-Id": str(uuid.uuid4()),
    }
    assert (
        requests.post(f"{app_server.url}/webhooks/app", data=raw, headers=headers, timeout=60).status_code
        == 200
    )
    runtime.jobs.drain()
    [row] = [r for r in _deliveries(runtime, shop_domain) if r.topic == "app/scopes_update"]
    assert row.api_version == "2026-07" and row.status == "processed"
