"""The ROI page's campaign filter and spend notes as the owner reads them (#17)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
import requests
from support import Merchant, install


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _open(page, app_server, stand_in, shop_domain, settings):
    shim = requests.get(f"{stand_in.url}/_devstore/app-bridge.js", timeout=60).text
    page.route(
        re.compile(r"https://cdn\.shopify\.com/.*"),
        lambda route: route.fulfill(status=200, content_type="application/javascript", body=shim),
    )
    page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}")
    page.frame_locator("#app-frame").locator("body[data-roi-ready]").wait_for(timeout=30_000)
    return next(f for f in page.frames if f.url.startswith(app_server.url))


def test_the_campaign_filter_offers_all_campaigns_and_a_creator_without_spend_is_noted(
    merchant, runtime, stand_in, shop_domain, app_server, page, settings
):
    assert merchant.create_creator("anna", "ANNA15", "15", campaigns=["Spring"]).status_code == 201
    yesterday = datetime.now(UTC) - timedelta(days=1)
    stand_in.control.create_order(
        shop_domain,
        created_at=yesterday.isoformat(),
        customer_id=1,
        line_items=[{"title": "Trail shoe", "price": "100.00", "quantity": 1}],
        discount_code={"code": "ANNA15", "type": "percentage", "value": "15.0"},
    )
    runtime.jobs.drain()
    frame = _open(page, app_server, stand_in, shop_domain, settings)
    options = frame.locator("#roi-campaign option").all_inner_texts()
    assert options == ["All campaigns", "Spring"]
    # A campaign made elsewhere (its own tab, another staff member) is offered when the ROI page is opened
    # again, without reloading the app.
    assert merchant.post("/api/campaigns", json={"name": "Autumn"}).status_code == 201
    frame.locator(".tabs a", has_text="Creators").click()
    frame.locator("body[data-view=creators]").wait_for()
    frame.locator(".tabs a", has_text="ROI").click()
    frame.locator("#roi-campaign option", has_text="Autumn").wait_for(state="attached")
    frame.locator("#roi-no-spend").wait_for()
    # anna sold yesterday and has no fee, seeding or other cost: her ROAS is commission only, and the page
    # says so in words.
    note = frame.locator("#roi-no-spend").inner_text()
    assert "1 creator has sales in this range but no spend dated in it (@anna)" in note
    assert "commission only" in note

    # On anna's page a retainer is entered for a month: February 2026 runs 1-28 Feb (2026 is no leap year).
    before = frame.evaluate("document.body.dataset.roiReady")
    frame.locator("#roi-table tbody tr[data-handle=anna] td.creator a").click()
    frame.wait_for_function("n => document.body.dataset.roiReady !== n", arg=before, timeout=30_000)
    add = frame.locator("#spend-card form.spend-form").last
    add.locator("select[name=period]").select_option("month")
    add.locator("input[name=month]").fill("2026-02")
    add.locator("input[name=amount]").fill("2800.00")
    add.get_by_role("button", name="Add spend").click()
    frame.locator("#spend-lines tbody tr[data-entry]", has_text="spread over").wait_for(timeout=30_000)
    entry = merchant.get("/api/creators/anna/spend").json()["entries"][0]
    assert (entry["period_start"], entry["period_end"], D(entry["amount"])) == (
        "2026-02-01",
        "2026-02-28",
        D("2800.00"),
    )
