"""Creators in Shopify's own reports (issue 18): once the merchant turns it on and grants write_orders and
write_customers, each attributed order carries the app's `creator`, `campaign` and `attribution_rule`
metafields and each customer a creator acquired `acquired_by` and `first_order_date`, kept in line with the
attribution, written 25 at most per call, never twice, and erased for a forgotten customer."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from support import Merchant, finish_backfills, install

from shopify_roi.jobs import schedules
from shopify_roi.jobs.metafields import write_metafields
from shopify_roi.models import Campaign, MetafieldWrite, Order, WebhookDelivery

MAYA = {"code": "MAYA15", "type": "percentage", "value": "15"}
NAMESPACE = "app--4100001"  # $app: the stand-in's app id
SCOPES = ["write_orders", "write_customers"]


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _settle(runtime, stand_in, shop_domain, seconds: float = 60) -> None:
    """Deliver the stand-in's webhooks and run the queued jobs until none is left."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        stand_in.control.flush_webhooks(shop_domain)
        runtime.jobs.drain()
        if runtime.jobs.depth() == 0:
            return
        time.sleep(0.1)
    raise AssertionError("jobs did not settle")


def _turn_on(merchant, runtime, stand_in, shop_domain) -> None:
    saved = merchant.put("/api/settings", {"creator_metafields": {"enabled": True}})
    assert saved.status_code == 200, saved.text
    assert saved.json()["creator_metafields"] == {"enabled": True, "missing_scopes": SCOPES}
    assert stand_in.control.request_scopes(shop_domain, SCOPES)["result"] == "granted-all"
    stand_in.control.wait_deliveries(shop_domain, "app/scopes_update")
    _settle(runtime, stand_in, shop_domain)
    assert merchant.get("/api/settings").json()["creator_metafields"] == {
        "enabled": True,
        "missing_scopes": [],
    }


def _held(stand_in, shop_domain) -> dict[tuple[str, str], str]:
    """(owner GID, key) -> value of every metafield of the app the shop holds."""
    return {
        (m["ownerId"], m["key"]): m["value"]
        for m in stand_in.control.metafields(shop_domain)
        if m["namespace"] == NAMESPACE
    }


def _sets(stand_in, shop_domain) -> list[dict]:
    """The metafieldsSet calls Shopify ran (a throttled attempt runs nothing)."""
    return [
        e
        for e in stand_in.control.graphql_log(shop_domain)
        if e.get("operation_name") == "MetafieldsSet" and "THROTTLED" not in str(e.get("errors"))
    ]


def _order(stand_in, shop_domain, customer, when="2026-11-30T23:30:00+00:00", **extra) -> dict:
    return stand_in.control.create_order(
        shop_domain,
        created_at=when,
        customer_id=customer,
        line_items=[{"title": "Trail mug", "price": "40.00", "quantity": 1}],
        **extra,
    )


def _run_job(runtime, shop_domain):
    runtime.jobs.enqueue(write_metafields, shop_domain)
    runtime.jobs.drain()


def test_an_attributed_order_puts_its_creator_campaign_and_rule_in_shopify(
    merchant, runtime, stand_in, shop_domain
):
    made = merchant.post(
        "/api/campaigns", {"name": "Winter drop", "starts_on": "2026-11-01", "ends_on": "2026-12-31"}
    )
    assert made.status_code == 201, made.text
    assert merchant.create_creator("maya", "MAYA15", campaigns=["Winter drop"]).status_code == 201
    _turn_on(merchant, runtime, stand_in, shop_domain)

    order = _order(stand_in, shop_domain, "ines", discount_code=MAYA)
    _settle(runtime, stand_in, shop_domain)

    held = _held(stand_in, shop_domain)
    o, c = order["admin_graphql_api_id"], order["customer"]["admin_graphql_api_id"]
    assert held[(o, "creator")] == "maya"
    assert held[(o, "campaign")] == "Winter drop"
    assert held[(o, "attribution_rule")] == "code"
    assert held[(c, "acquired_by")] == "maya"
    # 23:30 UTC on 30 Nov is 00:30 on 1 Dec in Berlin (UTC+1 in winter): the shop's own date.
    assert held[(c, "first_order_date")] == "2026-12-01"
    assert len(held) == 5


def test_nothing_is_written_until_the_merchant_turns_it_on_and_grants_the_scopes(
    merchant, runtime, stand_in, shop_domain
):
    assert merchant.create_creator("maya", "MAYA15").status_code == 201
    assert merchant.get("/api/settings").json()["creator_metafields"] == {
        "enabled": False,
        "missing_scopes": SCOPES,
    }
    _order(stand_in, shop_domain, "ines", discount_code=MAYA)
    _settle(runtime, stand_in, shop_domain)
    _run_job(runtime, shop_domain)
    assert _sets(stand_in, shop_domain) == []

    assert merchant.put("/api/settings", {"creator_metafields": {"enabled": True}}).status_code == 200
    _run_job(runtime, shop_domain)  # on, but Shopify would refuse: no write scope yet
    assert _sets(stand_in, shop_domain) == []
    assert merchant.put("/api/settings", {"creator_metafields": "yes"}).status_code == 400


