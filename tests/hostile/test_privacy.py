"""Uninstall, reinstall and the privacy topics, through signed webhooks from the stand-in:
app/uninstalled drops the tokens and keeps the data (a reinstall finds it); shop/redact erases
every row of the shop; customers/redact forgets the customer yet leaves every figure unchanged;
customers/data_request reports what is held."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import requests
from sqlalchemy import select
from support import install, session_token

from shopify_roi.db import Base
from shopify_roi.jobs.flow import send_flow_triggers
from shopify_roi.models import PixelSettings, Shop

CODE = {"code": "ANNA15", "type": "percentage", "value": "15.0"}
RANGE = {"from": "2026-01-01", "to": "2026-12-31", "as_of": "2026-09-30"}


def _api(hostile, shop: str, method: str, path: str, headers: dict | None = None, **kw) -> requests.Response:
    return requests.request(
        method,
        hostile.url + path,
        headers={"Authorization": f"Bearer {session_token(shop)}", **(headers or {})},
        timeout=60,
        **kw,
    )


def _new_shop(hostile, prefix: str) -> str:
    shop = f"{prefix}-{uuid.uuid4().hex[:8]}.myshopify.com"
    hostile.stand_in.control.create_shop(
        shop,
        name=prefix.title(),
        currency="EUR",
        timezone="Europe/Berlin",
        scopes="read_orders,write_discounts,read_customers",
    )
    assert install(hostile.url, shop).status_code == 302
    hostile.runtime.jobs.drain()
    return shop


def _order(hostile, shop: str, day: str, customer: int, price: str, code: bool = False, **extra) -> dict:
    spec = {
        "created_at": f"{day}T12:00:00+01:00",
        "customer_id": customer,
        "line_items": [{"title": "Trail shoe", "price": price, "quantity": 1}],
        **extra,
    }
    if code:
        spec["discount_code"] = CODE
    return hostile.stand_in.control.create_order(shop, **spec)


def _shop_with_orders(hostile, prefix: str) -> tuple[str, dict]:
    """A shop with Anna (ANNA15) and orders that exercise new customers and the 90-day repeat rate:
    C1 comes through Anna on 3 March and again on 1 May (a repeat within 90 days); C2 once through Anna;
    C3 first bought in January, so their order through Anna in March is not a new customer."""
    shop = _new_shop(hostile, prefix)
    created = _api(
        hostile,
        shop,
        "POST",
        "/api/creators",
        json={
            "name": "Anna",
            "handle": "anna",
            "commission_percent": "10",
            "discount": {"code": "ANNA15", "percent_off": "15"},
        },
    )
    assert created.status_code == 201, created.text
    orders = {
        "c3-jan": _order(hostile, shop, "2026-01-15", 7003, "50.00"),
        "c1-mar": _order(
            hostile,
            shop,
            "2026-03-03",
            7001,
            "100.00",
            code=True,
            landing_site="/?utm_content=anna&email=c1@example.com",
            note_attributes=[{"name": "gift message", "value": "Happy birthday, Jo"}],
        ),
        "c2-mar": _order(hostile, shop, "2026-03-04", 7002, "80.00", code=True),
        "c3-mar": _order(hostile, shop, "2026-03-05", 7003, "60.00", code=True),
        "c1-may": _order(hostile, shop, "2026-05-01", 7001, "70.00"),
    }
    hostile.runtime.jobs.drain()
    return shop, orders


def _metrics(hostile, shop: str) -> dict:
    resp = _api(hostile, shop, "GET", "/api/metrics/creators", params=RANGE)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _shop_id(hostile, shop: str) -> int | None:
    rows = hostile.stored.rows("shops", domain=shop)
    return rows[0]["id"] if rows else None


def test_reinstall_after_uninstall_finds_its_creators_and_numbers(hostile):
    shop, _ = _shop_with_orders(hostile, "returning")
    before = _metrics(hostile, shop)
    assert (
        before["totals"]["orders"] == 5 and before["creators"][0]["new_customers"] == 2
    )  # C1 and C2; C3 was known

    assert hostile.stand_in.control.uninstall(shop)["status_code"] == 200
    hostile.runtime.jobs.drain()
    refused = _api(hostile, shop, "GET", "/api/creators")
    assert refused.status_code == 401 and refused.json()["error"] == "reinstall_required"
    (row,) = hostile.stored.rows("shops", domain=shop)
    assert (
        row["access_token_enc"] is None and row["refresh_token_enc"] is None
    )  # the tokens, and only they, are gone
    assert len(hostile.stored.rows("orders", shop_id=row["id"])) == 5

    assert install(hostile.url, shop).status_code == 302  # within 48 hours: no shop/redact was sent
    hostile.runtime.jobs.drain()
    assert [c["handle"] for c in _api(hostile, shop, "GET", "/api/creators").json()["creators"]] == ["anna"]
    assert _metrics(hostile, shop) == before
    # A shop/redact that comes anyway (it was on its way) erases nothing of a shop that is back.
    sent = hostile.stand_in.control.send_webhook(
        shop, "shop/redact", payload={"shop_id": 1, "shop_domain": shop}
    )
    hostile.runtime.jobs.drain()
    (receipt,) = hostile.stored.rows("webhook_deliveries", shop_domain=shop, webhook_id=sent["webhook_id"])
    assert receipt["status"] == "processed" and "installed the app again" in receipt["result"]
    assert _metrics(hostile, shop) == before


def test_customer_redact_forgets_the_customer_and_changes_no_figure(hostile):
    shop, orders = _shop_with_orders(hostile, "forgetful")
    before = _metrics(hostile, shop)
    anna = before["creators"][0]
    # Worked by hand: Anna's orders are C1 (100.00), C2 (80.00), C3 (60.00), each 15% off:
    # revenue 85 + 68 + 51 = 204.00. New customers: C1 and C2 (C3 first bought in January).
    # Of those, C1 ordered again within 90 days: repeat 1/2.
    assert (anna["orders"], Decimal(anna["revenue"]), anna["new_customers"]) == (3, Decimal("204.00"), 2)
    assert Decimal(anna["repeat_rate_90d"]) == Decimal("0.5")
    c1 = str(orders["c1-mar"]["customer"]["id"])
    c1_orders = [str(orders["c1-mar"]["id"]), str(orders["c1-may"]["id"])]
    shop_id = _shop_id(hostile, shop)

    sent = hostile.stand_in.control.send_webhook(
        shop,
        "customers/redact",
        payload={
            "shop_id": 1,
            "shop_domain": shop,
            "customer": {"id": int(c1), "email": "c1@example.com", "phone": "555-0101"},
            "orders_to_redact": [int(i) for i in c1_orders],
        },
    )
    assert sent["status_code"] == 200
    hostile.runtime.jobs.drain()

    assert _metrics(hostile, shop) == before
    facts = {o["shopify_id"]: o for o in hostile.stored.rows("orders", shop_id=shop_id)}
    assert c1 not in {o["customer_id"] for o in facts.values()}
    placeholders = {facts[i]["customer_id"] for i in c1_orders}
    (placeholder,) = placeholders  # one anonymous customer, still the same one across their orders
    assert placeholder.startswith("redacted-")
    for order_id in c1_orders:
        signals = json.loads(facts[order_id]["signals"])
        assert (
            signals["note_attributes"] == []
            and signals["landing_site"] is None
            and "c1@example.com" not in facts[order_id]["signals"]
        )
    assert json.loads(facts[c1_orders[0]]["signals"])["utm_content"] == "anna"  # what attribution reads stays
    deliveries = hostile.stored.rows("webhook_deliveries", shop_domain=shop)
    assert not [
        d for d in deliveries if d["payload"] and (c1 in d["payload"] or "c1@example.com" in d["payload"])
    ]
    assert [
        d for d in deliveries if d["payload"] and str(orders["c2-mar"]["customer"]["id"]) in d["payload"]
    ]  # others kept
    (receipt,) = [d for d in deliveries if d["webhook_id"] == sent["webhook_id"]]
    assert (
        receipt["status"] == "processed"
        and c1 not in (receipt["result"] or "")
        and receipt["payload"] is None
    )

    # customers/data_request: nothing left on C1; C2's order and facts reported.
    asked = {}
    for customer in (c1, str(orders["c2-mar"]["customer"]["id"])):
        sent = hostile.stand_in.control.send_webhook(
            shop,
            "customers/data_request",
            payload={
                "shop_id": 1,
                "shop_domain": shop,
                "customer": {"id": int(customer)},
                "orders_requested": [],
                "data_request": {"id": 1},
            },
        )
        hostile.runtime.jobs.drain()
        (receipt,) = hostile.stored.rows(
            "webhook_deliveries", shop_domain=shop, webhook_id=sent["webhook_id"]
        )
        asked[customer] = json.loads(receipt["result"])
    assert asked[c1]["orders"] == [] and asked[c1]["stored_webhooks"] == []
    (c2_order,) = asked[str(orders["c2-mar"]["customer"]["id"])]["orders"]
    assert (
        c2_order["order_id"] == str(orders["c2-mar"]["id"])
        and Decimal(c2_order["revenue"]) == Decimal("68.00")
        and c2_order["first_order"]
    )

    # A later version of a forgotten order (a refund, with Shopify's customer id on it: the stand-in does not
    # forget customers as Shopify does) does not bring the id back.
    hostile.stand_in.control.refund_order(
        shop,
        int(c1_orders[1]),
        line_items=[{"line_item_id": orders["c1-may"]["line_items"][0]["id"], "quantity": 1}],
    )
    hostile.runtime.jobs.drain()
    assert (
        hostile.stored.rows("orders", shop_id=shop_id, shopify_id=c1_orders[1])[0]["customer_id"]
        == placeholder
    )


def test_shop_redact_erases_every_row_of_the_shop_and_nothing_of_another(hostile):
    shop, _ = _shop_with_orders(hostile, "leaving")
    other, _ = _shop_with_orders(hostile, "staying")
    # Something in every table: campaigns, links and clicks, spend, imports, settings, policy, refunds.
    assert _api(hostile, shop, "POST", "/api/campaigns", json={"name": "Spring"}).status_code == 201
    assert (
        _api(hostile, shop, "PATCH", "/api/creators/anna", json={"campaigns": ["Spring"]}).status_code == 200
    )
    link = _api(hostile, shop, "POST", "/api/creators/anna/links", json={}).json()
    assert (
        requests.get(
            link["short_url"],
            headers={"User-Agent": "Mozilla/5.0 (iPhone) Mobile"},
            allow_redirects=False,
            timeout=60,
        ).status_code
        == 302
    )
    assert (
        _api(
            hostile,
            shop,
            "POST",
            "/api/creators/anna/spend",
            json={"kind": "fee", "date": "2026-03-01", "amount": "300.00"},
        ).status_code
        == 201
    )
    assert (
        _api(
            hostile,
            shop,
            "POST",
            "/api/creators/import",
            data=b"name,handle,code\nZed,zed,ZED10\n",
            headers={"Content-Type": "text/csv"},
        ).status_code
        == 202
    )
    settings = {
        "gross_margin": "0.5",
        "creator_metafields": {"enabled": True},
        "marketing_activities": {"enabled": True},
        "analytics_annotations": {"enabled": True},
        "flow_triggers": {"enabled": True},
        "creator_pixel": {"enabled": True},
        "payouts": {"hold_days": 30},
    }
    assert _api(hostile, shop, "PUT", "/api/settings", json=settings).status_code == 200
    # a payout run (payout_runs) with a statement and lines for anna's March orders
    run = _api(hostile, shop, "POST", "/api/payouts", json={"period_end": "2026-06-30"})
    assert run.status_code == 201 and run.json()["statements"][0]["lines"], run.text
    # a post of anna's with its figures (creator_posts, post_figures)
    post = {
        "platform": "instagram",
        "url": "https://instagram.com/p/x",
        "posted_at": "2026-03-02T10:00:00+00:00",
        "reach": 10,
    }
    assert _api(hostile, shop, "POST", "/api/creators/anna/posts", json=post).status_code == 201
    # a report link for anna (creator_report_links)
    span = {"from": "2026-03-01", "to": "2026-03-31"}
    assert _api(hostile, shop, "POST", "/api/creators/anna/report-links", json=span).status_code == 201
    # the creator pixel's events (pixel_events) with its settings (pixel_settings)
    with hostile.runtime.db.session() as session:
        key = session.scalar(
            select(PixelSettings.key).join(Shop, Shop.id == PixelSettings.shop_id).where(Shop.domain == shop)
        )
    pixel_event = {"id": f"e-{shop}", "n": "pv", "s": "session-0001", "c": "anna", "start": True}
    batch = {"v": 1, "shop": shop, "key": key, "visitor": "v1", "events": [pixel_event]}
    assert requests.post(f"{hostile.url}/pixel/events", json=batch, timeout=60).status_code == 204
    # Shopify Flow: an action run (flow_action_runs), a workflow turned on (flow_trigger_usage) and the daily
    # check's "below ROAS target" event (flow_trigger_sends: the action's spend is today's, with no sales
    # in the last 30 days)
    fee = {"handle": "anna", "kind": "fee", "amount": "50"}
    assert hostile.stand_in.control.run_flow_action(shop, "log-creator-spend", fee)["status"] == 200
    assert (
        hostile.stand_in.control.set_flow_workflow(shop, "creator-below-roas-target", True)["status"] == 200
    )
    hostile.runtime.jobs.enqueue(send_flow_triggers, shop, True)
    # the creator metafields written to Shopify (metafield_writes), the Marketing activities sent
    # (marketing_sent) and the analytics annotations made (analytics_marks), once the scopes are granted
    hostile.stand_in.control.request_scopes(
        shop,
        [
            "write_orders",
            "write_customers",
            "write_marketing_events",
            "write_analytics_annotations",
            "write_reports",
        ],
    )
    hostile.stand_in.control.wait_deliveries(shop, "app/scopes_update")
    assert (
        _api(
            hostile, shop, "PUT", "/api/attribution-policy", json={"precedence": ["link", "code"]}
        ).status_code
        == 200
    )
    orders = hostile.stand_in.control.orders(shop)
    full = hostile.stand_in.control.order(shop, orders[0]["id"])
    hostile.stand_in.control.refund_order(
        shop, full["id"], line_items=[{"line_item_id": full["line_items"][0]["id"], "quantity": 1}]
    )
    requests.get(
        f"{hostile.url}/auth", params={"shop": shop}, allow_redirects=False, timeout=10
    )  # an OAuth state
    hostile.runtime.jobs.drain()
    # A click (its day marked dirty), then the ROI table read: the daily rollup built and that day noted for
    # the Marketing reports (marketing_days_due); then one more click (a day of it marked dirty again).
    assert (
        requests.get(
            link["short_url"],
            headers={"User-Agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)"},
            allow_redirects=False,
            timeout=60,
        ).status_code
        == 302
    )
    assert (
        _api(hostile, shop, "GET", "/api/metrics/creators?from=2026-01-01&to=2026-12-31").status_code == 200
    )
    assert (
        requests.get(
            link["short_url"],
            headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0)"},
            allow_redirects=False,
            timeout=60,
        ).status_code
        == 302
    )
    shop_id, other_id = _shop_id(hostile, shop), _shop_id(hostile, other)
    tables = [t for t in Base.metadata.sorted_tables if "shop_id" in t.c]
    held = {t.name for t in tables if hostile.stored.rows(t.name, shop_id=shop_id)}
    assert held == {t.name for t in tables}, (
        f"not every table holds something yet: {set(t.name for t in tables) - held}"
    )
    creator_ids = [r["id"] for r in hostile.stored.rows("creators", shop_id=shop_id)]
    other_before = {t.name: len(hostile.stored.rows(t.name, shop_id=other_id)) for t in tables}

    hostile.stand_in.control.uninstall(shop)
    sent = hostile.stand_in.control.send_webhook(
        shop, "shop/redact", payload={"shop_id": 1, "shop_domain": shop}
    )
    assert sent["status_code"] == 200
    hostile.runtime.jobs.drain()

    assert {t.name: len(hostile.stored.rows(t.name, shop_id=shop_id)) for t in tables} == {
        t.name: 0 for t in tables
    }
    assert not [r for r in hostile.stored.rows("creator_campaigns") if r["creator_id"] in creator_ids]
    assert (
        hostile.stored.rows("shops", domain=shop) == []
        and hostile.stored.rows("oauth_states", shop_domain=shop) == []
    )
    left = hostile.stored.rows("webhook_deliveries", shop_domain=shop)
    assert [(d["topic"], d["payload"]) for d in left] == [
        ("shop/redact", None)
    ]  # only the request's receipt, empty
    assert {t.name: len(hostile.stored.rows(t.name, shop_id=other_id)) for t in tables} == other_before
    # The same request again (Shopify retries) is a duplicate; erasing twice is harmless.
    again = hostile.stand_in.control.send_webhook(shop, "shop/redact", webhook_id=sent["webhook_id"])
    assert again["status_code"] == 200
