"""A creator's page as the merchant uses it (#17 item 11): "See the orders" opens it at the orders, each
order number opens that order in the Shopify admin (the Navigation API's `shopify://admin/orders/{id}`),
a creator without sales gets an empty state instead of a $0-$1 chart, and the chart starts at the first day
with a sale."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from browser_support import open_admin, rendered_after, serve_app_bridge
from support import Merchant, install


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


@pytest.fixture
def open_app(app_server, stand_in, shop_domain, page, settings):
    serve_app_bridge(page, stand_in)

    def go(hash_path: str):
        frame = open_admin(page, stand_in, shop_domain, settings.api_key, app_server.url)
        rendered_after(frame, lambda: frame.evaluate("h => { location.hash = h; }", hash_path))
        return frame

    return go


def _orders(stand_in, shop_domain, days_ago: list[int]) -> list[dict]:
    now = datetime.now(UTC)
    return [
        stand_in.control.create_order(
            shop_domain,
            created_at=(now - timedelta(days=d, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            customer_id=9100 + i,
            line_items=[{"title": "Trail shoe", "price": "80.00", "quantity": 1}],
            discount_code={"code": "ANNA15", "type": "percentage", "value": "15.0"},
        )
        for i, d in enumerate(days_ago)
    ]


def test_see_the_orders_opens_at_them_and_an_order_opens_in_the_admin(
    merchant, runtime, stand_in, shop_domain, open_app, page, screenshots
):
    assert merchant.create_creator("anna", "ANNA15", "15").status_code == 201
    placed = _orders(stand_in, shop_domain, [2, 1])
    runtime.jobs.drain()
    frame = open_app("#/roi/anna?show=orders")
    card = frame.locator("#orders-card")
    card.wait_for()
    frame.wait_for_function("window.scrollY > 0")
    top, height = frame.evaluate(
        "[document.getElementById('orders-card').getBoundingClientRect().top, window.innerHeight]"
    )
    # Scrolled down to the orders card: its heading in view (at the top, or as far as the page scrolls).
    assert -2 <= top <= height - 60, (top, height)
    page.screenshot(path=str(screenshots / "creator-orders-shown.png"))

    link = frame.locator(f"#creator-orders a[href='shopify://admin/orders/{placed[0]['id']}']")
    assert link.inner_text() == placed[0]["name"] and link.get_attribute("target") == "_top"
    link.click()
    page.wait_for_url(re.compile(rf"/{re.escape(shop_domain)}/admin/orders/{placed[0]['id']}$"))
    assert page.locator("#admin-order").inner_text() == f"Order {placed[0]['name']}"


def test_a_creator_without_sales_gets_an_empty_state_not_a_zero_chart(merchant, open_app, page, screenshots):
    assert merchant.create_creator("zoe", "ZOE10", "10").status_code == 201
    frame = open_app("#/roi/zoe")
    series = frame.locator("#creator-series")
    series.wait_for()
    assert "No net revenue in this range" in series.inner_text()
    assert series.locator("svg").count() == 0
    page.screenshot(path=str(screenshots / "creator-no-sales.png"))


def test_the_chart_starts_at_the_first_day_with_a_sale(merchant, runtime, stand_in, shop_domain, open_app):
    assert merchant.create_creator("anna", "ANNA15", "15").status_code == 201
    placed = _orders(stand_in, shop_domain, [3])
    runtime.jobs.drain()
    today = datetime.now(UTC).date()
    start = (today - timedelta(days=29)).isoformat()
    frame = open_app(f"#/roi/anna?from={start}&to={today.isoformat()}&range=custom")
    legend = frame.locator("#creator-series .legend")
    legend.wait_for()
    first = datetime.fromisoformat(placed[0]["created_at"]).astimezone(UTC)  # Berlin's day: same or next
    text = legend.inner_text()
    days = {f"{d.day} {d.strftime('%b')} {d.year}" for d in (first.date(), first.date() + timedelta(days=1))}
    assert "the first day with a sale" in text and any(f"from {d}" in text for d in days), text
