"""#18 item 6 as a merchant meets it: the Settings tab's "In your Shopify admin" features are off until
turned on, and turning one on asks Shopify (App Bridge's scopes API, the stand-in's admin answering as
Shopify's does) for the optional scopes it needs; declined, nothing changes."""

from __future__ import annotations

import pytest
from browser_support import open_app
from support import Merchant, install

WIDTHS = [(1280, 800), (1024, 768), (375, 800)]


@pytest.fixture
def features(app_server, runtime, stand_in, shop_domain, page, settings):
    install(app_server.url, shop_domain)
    runtime.jobs.drain()
    frame = open_app(page, stand_in, shop_domain, settings.api_key, app_server.url)
    frame.locator(".tabs a", has_text="Settings").click()
    frame.locator("#shopify-features").wait_for()
    return frame, Merchant(app_server.url, stand_in, shop_domain)


def test_turning_on_creators_in_shopify_reports_asks_for_the_write_scopes(
    features, stand_in, shop_domain, page, screenshots
):
    frame, merchant = features
    row = frame.locator("[data-feature-row=creator_metafields]")
    assert row.locator("[data-state=creator_metafields]").inner_text() == "Off"
    assert "Needs your permission to write orders and write customers" in row.inner_text()
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        row.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"settings-shopify-features-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not {"write_orders", "write_customers"} & set(stand_in.control.scopes(shop_domain)["granted"])

    row.get_by_role("button", name="Turn on").click()
    row.locator("[data-state=creator_metafields]", has_text="On").wait_for()
    assert {"write_orders", "write_customers"} <= set(stand_in.control.scopes(shop_domain)["granted"])
    assert merchant.get("/api/settings").json()["creator_metafields"]["enabled"] is True

    row.get_by_role("button", name="Turn off").click()
    row.locator("[data-state=creator_metafields]", has_text="Off").wait_for()
    assert merchant.get("/api/settings").json()["creator_metafields"]["enabled"] is False


def test_declining_the_scopes_leaves_the_feature_off(features, stand_in, shop_domain):
    frame, merchant = features
    stand_in.control.answer_scope_requests(shop_domain, "decline")
    row = frame.locator("[data-feature-row=creator_metafields]")
    row.get_by_role("button", name="Turn on").click()
    row.locator(".feature-note", has_text="You declined").wait_for()
    assert row.locator("[data-state=creator_metafields]").inner_text() == "Off"
    assert merchant.get("/api/settings").json()["creator_metafields"]["enabled"] is False
    assert not {"write_orders", "write_customers"} & set(stand_in.control.scopes(shop_domain)["granted"])


def test_turning_on_campaigns_on_the_analytics_timeline_asks_for_its_scopes_and_marks_a_campaign(
    features, runtime, stand_in, shop_domain
):
    frame, merchant = features
    row = frame.locator("[data-feature-row=analytics_annotations]")
    assert "Needs your permission to write analytics annotations and write reports" in row.inner_text()
    row.get_by_role("button", name="Turn on").click()
    row.locator("[data-state=analytics_annotations]", has_text="On").wait_for()
    granted = set(stand_in.control.scopes(shop_domain)["granted"])
    assert {"write_analytics_annotations", "write_reports"} <= granted
    made = merchant.post("/api/campaigns", {"name": "Winter drop", "starts_on": "2026-11-01"})
    assert made.status_code == 201
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    titles = [a["title"] for a in stand_in.control.analytics(shop_domain)["annotations"]]
    assert titles == ["Winter drop"]
