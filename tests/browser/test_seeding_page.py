"""Seeding from the page (#20 item 2): a sale marked as seeding from the creator's orders list stops counting
and becomes seeding spend at Shopify's cost; the Seeding page marks it sent and, after the follow-up days,
names the creator who never posted. Figures by hand.

Maya (code MAYA15: 15 % off): order A, 30 days ago, 1 Serum at 40.00 (revenue 34.00; Serum's cost per item in
Shopify 11.00); order B, 5 days ago, 1 Serum (34.00)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import requests
from browser_support import open_app
from support import Merchant, install


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def test_a_sale_marked_as_seeding_from_the_page_and_followed_up(
    merchant, runtime, stand_in, shop_domain, app_server, page, settings, screenshots
):
    assert merchant.create_creator("maya", "MAYA15").status_code == 201
    variant = requests.post(
        f"{stand_in.url}/_devstore/shops/{shop_domain}/products",
        timeout=60,
        json={"title": "Serum", "variants": [{"title": "30 ml", "price": "40.00", "unit_cost": "11.00"}]},
    ).json()["product"]["variants"][0]["id"]
    orders = []
    for days, customer in ((30, 7301), (5, 7302)):
        noon = (datetime.now(UTC) - timedelta(days=days)).replace(hour=12, minute=0, second=0, microsecond=0)
        orders.append(
            stand_in.control.create_order(
                shop_domain,
                created_at=noon.strftime("%Y-%m-%dT%H:%M:%SZ"),
                customer_id=customer,
                line_items=[{"title": "Serum", "price": "40.00", "quantity": 1, "variant_id": variant}],
                discount_code={"code": "MAYA15", "type": "percentage", "value": "15.0"},
            )
        )
    runtime.jobs.drain()

    frame = open_app(page, stand_in, shop_domain, settings.api_key, app_server.url)
    frame.evaluate("h => { location.hash = h; }", "#/roi/maya?range=last_90_days")
    row = frame.locator(f"#creator-orders tr[data-order='{orders[0]['id']}']")
    row.wait_for(timeout=30_000)
    page.once("dialog", lambda d: d.accept())
    row.get_by_role("button", name="Mark as seeding: " + orders[0]["name"]).click()
    frame.locator("#flash").get_by_text("Marked as seeding").wait_for(timeout=15_000)
    row = frame.locator(f"#creator-orders tr[data-order='{orders[0]['id']}']")
    row.get_by_text("seeding", exact=True).wait_for(timeout=15_000)
    assert frame.locator('[data-figure="orders"] .metric-value').inner_text() == "1"  # only B is a sale now
    span = (datetime.now(UTC) - timedelta(days=60)).date().isoformat()
    table = merchant.get(
        "/api/metrics/creators", params={"from": span, "to": datetime.now(UTC).date().isoformat()}
    )
    maya = next(r for r in table.json()["creators"] if r["handle"] == "maya")
    figures = (maya["orders"], Decimal(maya["revenue"]), Decimal(maya["seeding"]))
    assert figures == (1, Decimal("34.00"), Decimal("11.00"))  # seeding: 1 x 11.00, no shipping

    frame.evaluate("h => { location.hash = h; }", "#/seeding")
    frame.locator("#seedings").wait_for(timeout=30_000)
    seeding = frame.locator("#seedings tbody tr").first
    assert seeding.get_attribute("data-status") == "not_sent"
    sent = (datetime.now(UTC) - timedelta(days=28)).date().isoformat()
    seeding.locator("input[type=date]").fill(sent)
    seeding.get_by_role("button", name="Mark sent").click()
    frame.locator("#seeded-not-posted").wait_for(timeout=15_000)  # 28 days >= 21: not posted
    assert "Maya" in frame.locator("#seeded-not-posted").inner_text()
    assert frame.locator("#seedings tbody tr").first.get_attribute("data-status") == "not_posted"
    assert frame.locator('[data-figure="posting_rate"] .metric-value').inner_text() == "0.0%"  # 0 / (0 + 1)
    assert frame.locator('[data-figure="cost_per_post"] .metric-value').inner_text() == "—"  # no post
    for width, height in ((1280, 800), (1024, 768), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(screenshots / f"seeding-page-{width}.png"))

    # The follow-up days from the page: 0 is refused beside the field; at 30, 28 days is still waiting
    form = frame.locator("#seeding-days")
    form.get_by_label("A seeding is not posted after").fill("0")
    form.get_by_role("button", name="Save").click()
    form.locator("[data-field='seeding.follow_up_days'] .error-text").wait_for(timeout=15_000)
    assert merchant.get("/api/settings").json()["seeding"] == {"follow_up_days": 21}  # nothing stored
    form.get_by_label("A seeding is not posted after").fill("30")
    form.get_by_role("button", name="Save").click()
    frame.locator("#flash").get_by_text("Follow-up days saved").wait_for(timeout=15_000)
    frame.locator("#seedings tbody tr[data-status='waiting']").wait_for(timeout=15_000)
    assert frame.locator("#seeded-not-posted").count() == 0
    assert merchant.get("/api/settings").json()["seeding"] == {"follow_up_days": 30}

    # The payouts' return window is the same kind of form
    frame.evaluate("h => { location.hash = h; }", "#/payouts")
    hold = frame.locator("#payout-hold")
    hold.get_by_label("Hold commission for").fill("45")
    hold.get_by_role("button", name="Save").click()
    frame.locator("#flash").get_by_text("Return window saved").wait_for(timeout=15_000)
    assert merchant.get("/api/settings").json()["payouts"]["hold_days"] == 45
