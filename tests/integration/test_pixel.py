"""The creator pixel, from the merchant's side (issue 19): storefront events in, an order attributed by the
pixel and a funnel out, counted by hand here.

Anna (code ANNA15) and Ben (BEN10). Visitor V1 came through Anna's link (session s1: three pages, one
product viewed), left, and came back directly (session s2: the pixel remembered Anna): viewed the product,
added it to the cart, checked out and bought order A (no code, a landing page without parameters).
Visitor V2 came through Ben's link (session s3: one page, one product view) and bought nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pixel_support import event, pixel_key, send, turn_on
from support import Merchant, install

SCOPES = ["write_pixels", "read_customer_events"]


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    m = Merchant(app_server.url, stand_in, shop_domain)
    assert m.create_creator("anna", "ANNA15").status_code == 201
    assert m.create_creator("ben", "BEN10").status_code == 201
    return m


def _order(stand_in, shop, price="80.00", product_id=111, **extra) -> dict:
    return stand_in.control.create_order(
        shop,
        customer_id=7001,
        line_items=[{"title": "Trail mug", "price": price, "quantity": 1, "product_id": product_id}],
        landing_site="/collections/all",
        **extra,
    )


def _browse(app_url, shop, key, order_id: str) -> None:
    s1, s2, s3 = "sess-one-1111", "sess-two-2222", "sess-three-33"
    day_one = [
        event("pv", s1, "anna", start=True, l=True),
        event("pv", s1, "anna"),
        event("vw", s1, "anna", p="111"),
        event("pv", s1, "anna"),
    ]
    assert send(app_url, shop, key, "visitor-1", day_one).status_code == 204
    came_back = [
        event("pv", s2, "anna", start=True),
        event("vw", s2, "anna", p="111"),
        event("ac", s2, "anna", p="111", q=1),
        event("cs", s2, "anna"),
        event("cc", s2, "anna", o=order_id),
    ]
    assert send(app_url, shop, key, "visitor-1", came_back).status_code == 204
    ben = [event("pv", s3, "ben", start=True, l=True), event("vw", s3, "ben", p="222")]
    assert send(app_url, shop, key, "visitor-2", ben).status_code == 204


def _funnel(merchant, handle) -> dict:
    body = merchant.get(
        f"/api/metrics/creators/{handle}/funnel", params={"from": "2024-01-01", "to": "2030-12-31"}
    )
    assert body.status_code == 200, body.text
    return body.json()


def _counts(funnel) -> dict:
    return {step["step"]: step["count"] for step in funnel["funnel"]["steps"]}


def _orders_of(merchant, handle) -> list[dict]:
    body = merchant.get(
        f"/api/metrics/creators/{handle}/orders", params={"from": "2024-01-01", "to": "2030-12-31"}
    )
    assert body.status_code == 200, body.text
    return body.json()["orders"]


@pytest.mark.parametrize("webhook_first", [True, False], ids=["order-webhook-first", "pixel-event-first"])
def test_the_pixel_attributes_a_returning_visitors_order_and_counts_each_step_once(
    merchant, runtime, stand_in, shop_domain, app_server, webhook_first
):
    state = turn_on(merchant)
    assert state["enabled"] is True and state["window_days"] == 30
    key = pixel_key(runtime, shop_domain)
    if webhook_first:
        order = _order(stand_in, shop_domain)
        stand_in.control.flush_webhooks(shop_domain)
        runtime.jobs.drain()
        assert _orders_of(merchant, "anna") == []  # nothing on the order names Anna
        _browse(app_server.url, shop_domain, key, str(order["id"]))
    else:
        # the pixel's checkout_completed arrives before the order's webhook is delivered
        order = _order(stand_in, shop_domain)
        _browse(app_server.url, shop_domain, key, str(order["id"]))
        stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()

    (held,) = _orders_of(merchant, "anna")
    assert held["rule"] == "pixel"
    anna = _funnel(merchant, "anna")
    # s1 and s2 are Anna's visits; both viewed the product; only s2 added, checked out and bought
    assert _counts(anna) == {"visits": 2, "product_views": 2, "add_to_carts": 1, "checkouts": 1, "orders": 1}
    conversions = [step["conversion"] for step in anna["funnel"]["steps"]]
    assert conversions == [None, "1", "0.5", "1", "1"]
    assert anna["funnel"]["visit_to_order"] == "0.5"
    assert Decimal(anna["funnel"]["net_revenue"]) == Decimal("80.00")
    assert _counts(_funnel(merchant, "ben")) == {
        "visits": 1,
        "product_views": 1,
        "add_to_carts": 0,
        "checkouts": 0,
        "orders": 0,
    }
    # the ROI table: the order is Anna's once, and the creators' rows plus unattributed are the total
    roi = merchant.get("/api/metrics/creators", params={"from": "2024-01-01", "to": "2030-12-31"}).json()
    by_handle = {row["handle"]: row for row in roi["creators"]}
    assert (int(by_handle["anna"]["orders"]), int(by_handle["ben"]["orders"])) == (1, 0)
    assert int(roi["unattributed"]["orders"]) == 0 and int(roi["totals"]["orders"]) == 1
    assert (
        Decimal(by_handle["anna"]["net_revenue"]) == Decimal(roi["totals"]["net_revenue"]) == Decimal("80.00")
    )
    # the table of every creator says the same
    table = merchant.get("/api/metrics/funnel", params={"from": "2024-01-01", "to": "2030-12-31"}).json()
    rows = {row["handle"]: [step["count"] for step in row["steps"]] for row in table["creators"]}
    assert rows == {"anna": [2, 2, 1, 1, 1], "ben": [1, 1, 0, 0, 0]}


def test_a_creators_code_still_wins_over_the_pixel_and_the_pixels_creator_is_contested(
    merchant, runtime, stand_in, shop_domain, app_server
):
    turn_on(merchant)
    key = pixel_key(runtime, shop_domain)
    order = _order(
        stand_in, shop_domain, discount_code={"code": "BEN10", "type": "percentage", "value": "10.0"}
    )
    _browse(app_server.url, shop_domain, key, str(order["id"]))
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    (held,) = _orders_of(merchant, "ben")
    assert held["rule"] == "code"
    # Anna's pixel signal lost: the order is listed with her as contested, not attributed to her
    (contested,) = _orders_of(merchant, "anna")
    assert contested["attributed"] is False and contested["contested_by_this_creator"] is True
    # Anna's funnel: her sessions' checkout completed, but the order is Ben's: no order, no revenue for her
    anna = _funnel(merchant, "anna")
    assert _counts(anna)["checkouts"] == 1 and _counts(anna)["orders"] == 0
    assert Decimal(anna["funnel"]["net_revenue"]) == 0


def test_product_mix_is_net_of_returns(merchant, runtime, stand_in, shop_domain, app_server):
    turn_on(merchant)
    order = stand_in.control.create_order(
        shop_domain,
        customer_id=7002,
        line_items=[
            {"title": "Trail mug", "price": "30.00", "quantity": 2, "product_id": 111},
            {"title": "Camp stool", "price": "45.00", "quantity": 1, "product_id": 333},
        ],
        discount_code={"code": "ANNA15", "type": "fixed_amount", "value": "0.00"},
    )
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    mug = next(line for line in order["line_items"] if line["title"] == "Trail mug")
    stand_in.control.refund_order(
        shop_domain, order["id"], line_items=[{"line_item_id": mug["id"], "quantity": 1}]
    )
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    products = _funnel(merchant, "anna")["products"]
    # mug: 2 x 30.00 - one returned 30.00 = 30.00; stool: 45.00 -> the stool first
    assert [(p["title"], Decimal(p["net_revenue"]), p["units"], p["returned_units"]) for p in products] == [
        ("Camp stool", Decimal("45.00"), 1, 0),
        ("Trail mug", Decimal("30.00"), 2, 1),
    ]
    assert products[0]["product_id"] == "333"


def _web_pixel(stand_in, shop):
    pixel = stand_in.control.storefront(shop)["web_pixel"]
    if pixel is None:
        return None
    settings = pixel["settings"]
    return json.loads(settings) if isinstance(settings, str) else settings


def test_turning_the_pixel_on_activates_shopifys_web_pixel_a_new_window_updates_it_and_off_deletes_it(
    merchant, runtime, stand_in, shop_domain, app_server
):
    # on before the scopes are granted: nothing is made in Shopify, and the merchant reads why
    state = turn_on(merchant)
    assert state["missing_scopes"] == ["write_pixels", "read_customer_events"]
    runtime.jobs.drain()
    assert _web_pixel(stand_in, shop_domain) is None
    waiting = merchant.get("/api/settings").json()["creator_pixel"]
    assert waiting["status"] == "error" and "write_pixels" in waiting["error"]
    # the merchant grants them: app/scopes_update brings the sync, and the pixel is made with its settings
    assert stand_in.control.request_scopes(shop_domain, SCOPES)["result"] == "granted-all"
    stand_in.control.wait_deliveries(shop_domain, "app/scopes_update")
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    made = _web_pixel(stand_in, shop_domain)
    assert made == {
        "endpoint": f"{app_server.url}/pixel/events",
        "shop": shop_domain,
        "key": pixel_key(runtime, shop_domain),
        "windowDays": "30",
    }
    assert merchant.get("/api/settings").json()["creator_pixel"]["status"] == "active"
    # a new window: the same pixel, updated
    saved = merchant.put("/api/settings", {"creator_pixel": {"window_days": 7}})
    assert saved.status_code == 200 and saved.json()["creator_pixel"]["window_days"] == 7
    runtime.jobs.drain()
    assert _web_pixel(stand_in, shop_domain)["windowDays"] == "7"
    # out of range: refused, nothing changed
    refused = merchant.put("/api/settings", {"creator_pixel": {"window_days": 91}})
    assert refused.status_code == 400 and "creator_pixel.window_days" in refused.json()["fields"]
    assert merchant.get("/api/settings").json()["creator_pixel"]["window_days"] == 7
    # off: Shopify's web pixel is deleted
    assert merchant.put("/api/settings", {"creator_pixel": {"enabled": False}}).status_code == 200
    runtime.jobs.drain()
    assert _web_pixel(stand_in, shop_domain) is None
    assert merchant.get("/api/settings").json()["creator_pixel"]["status"] == "off"
