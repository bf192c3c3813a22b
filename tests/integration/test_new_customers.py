"""New customers when the app cannot see the whole history (METRICS.md, "New customer order").

Without `read_all_orders` Shopify shows the app only the last 60 days of orders. A customer whose
earlier orders are older would look new; the app asks Shopify how many orders each new-looking
customer has placed in their lifetime, and one with orders it cannot see is not a new customer.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select
from support import Merchant, install

from devstore.demo.merchant import allow_full_history
from shopify_roi.jobs import schedules
from shopify_roi.models import CustomerHistory, Order

D = Decimal
ANNA = {"code": "ANNA15", "type": "percentage", "value": "15"}


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _settle(runtime, merchant, seconds: float = 60) -> None:
    """Run queued jobs until the backfills are done and nothing is left (the check follows the drain)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        runtime.jobs.drain()
        runs = merchant.get("/api/freshness").json()["backfills"]
        if all(r["status"] in ("done", "failed") for r in runs) and runtime.jobs.depth() == 0:
            return
        time.sleep(0.2)
    raise AssertionError("jobs did not settle")


def _order(
    stand_in, shop_domain, customer: str, when: datetime, price: str, code: dict | None = None, **extra
) -> dict:
    spec = {
        "created_at": when.isoformat(),
        "customer_id": customer,
        "line_items": [{"title": "Trail mug", "price": price, "quantity": 1}],
        **extra,
    }
    if code:
        spec["discount_code"] = code
    return stand_in.control.create_order(shop_domain, **spec)


def _anna(merchant, day: datetime) -> dict:
    params = {
        "from": (day - timedelta(days=7)).date().isoformat(),
        "to": day.date().isoformat(),
        "as_of": day.date().isoformat(),
    }
    body = merchant.get("/api/metrics/creators", params=params).json()
    return next(r for r in body["creators"] if r["handle"] == "anna")


def test_a_customer_whose_earlier_orders_are_older_than_60_days_is_not_counted_as_new(
    merchant, runtime, stand_in, shop_domain
):
    assert merchant.create_creator("anna", "ANNA15").status_code == 201
    now = datetime.now(UTC)
    assert (
        merchant.post(
            "/api/creators/anna/spend",
            {"kind": "fee", "date": (now - timedelta(days=5)).date().isoformat(), "amount": "100.00"},
        ).status_code
        == 201
    )
    # Bea bought 200 days ago, before the app was installed: Shopify never shows that order to the app.
    _order(stand_in, shop_domain, "bea", now - timedelta(days=200), "40.00", silent=True)
    _settle(runtime, merchant)
    # Now Bea and Cleo both buy with Anna's code.
    bea = _order(stand_in, shop_domain, "bea", now - timedelta(days=2), "100.00", ANNA)
    cleo = _order(stand_in, shop_domain, "cleo", now - timedelta(days=2, hours=-1), "100.00", ANNA)
    _settle(runtime, merchant)

    with (
        runtime.db.session() as session
    ):  # the install backfill saw 60 days: the app never held Bea's old order
        assert session.scalar(select(func.count()).select_from(Order)) == 2
    anna = _anna(merchant, now)
    assert anna["orders"] == 2 and D(anna["revenue"]) == D("170.00")  # 2 x (100.00 - 15 %)
    # Shopify counts 2 orders for Bea, the app holds 1 of them: only Cleo is Anna's new customer.
    assert anna["new_customers"] == 1
    commission = D("0.10") * D("170.00")  # the helper's creator earns 10 % of net revenue
    assert D(anna["cac"]) == (D("100.00") + commission) / 1
    behind = merchant.get(
        "/api/metrics/creators/anna/orders",
        params={"from": (now - timedelta(days=7)).date().isoformat(), "to": now.date().isoformat()},
    ).json()["orders"]
    new = {o["order_id"]: o["new_customer"] for o in behind}
    assert new == {str(bea["id"]): False, str(cleo["id"]): True}
    # Bea was acquired by nobody the app knows of: Anna's cohort holds Cleo alone (not yet mature).
    assert anna["immature_customers"] == 1


def test_an_order_still_on_its_way_only_delays_the_answer(merchant, runtime, stand_in, shop_domain):
    """Dana's first order's webhook is lost: Shopify counts an order the app does not hold, so for a while
    Dana looks returning. The reconciliation brings the order, the counts agree, and Dana is new again."""
    assert merchant.create_creator("anna", "ANNA15").status_code == 201
    _settle(runtime, merchant)
    now = datetime.now(UTC)
    stand_in.control.faults(shop_domain, webhooks={"drop": 1.0, "seed": 3})
    first = _order(stand_in, shop_domain, "dana", now - timedelta(days=3), "50.00", ANNA)
    stand_in.control.reset_faults(shop_domain)
    _order(stand_in, shop_domain, "dana", now - timedelta(days=1), "80.00")
    _settle(runtime, merchant)
    assert _anna(merchant, now)["new_customers"] == 0  # the app holds only Dana's second order, not Anna's

    assert merchant.post("/api/backfill", {}).status_code == 202
    _settle(runtime, merchant)
    anna = _anna(merchant, now)
    assert (
        anna["orders"] == 1 and anna["new_customers"] == 1
    )  # the repaired order is Dana's first, with Anna's code
    behind = merchant.get(
        "/api/metrics/creators/anna/orders",
        params={"from": (now - timedelta(days=7)).date().isoformat(), "to": now.date().isoformat()},
    ).json()["orders"]
    assert [(o["order_id"], o["new_customer"]) for o in behind] == [(str(first["id"]), True)]