def test_a_second_run_calls_shopify_for_nothing(merchant, runtime, stand_in, shop_domain):
    assert merchant.create_creator("maya", "MAYA15").status_code == 201
    _turn_on(merchant, runtime, stand_in, shop_domain)
    _order(stand_in, shop_domain, "ines", discount_code=MAYA)
    _settle(runtime, stand_in, shop_domain)
    calls = len(_sets(stand_in, shop_domain))
    assert calls == 1
    _run_job(runtime, shop_domain)
    _run_job(runtime, shop_domain)
    assert len(_sets(stand_in, shop_domain)) == calls


def test_reattribution_rewrites_and_an_order_that_loses_its_creator_is_cleared(
    merchant, runtime, stand_in, shop_domain
):
    assert merchant.create_creator("maya", "MAYA15").status_code == 201
    assert merchant.create_creator("lee", "LEE10").status_code == 201
    _turn_on(merchant, runtime, stand_in, shop_domain)
    # Maya's code and Lee's link: the code wins by default (METRICS.md), the link once the merchant says so.
    order = _order(
        stand_in, shop_domain, "ines", discount_code=MAYA, landing_site="/?ref=lee&utm_content=lee"
    )
    _settle(runtime, stand_in, shop_domain)
    o, c = order["admin_graphql_api_id"], order["customer"]["admin_graphql_api_id"]
    assert _held(stand_in, shop_domain)[(o, "creator")] == "maya"

    assert merchant.put("/api/attribution-policy", {"precedence": ["link", "code"]}).status_code == 200
    _settle(runtime, stand_in, shop_domain)
    held = _held(stand_in, shop_domain)
    assert (held[(o, "creator")], held[(o, "attribution_rule")], held[(c, "acquired_by")]) == (
        "lee",
        "link",
        "lee",
    )

    unpaid = _order(stand_in, shop_domain, "jo", discount_code=MAYA, financial_status="pending")
    _settle(runtime, stand_in, shop_domain)
    u = unpaid["admin_graphql_api_id"]
    assert _held(stand_in, shop_domain)[(u, "creator")] == "maya"
    stand_in.control.cancel_order(shop_domain, unpaid["id"])  # voided: no longer a sale of anyone's
    _settle(runtime, stand_in, shop_domain)
    held = _held(stand_in, shop_domain)
    assert [k for k in held if k[0] in (u, unpaid["customer"]["admin_graphql_api_id"])] == []
    assert held[(o, "creator")] == "lee"


def test_thirteen_orders_of_one_customer_go_in_two_calls_of_at_most_25(
    merchant, runtime, stand_in, shop_domain
):
    assert merchant.create_creator("maya", "MAYA15").status_code == 201
    for day in range(1, 14):
        _order(
            stand_in,
            shop_domain,
            "ines",
            when=f"2026-11-{day:02d}T12:00:00+00:00",
            discount_code=MAYA,
        )
    _settle(runtime, stand_in, shop_domain)  # attributed before the writing is turned on
    # the install's history import polls Shopify too: done before the bucket shrinks
    finish_backfills(runtime, merchant)
    # A bucket of 12 points restoring 2 a second: the second call (10 points) is throttled and waits for the
    # points it lacks (about 4 s; a faster restore let a loaded machine's pause between the calls refill it).
    stand_in.control.faults(shop_domain, throttle={"maximum": 12, "restore_rate": 2})
    _turn_on(merchant, runtime, stand_in, shop_domain)
    throttled = [e for e in stand_in.control.graphql_log(shop_domain) if "THROTTLED" in str(e.get("errors"))]
    assert [e["operation_name"] for e in throttled] == ["MetafieldsSet"]
    # 13 orders x 2 metafields (no campaign) + the customer's 2 = 28: 24 in the first call (the customer and
    # 11 orders, an order never split), then 2 orders (4).
    sizes = [len(e["variables"]["metafields"]) for e in _sets(stand_in, shop_domain)]
    assert sizes == [24, 4]
    assert len(_held(stand_in, shop_domain)) == 28


