"""Order webhooks -> inbox -> batched worker -> facts and attribution (METRICS.md worked example 3)."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest
import requests
from sqlalchemy import func, select
from support import Merchant, install
from worked_examples import worked_example_3

from shopify_roi.models import Order, OrderLine, Refund, Shop, WebhookDelivery


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    m = Merchant(app_server.url, stand_in, shop_domain)
    assert m.create_creator("anna", "ANNA15", "15", commission_percent="10").status_code == 201
    return m


def _order(stand_in, shop, **spec) -> dict:
    resp = requests.post(f"{stand_in.url}/_devstore/shops/{shop}/orders", json=spec, timeout=30)
    assert resp.status_code == 201, resp.text
    body = resp.json()
    return body.get("order", body)


def _post(stand_in, shop, path, spec) -> dict:
    resp = requests.post(f"{stand_in.url}/_devstore/shops/{shop}/orders/{path}", json=spec, timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _facts(runtime, shop_domain):
    with runtime.db.session() as session:
        shop_id = session.scalar(select(Shop.id).where(Shop.domain == shop_domain))
        rows = {o.shopify_id: o for o in session.scalars(select(Order).where(Order.shop_id == shop_id))}
        returns = dict(
            session.execute(
                select(Refund.order_shopify_id, func.sum(Refund.subtotal))
                .where(Refund.shop_id == shop_id)
                .group_by(Refund.order_shopify_id)
            ).all()
        )
        session.expunge_all()
        return rows, returns


def test_worked_example_3_shuffled_and_every_webhook_twice_gives_exactly_its_facts(
    merchant, runtime, stand_in, shop_domain
):
    stand_in.control.faults(shop_domain, webhooks={"drop": 1.0, "seed": 1})  # hold everything back...
    orders = worked_example_3(stand_in, shop_domain)
    held = [
        d for d in stand_in.control.deliveries(shop_domain) if d["topic"].startswith(("orders/", "refunds/"))
    ]
    stand_in.control.reset_faults(shop_domain)
    sends = [(d["topic"], d["webhook_id"]) for d in held] * 2  # ...then every one twice,
    random.Random(3).shuffle(sends)  # in a shuffled order
    for topic, webhook_id in sends:
        assert stand_in.control.send_webhook(shop_domain, topic, webhook_id=webhook_id)["status_code"] == 200
    runtime.jobs.drain()

    rows, returns = _facts(runtime, shop_domain)
    by_name = {key: rows[str(o["id"])] for key, o in orders.items()}
    anna = by_name["1001"].creator_id
    assert anna is not None
    # Stored money, in shop currency (hand-worked in METRICS.md example 3).
    assert {k: (o.discounts, o.revenue) for k, o in by_name.items()} == {
        "jan": (Decimal("0.00"), Decimal("50.00")),
        "1001": (Decimal("15.00"), Decimal("85.00")),
        "1002": (Decimal("12.00"), Decimal("68.00")),
        "1003": (Decimal("6.00"), Decimal("54.00")),
        "1004": (Decimal("7.50"), Decimal("42.50")),
        "1005": (Decimal("0.00"), Decimal("70.00")),
    }
    assert {k: returns.get(str(orders[k]["id"]), Decimal(0)) for k in orders} == {
        "jan": 0,
        "1001": 0,
        "1002": Decimal("34.00"),
        "1003": 0,
        "1004": Decimal("42.50"),
        "1005": 0,
    }
    # Attribution: code (any case), link for #1003 (WELCOME10 is nobody's), nothing for #1005.
    assert {k: (o.creator_id, o.rule) for k, o in by_name.items()} == {
        "jan": (None, "none"),
        "1001": (anna, "code"),
        "1002": (anna, "code"),
        "1003": (anna, "link"),
        "1004": (anna, "code"),
        "1005": (None, "none"),
    }
    # New customers: C1, C3, C4; C2 came in January; C1's May order is a repeat.
    assert {k: o.is_first for k, o in by_name.items()} == {
        "jan": True,
        "1001": True,
        "1002": False,
        "1003": True,
        "1004": True,
        "1005": False,
    }
    assert all(o.counted for o in by_name.values())  # #1004 was paid, then cancelled: counted, refunded
    # March for anna: 4 orders, revenue 249.50, returns 76.50, net 173.00.
    march = [o for o in by_name.values() if o.creator_id == anna]
    assert len(march) == 4
    assert sum(o.revenue for o in march) == Decimal("249.50")
    assert sum(returns.get(o.shopify_id, Decimal(0)) for o in march) == Decimal("76.50")
    # The read facts the ROI table sums, whatever order the refunds and their orders came in:
    # returns on each order row, and on each first order the gap to the customer's next order and LTV.
    D = Decimal
    assert {k: o.returns for k, o in by_name.items()} == {
        "jan": 0,
        "1001": 0,
        "1002": D("34.00"),
        "1003": 0,
        "1004": D("42.50"),
        "1005": 0,
    }
    assert [k for k, o in by_name.items() if o.refunded_lines] == ["1002", "1004"]
    us = lambda days, hours=0: (days * 24 + hours) * 3_600_000_000  # noqa: E731
    assert {
        k: (o.next_gap_us, o.ltv_30, o.ltv_90, o.ltv_180, o.ltv_365) for k, o in by_name.items() if o.is_first
    } == {
        # C2: 15 Jan 17:00 UTC, back on 4 Mar 17:00 UTC (48 days) for 68.00 - 34.00 returned.
        "jan": (us(48), D("50.00"), D("50.00") + D("34.00"), D("84.00"), D("84.00")),
        # C1: 3 Mar 17:00 UTC, back on 1 May 16:00 UTC (58 days 23 hours) for 70.00.
        "1001": (us(58, 23), D("85.00"), D("155.00"), D("155.00"), D("155.00")),
        "1003": (None, D("54.00"), D("54.00"), D("54.00"), D("54.00")),
        "1004": (None, D(0), D(0), D(0), D(0)),
    }  # 42.50 paid, 42.50 refunded
    assert all(o.next_gap_us is None and o.ltv_90 is None for o in by_name.values() if not o.is_first)
    # Every delivery stored once, processed once.
    with runtime.db.session() as session:
        statuses = session.execute(
            select(WebhookDelivery.status, func.count())
            .where(
                WebhookDelivery.shop_domain == shop_domain,
                WebhookDelivery.topic.in_(
                    ["orders/create", "orders/updated", "orders/paid", "orders/cancelled", "refunds/create"]
                ),
            )
            .group_by(WebhookDelivery.status)
        ).all()
    assert dict(statuses) == {"processed": len(held)}


def test_a_refund_before_its_order_waits_and_counts_when_the_order_arrives(
    merchant, runtime, stand_in, shop_domain
):
    stand_in.control.faults(shop_domain, webhooks={"drop": 1.0, "seed": 1})
    order = _order(
        stand_in,
        shop_domain,
        created_at="2026-03-04T12:00:00-05:00",
        customer_id=7,
        discount_code={"code": "ANNA15", "type": "percentage", "value": "15.0"},
        line_items=[{"title": "x", "price": "40.00", "quantity": 2}],
    )
    _post(
        stand_in,
        shop_domain,
        f"{order['id']}/refunds",
        {"line_items": [{"line_item_id": order["line_items"][0]["id"], "quantity": 1}]},
    )
    held = {d["topic"]: d["webhook_id"] for d in stand_in.control.deliveries(shop_domain)}
    stand_in.control.reset_faults(shop_domain)
    stand_in.control.send_webhook(shop_domain, "refunds/create", webhook_id=held["refunds/create"])
    runtime.jobs.drain()
    rows, returns = _facts(runtime, shop_domain)
    assert rows == {} and returns == {str(order["id"]): Decimal("34.00")}
    stand_in.control.send_webhook(shop_domain, "orders/create", webhook_id=held["orders/create"])
    runtime.jobs.drain()
    rows, returns = _facts(runtime, shop_domain)
    assert rows[str(order["id"])].revenue == Decimal("68.00") and returns[str(order["id"])] == Decimal(
        "34.00"
    )


def test_an_older_version_after_a_newer_one_changes_nothing(merchant, runtime, stand_in, shop_domain):
    stand_in.control.faults(shop_domain, webhooks={"drop": 1.0, "seed": 1})
    order = _order(
        stand_in,
        shop_domain,
        created_at="2026-03-04T12:00:00-05:00",
        customer_id=8,
        line_items=[{"title": "x", "price": "40.00", "quantity": 1}],
    )
    _post(
        stand_in,
        shop_domain,
        f"{order['id']}/edit",
        {"add": [{"title": "y", "price": "10.00", "quantity": 1}]},
    )
    held = [(d["topic"], d["webhook_id"]) for d in stand_in.control.deliveries(shop_domain)]
    stand_in.control.reset_faults(shop_domain)
    for topic, webhook_id in reversed(held):  # the edited order first, then the original
        stand_in.control.send_webhook(shop_domain, topic, webhook_id=webhook_id)
    runtime.jobs.drain()
    rows, _ = _facts(runtime, shop_domain)
    assert rows[str(order["id"])].revenue == Decimal("50.00")  # the edit added a 10.00 line


def test_an_orders_later_versions_and_refund_in_one_batch_store_the_newest_once(
    merchant, runtime, stand_in, shop_domain
):
    """The order is held from an earlier drain; its edit, its refund and every later version then come in one
    batch, newest first: the newest version is stored with its lines, the refund once, each delivery says what
    it did."""
    stand_in.control.faults(shop_domain, webhooks={"drop": 1.0, "seed": 1})
    order = _order(
        stand_in,
        shop_domain,
        created_at="2026-03-04T12:00:00-05:00",
        customer_id=9,
        discount_code={"code": "ANNA15", "type": "percentage", "value": "15.0"},
        line_items=[{"title": "x", "price": "40.00", "quantity": 1}],
    )
    _post(
        stand_in,
        shop_domain,
        f"{order['id']}/edit",
        {"add": [{"title": "y", "price": "20.00", "quantity": 1}]},
    )
    _post(
        stand_in,
        shop_domain,
        f"{order['id']}/refunds",
        {"line_items": [{"line_item_id": order["line_items"][0]["id"], "quantity": 1}]},
    )
    held = [(d["topic"], d["webhook_id"]) for d in stand_in.control.deliveries(shop_domain)]
    stand_in.control.reset_faults(shop_domain)
    (create,) = [w for t, w in held if t == "orders/create"]
    stand_in.control.send_webhook(shop_domain, "orders/create", webhook_id=create)
    runtime.jobs.drain()
    rows, _ = _facts(runtime, shop_domain)
    assert rows[str(order["id"])].revenue == Decimal("34.00")  # 40.00 less 15 %
    later = [(t, w) for t, w in held if w != create]
    for topic, webhook_id in reversed(later):
        stand_in.control.send_webhook(shop_domain, topic, webhook_id=webhook_id)
    runtime.jobs.drain()
    rows, returns = _facts(runtime, shop_domain)
    stored = rows[str(order["id"])]
    # 40.00 less 15 % = 34.00, plus the 20.00 line the edit added (an edit's new line gets no discount code:
    # Shopify applies it to the lines it was redeemed on) = 54.00; the refunded first line: 34.00 back.
    assert stored.revenue == Decimal("54.00") and returns == {str(order["id"]): Decimal("34.00")}
    with runtime.db.session() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Refund).where(Refund.order_shopify_id == str(order["id"]))
            )
            == 1
        )
        assert (
            session.scalar(select(func.count()).select_from(OrderLine).where(OrderLine.order_id == stored.id))
            == 2
        )
        results = dict(
            session.execute(
                select(WebhookDelivery.webhook_id, WebhookDelivery.result).where(
                    WebhookDelivery.shop_domain == shop_domain,
                    WebhookDelivery.webhook_id.in_([w for _, w in later]),
                )
            ).all()
        )
    # Each version's own outcome, against what is stored after the batch: the newest "replaced" (a second
    # delivery of that same version "unchanged"), every older one "stale" (the one at the version held before,
    # too).
    at = {
        d["webhook_id"]: datetime.fromisoformat(d["payload"]["updated_at"])
        for d in stand_in.control.deliveries(shop_domain)
        if d["topic"] in ("orders/create", "orders/updated", "orders/paid", "orders/cancelled")
    }
    created_at, newest = at.pop(create), max(at.values())
    assert newest > created_at
    assert [results[w] for w in at if at[w] == newest].count("replaced") == 1
    assert {w: results[w] for w in at if at[w] != newest or results[w] != "replaced"} == {
        w: "unchanged" if at[w] == newest else "stale"
        for w in at
        if at[w] != newest or results[w] != "replaced"
    }
    refunds = [w for t, w in later if t == "refunds/create"]
    assert len(refunds) == 1 and results[refunds[0]] in (
        "inserted",
        "unchanged",
    )  # unchanged: the newest body carried it


def test_malformed_or_truncated_order_payload_fails_readably_and_changes_no_fact(
    merchant, runtime, app_server, shop_domain
):
    from support import API_SECRET

    from shopify_roi.shopify_client.webhook_hmac import sign

    for n, raw in enumerate(
        [
            b'{"id": 1, "line_items": [{"id": 2, "quantity"',
            b'{"id": 5, "created_at": "2026-03-04T12:00:00Z"}',
            b'{"id": 6, "created_at": "2026-03-04T12:00:00Z", "updated_at": "2026-03-04T12:00:00Z", '
            b'"line_items": [{"id": 7, "quantity": 1, "price_set": {"shop_money": {"amount": 9.99}}}]}',
        ]
    ):
        headers = {
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Shop-Domain": shop_domain,
            "X-Shopify-Webhook-Id": f"bad-{n}",
            "X-Shopify-Hmac-Sha256": sign(raw, API_SECRET),
        }
        assert (
            requests.post(
                f"{app_server.url}/webhooks/orders", data=raw, headers=headers, timeout=10
            ).status_code
            == 200
        )
    runtime.jobs.drain()
    with runtime.db.session() as session:
        failed = dict(
            session.execute(
                select(WebhookDelivery.webhook_id, WebhookDelivery.error).where(
                    WebhookDelivery.shop_domain == shop_domain, WebhookDelivery.status == "failed"
                )
            ).all()
        )
    assert set(failed) == {"bad-0", "bad-1", "bad-2"}
    assert (
        "not valid JSON" in failed["bad-0"] and "line_items" in failed["bad-1"] and "float" in failed["bad-2"]
    )
    rows, returns = _facts(runtime, shop_domain)
    assert rows == {} and returns == {}


def test_a_value_the_database_refuses_fails_its_delivery_alone(
    merchant, runtime, stand_in, shop_domain, monkeypatch
):
    """Should a value get past the parser that the database refuses (here a name longer than its column,
    forced in by a patched parser), the set-based write of the batch is undone and each delivery is applied
    alone, as a batch of one: that delivery fails with the database's reason, the rest of the batch is
    stored."""
    from shopify_roi.services.orders import ingest

    if runtime.db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (SQLite does not enforce a column's length)")
    stand_in.control.faults(shop_domain, webhooks={"drop": 1.0, "seed": 1})
    good = _order(
        stand_in,
        shop_domain,
        created_at="2026-03-04T12:00:00-05:00",
        customer_id=11,
        line_items=[{"title": "x", "price": "40.00", "quantity": 1}],
    )
    bad = _order(
        stand_in,
        shop_domain,
        created_at="2026-03-04T13:00:00-05:00",
        customer_id=12,
        line_items=[{"title": "x", "price": "30.00", "quantity": 1}],
    )
    held = [
        (d["topic"], d["webhook_id"], d["payload"]["id"])
        for d in stand_in.control.deliveries(shop_domain)
        if d["topic"] == "orders/create"
    ]
    stand_in.control.reset_faults(shop_domain)
    real = ingest.parse_body

    def parse(topic, body):
        facts = real(topic, body)
        return (
            replace(facts, name="#" * 100) if getattr(facts, "shopify_id", None) == str(bad["id"]) else facts
        )

    monkeypatch.setattr(ingest, "parse_body", parse)
    for topic, webhook_id, _ in held:
        stand_in.control.send_webhook(shop_domain, topic, webhook_id=webhook_id)
    runtime.jobs.drain()
    rows, _ = _facts(runtime, shop_domain)
    assert set(rows) == {str(good["id"])} and rows[str(good["id"])].revenue == Decimal("40.00")
    with runtime.db.session() as session:
        failed = session.scalars(
            select(WebhookDelivery.error).where(
                WebhookDelivery.shop_domain == shop_domain, WebhookDelivery.status == "failed"
            )
        ).all()
    assert len(failed) == 1 and "a value the database refuses" in failed[0] and "too long" in failed[0]


def test_orders_held_before_a_creator_existed_are_attributed_when_she_is_added(
    app_server, runtime, stand_in, shop_domain
):
    install(app_server.url, shop_domain)
    order = _order(
        stand_in,
        shop_domain,
        created_at="2026-03-04T12:00:00-05:00",
        customer_id=9,
        line_items=[{"title": "x", "price": "20.00", "quantity": 1}],
        landing_site="/?ref=zoe",
    )
    runtime.jobs.drain()
    rows, _ = _facts(runtime, shop_domain)
    assert rows[str(order["id"])].creator_id is None
    Merchant(app_server.url, stand_in, shop_domain).create_creator("zoe", "ZOE10")
    runtime.jobs.drain()  # the re-attribution job
    rows, _ = _facts(runtime, shop_domain)
    assert rows[str(order["id"])].rule == "link" and rows[str(order["id"])].creator_id is not None


def test_changing_the_precedence_re_attributes_held_orders(
    merchant, app_server, runtime, stand_in, shop_domain
):
    Merchant(app_server.url, stand_in, shop_domain).create_creator("ben", "BEN10")
    order = _order(
        stand_in,
        shop_domain,
        created_at="2026-03-04T12:00:00-05:00",
        customer_id=11,
        line_items=[{"title": "x", "price": "30.00", "quantity": 1}],
        landing_site="/?ref=ben",
        discount_code={"code": "ANNA15", "type": "percentage", "value": "15.0"},
    )
    runtime.jobs.drain()
    rows, _ = _facts(runtime, shop_domain)
    anna_id, rule = rows[str(order["id"])].creator_id, rows[str(order["id"])].rule
    assert rule == "code" and json.loads(rows[str(order["id"])].contested) != []  # ben's link lost: contested
    assert merchant.put("/api/attribution-policy", {"precedence": ["link", "code"]}).status_code == 200
    assert merchant.put("/api/attribution-policy", {"precedence": ["link"]}).status_code == 400
    runtime.jobs.drain()
    rows, _ = _facts(runtime, shop_domain)
    assert rows[str(order["id"])].rule == "link" and rows[str(order["id"])].creator_id != anna_id
    assert json.loads(rows[str(order["id"])].contested) == [anna_id]


def test_two_workers_inserting_the_same_new_order_both_succeed(merchant, runtime, stand_in, shop_domain):
    """An order's orders/create and orders/paid drained side by side by two workers: the second insert
    waits for the first and applies as a newer version, instead of failing its whole batch on the key."""
    import threading
    import time
    from datetime import timedelta

    from shopify_roi.services.orders import store
    from shopify_roi.services.orders.attribution_policy import Attributor
    from shopify_roi.services.orders.parse_webhook import parse_order

    if runtime.db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (SQLite lets one writer in at a time: no race to lose)")
    body = _order(
        stand_in,
        shop_domain,
        created_at="2026-03-03T12:00:00Z",
        customer_id=4001,
        line_items=[{"title": "Trail shoe", "price": "100.00", "quantity": 1}],
    )
    created = parse_order(body)
    paid = replace(created, updated_at=created.updated_at + timedelta(minutes=1))
    with runtime.db.session() as session:
        shop_id = session.scalar(select(Shop.id).where(Shop.domain == shop_domain))
        session.execute(
            Order.__table__.delete().where(Order.shop_id == shop_id)
        )  # as if no webhook had come yet
    first_applied, outcomes = threading.Event(), {}

    def worker(name, facts, wait_for=None):
        with runtime.db.session() as session:
            if wait_for is not None:
                wait_for.wait(10)
            outcomes[name] = store.apply_order(session, shop_id, facts, Attributor(session, shop_id))
            if name == "create":
                first_applied.set()
                time.sleep(0.5)  # still uncommitted while the other worker inserts the same order

    threads = [
        threading.Thread(target=worker, args=("create", created)),
        threading.Thread(target=worker, args=("paid", paid, first_applied)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcomes == {"create": "inserted", "paid": "replaced"}
    with runtime.db.session() as session:
        (row,) = session.scalars(select(Order).where(Order.shop_id == shop_id)).all()
        assert row.shopify_updated_at == paid.updated_at and row.revenue == Decimal("100.00")


def test_a_deadlocked_batch_is_claimed_again_and_a_long_drain_goes_on_in_a_new_job(
    merchant, runtime, stand_in, shop_domain, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    from shopify_roi.jobs import orders as order_jobs

    for customer in (5001, 5002):
        _order(
            stand_in,
            shop_domain,
            created_at="2026-03-03T12:00:00Z",
            customer_id=customer,
            line_items=[{"title": "Trail shoe", "price": "100.00", "quantity": 1}],
        )

    # Over its time budget, a drain leaves the rest to a new drain job (RQ would kill it at 180 s).
    def drains():
        return [j for j in runtime.jobs.queue.jobs if j.func_name == "shopify_roi.jobs.orders.drain_orders"]

    monkeypatch.setattr(order_jobs, "DRAIN_BUDGET_SECONDS", -1.0)
    before = len(drains())
    assert order_jobs.drain_orders() == {"continued_in_a_new_job": 1}
    assert len(drains()) == before + 1
    runtime.jobs.queue.empty()

    class DeadlockDetected(Exception):
        sqlstate = "40P01"

    real, calls = order_jobs.ingest.process, []

    def deadlocking_once(session, batch):
        calls.append(len(batch))
        counts = real(session, batch)
        if len(calls) == 1:  # the database chose this batch's transaction as the deadlock victim
            raise OperationalError("UPDATE orders ...", {}, DeadlockDetected("deadlock detected"))
        return counts

    monkeypatch.setattr(order_jobs, "DRAIN_BUDGET_SECONDS", 120.0)
    monkeypatch.setattr(order_jobs.ingest, "process", deadlocking_once)
    result = order_jobs.drain_orders()
    assert (
        result["batches_retried"] == 1 and len(calls) == 2 and calls[0] == calls[1]
    )  # the same batch, again
    with runtime.db.session() as session:
        shop_id = session.scalar(select(Shop.id).where(Shop.domain == shop_domain))
        assert session.scalar(select(func.count()).select_from(Order).where(Order.shop_id == shop_id)) == 2
        left = session.scalar(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(
                WebhookDelivery.shop_domain == shop_domain,
                WebhookDelivery.topic.like("orders/%"),
                WebhookDelivery.status != "processed",
            )
        )
        assert left == 0