@pytest.fixture
def all_orders_settings(settings):
    return settings.with_(scopes="read_orders,read_all_orders,write_discounts,read_customers")


def test_with_read_all_orders_nothing_is_asked(all_orders_settings, stand_in, shop_domain):
    from support import LiveServer

    from shopify_roi.app import create_app

    server = LiveServer()
    server.app = create_app(all_orders_settings.with_(app_url=server.url), start_worker=False)
    runtime = server.app.extensions["shopify_roi"]
    stand_in.set_app_url(server.url)
    try:
        install(server.url, shop_domain)
        # read_all_orders is optional (shopify.app.toml): granted on the page after the install
        allow_full_history(server.url, stand_in.url, shop_domain, tick=runtime.jobs.drain)
        merchant = Merchant(server.url, stand_in, shop_domain)
        assert merchant.create_creator("anna", "ANNA15").status_code == 201
        now = datetime.now(UTC)
        _order(stand_in, shop_domain, "eve", now - timedelta(days=2), "100.00", ANNA)
        _settle(runtime, merchant)
        assert _anna(merchant, now)["new_customers"] == 1
        operations = [e.get("operation_name") for e in stand_in.control.graphql_log(shop_domain)]
        assert "CustomerOrderCounts" not in operations and operations  # the app did talk to the shop
    finally:
        server.stop()
        runtime.jobs.queue.empty()
        runtime.close()


def test_forgetting_a_returning_customer_keeps_them_returning(merchant, runtime, stand_in, shop_domain):
    """customers/redact renames the customer everywhere the app keeps them, Shopify's count included:
    the figures stay as they were, and no later refresh makes the forgotten customer new again."""
    assert merchant.create_creator("anna", "ANNA15").status_code == 201
    now = datetime.now(UTC)
    _order(stand_in, shop_domain, "fay", now - timedelta(days=300), "30.00", silent=True)
    _settle(runtime, merchant)
    fay = _order(stand_in, shop_domain, "fay", now - timedelta(days=2), "100.00", ANNA)
    _settle(runtime, merchant)
    assert _anna(merchant, now)["new_customers"] == 0

    sent = stand_in.control.send_webhook(
        shop_domain,
        "customers/redact",
        payload={
            "shop_id": 1,
            "shop_domain": shop_domain,
            "customer": {"id": fay["customer"]["id"], "email": None, "phone": None},
            "orders_to_redact": [fay["id"]],
        },
    )
    assert sent["status_code"] == 200
    _settle(runtime, merchant)
    assert merchant.post("/api/backfill", {}).status_code == 202  # re-applies Fay's order under her real id
    _settle(runtime, merchant)
    anna = _anna(merchant, now)
    assert anna["orders"] == 1 and anna["new_customers"] == 0
    with runtime.db.session() as session:
        from shopify_roi.models import CustomerHistory

        assert str(fay["customer"]["id"]) not in set(session.scalars(select(CustomerHistory.customer_id)))


def _checked(runtime) -> set[str]:
    with runtime.db.session() as session:
        return set(session.scalars(select(CustomerHistory.customer_id)))


def _customer_of(runtime, order: dict) -> str:
    with runtime.db.session() as session:
        return session.scalar(select(Order.customer_id).where(Order.shopify_id == str(order["id"])))


def test_the_drains_check_reads_only_new_first_orders_and_the_periodic_one_reads_them_all(
    merchant, runtime, stand_in, shop_domain
):
    _settle(runtime, merchant)  # the install's history import, and the check after it
    now = datetime.now(UTC)
    bea = _order(stand_in, shop_domain, "bea", now - timedelta(days=3), "40.00")
    cleo = _order(stand_in, shop_domain, "cleo", now - timedelta(days=2), "40.00")
    _settle(runtime, merchant)
    bea_id, cleo_id = _customer_of(runtime, bea), _customer_of(runtime, cleo)
    assert _checked(runtime) == {bea_id, cleo_id}

    # Bea's first order is now behind the place the checks reached, and unchecked (as if it had become
    # her first order only now): the check the drain asks for after Dan's order reads Dan's alone.
    with runtime.db.session() as session:
        session.execute(delete(CustomerHistory).where(CustomerHistory.customer_id == bea_id))
    dan = _order(stand_in, shop_domain, "dan", now - timedelta(days=1), "40.00")
    _settle(runtime, merchant)
    dan_id = _customer_of(runtime, dan)
    assert _checked(runtime) == {cleo_id, dan_id}

    # The check every ten minutes reads every first order again.
    assert schedules.check_customers(runtime) == 1
    _settle(runtime, merchant)
    assert _checked(runtime) == {bea_id, cleo_id, dan_id}