def test_a_refused_order_stays_unwritten_with_its_reason_and_the_others_are_written(
    merchant, runtime, stand_in, shop_domain
):
    assert merchant.create_creator("maya", "MAYA15").status_code == 201
    _turn_on(merchant, runtime, stand_in, shop_domain)
    real = _order(stand_in, shop_domain, "ines", discount_code=MAYA, silent=True)
    # An order the shop no longer has (deleted in the admin after its webhook was sent): Shopify refuses
    # metafields on it ("Owner does not exist.").
    gone = {
        **real,
        "id": real["id"] + 1000,
        "admin_graphql_api_id": f"gid://shopify/Order/{real['id'] + 1000}",
    }
    gone["name"] = "#9999"
    assert stand_in.control.send_webhook(shop_domain, "orders/create", payload=gone)["status_code"] == 200
    assert stand_in.control.send_webhook(shop_domain, "orders/create", payload=real)["status_code"] == 200
    _settle(runtime, stand_in, shop_domain)

    held = _held(stand_in, shop_domain)
    assert held[(real["admin_graphql_api_id"], "creator")] == "maya"
    assert not [k for k in held if k[0] == gone["admin_graphql_api_id"]]
    with runtime.db.session() as session:
        row = session.scalar(select(MetafieldWrite).where(MetafieldWrite.shopify_id == str(gone["id"])))
        assert row.written == "{}" and "Owner does not exist" in row.error
    # Refused by Shopify (not a failure to reach it): the ten-minute run leaves it to its order's next change
    # and the daily full run, which tries it again, alone.
    with runtime.db.session() as session:
        session.execute(update(Order).values(stored_at=datetime.now(UTC) - timedelta(days=1)))
    calls = len(_sets(stand_in, shop_domain))
    runtime.jobs.enqueue(write_metafields, shop_domain, False)
    runtime.jobs.drain()
    assert len(_sets(stand_in, shop_domain)) == calls
    _run_job(runtime, shop_domain)
    retried = _sets(stand_in, shop_domain)[calls:]
    assert [[m["ownerId"] for m in e["variables"]["metafields"]] for e in retried] == [
        [gone["admin_graphql_api_id"]] * 2
    ]


def test_a_shop_whose_writes_fail_does_not_hold_up_another(
    merchant, app_server, runtime, stand_in, shop_domain
):
    other = shop_domain.replace("shop-", "other-")
    stand_in.control.create_shop(
        other, scopes="read_orders,write_discounts,read_customers", timezone="Europe/Berlin"
    )
    install(app_server.url, other)
    second = Merchant(app_server.url, stand_in, other)
    for who, domain in ((merchant, shop_domain), (second, other)):
        assert who.create_creator("maya", "MAYA15").status_code == 201
        _turn_on(who, runtime, stand_in, domain)
    # 402: the shop is frozen (an answer the client does not retry; 5xx are retried with backoff)
    stand_in.control.faults(shop_domain, fail_next=50, status=402)
    _order(stand_in, shop_domain, "ines", discount_code=MAYA)
    fine = _order(stand_in, other, "ines", discount_code=MAYA)
    _settle(runtime, stand_in, shop_domain)
    _settle(runtime, stand_in, other)
    assert _held(stand_in, other)[(fine["admin_graphql_api_id"], "creator")] == "maya"
    assert _held(stand_in, shop_domain) == {}
    with runtime.db.session() as session:
        refused = session.scalars(select(MetafieldWrite.error).where(MetafieldWrite.error != "")).all()
    assert refused and all(e.startswith("not reached: ") and "HTTP 402" in e for e in refused)
    stand_in.control.reset_faults(shop_domain)
    _run_job(runtime, shop_domain)
    assert len(_held(stand_in, shop_domain)) == 4


def test_customers_redact_erases_the_customers_metafields_and_the_apps_record(
    merchant, runtime, stand_in, shop_domain
):
    assert merchant.create_creator("maya", "MAYA15").status_code == 201
    _turn_on(merchant, runtime, stand_in, shop_domain)
    order = _order(stand_in, shop_domain, "ines", discount_code=MAYA)
    _settle(runtime, stand_in, shop_domain)
    customer = order["customer"]["admin_graphql_api_id"]
    assert _held(stand_in, shop_domain)[(customer, "acquired_by")] == "maya"
    asked = stand_in.control.send_webhook(
        shop_domain,
        "customers/data_request",
        payload={
            "shop_id": 1,
            "shop_domain": shop_domain,
            "customer": {"id": order["customer"]["id"]},
            "orders_requested": [],
            "data_request": {"id": 1},
        },
    )
    _settle(runtime, stand_in, shop_domain)
    with runtime.db.session() as session:
        report = session.scalar(
            select(WebhookDelivery.result).where(WebhookDelivery.webhook_id == asked["webhook_id"])
        )
    # the data request reports what the app wrote about them in Shopify
    assert json.loads(report)["shopify_metafields"] == {
        "acquired_by": "maya",
        "first_order_date": "2026-12-01",
    }

    sent = stand_in.control.send_webhook(
        shop_domain,
        "customers/redact",
        payload={
            "shop_id": 1,
            "shop_domain": shop_domain,
            "customer": {"id": order["customer"]["id"], "email": None, "phone": None},
            "orders_to_redact": [order["id"]],
        },
    )
    assert sent["status_code"] == 200
    _settle(runtime, stand_in, shop_domain)
    held = _held(stand_in, shop_domain)
    assert [k for k in held if k[0] == customer] == []
    assert held[(order["admin_graphql_api_id"], "creator")] == "maya"  # a sale's creator names nobody
    with runtime.db.session() as session:
        owners = set(session.scalars(select(MetafieldWrite.shopify_id)))
    assert str(order["customer"]["id"]) not in owners


def test_a_customer_forgotten_after_the_writing_was_turned_off_is_still_erased(
    merchant, runtime, stand_in, shop_domain
):
    assert merchant.create_creator("maya", "MAYA15").status_code == 201
    _turn_on(merchant, runtime, stand_in, shop_domain)
    order = _order(stand_in, shop_domain, "ines", discount_code=MAYA)
    _settle(runtime, stand_in, shop_domain)
    assert merchant.put("/api/settings", {"creator_metafields": {"enabled": False}}).status_code == 200
    later = _order(stand_in, shop_domain, "jo", discount_code=MAYA)
    _settle(runtime, stand_in, shop_domain)
    customer = order["customer"]["admin_graphql_api_id"]
    held = _held(stand_in, shop_domain)
    assert held[(customer, "acquired_by")] == "maya"  # written while on: stays
    assert not [k for k in held if k[0] == later["admin_graphql_api_id"]]  # off: nothing new is written

    stand_in.control.send_webhook(
        shop_domain,
        "customers/redact",
        payload={"shop_id": 1, "shop_domain": shop_domain, "customer": {"id": order["customer"]["id"]}},
    )
    _settle(runtime, stand_in, shop_domain)
    held = _held(stand_in, shop_domain)
    assert [k for k in held if k[0] == customer] == []
    assert held[(order["admin_graphql_api_id"], "creator")] == "maya"
    # Turned on again (the scopes are still granted): what was left out is written at once.
    assert merchant.put("/api/settings", {"creator_metafields": {"enabled": True}}).status_code == 200
    _settle(runtime, stand_in, shop_domain)
    assert _held(stand_in, shop_domain)[(later["admin_graphql_api_id"], "creator")] == "maya"


def test_a_renamed_campaign_is_rewritten_and_a_new_order_written_alone(
    merchant, runtime, stand_in, shop_domain
):
    made = merchant.post(
        "/api/campaigns", {"name": "Winter drop", "starts_on": "2026-11-01", "ends_on": "2026-12-31"}
    )
    assert made.status_code == 201, made.text
    assert merchant.create_creator("maya", "MAYA15", campaigns=["Winter drop"]).status_code == 201
    _turn_on(merchant, runtime, stand_in, shop_domain)
    first = _order(stand_in, shop_domain, "ines", discount_code=MAYA)
    _settle(runtime, stand_in, shop_domain)

    # The orders do not change when their campaign is renamed: the edit asks for a full run.
    assert merchant.patch(f"/api/campaigns/{made.json()['id']}", {"name": "Holiday drop"}).status_code == 200
    _settle(runtime, stand_in, shop_domain)
    assert _held(stand_in, shop_domain)[(first["admin_graphql_api_id"], "campaign")] == "Holiday drop"

    # A rename no run was asked for (written straight to the database), then a new order: the drain's run
    # looks only at the orders changed since the last run and writes the new one alone; the periodic full
    # run catches the rest.
    with runtime.db.session() as session:
        session.execute(update(Campaign).values(name="Spring drop"))
        # the first order was stored yesterday (a run looks 10 minutes further back than its last start)
        yesterday = datetime.now(UTC) - timedelta(days=1)
        session.execute(update(Order).values(stored_at=yesterday))
    calls = len(_sets(stand_in, shop_domain))
    second = _order(stand_in, shop_domain, "jo", discount_code=MAYA)
    _settle(runtime, stand_in, shop_domain)
    (call,) = _sets(stand_in, shop_domain)[calls:]
    owners = {m["ownerId"] for m in call["variables"]["metafields"]}
    assert owners == {second["admin_graphql_api_id"], second["customer"]["admin_graphql_api_id"]}
    assert _held(stand_in, shop_domain)[(first["admin_graphql_api_id"], "campaign")] == "Holiday drop"
    assert schedules.write_all_metafields(runtime) == 1  # the daily full run
    _settle(runtime, stand_in, shop_domain)
    assert _held(stand_in, shop_domain)[(first["admin_graphql_api_id"], "campaign")] == "Spring drop"
