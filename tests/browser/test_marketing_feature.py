"""#18 item 3 as a merchant meets it: Settings → "In your Shopify admin" lists "Creators in Shopify's
Marketing reports", off; turning it on asks Shopify (App Bridge's scopes API, the stand-in's admin) for
write_marketing_events and then sends the creators' activities at once."""

from __future__ import annotations

import pytest
from browser_support import open_app
from support import Merchant, install


@pytest.fixture
def frame(app_server, runtime, stand_in, shop_domain, page, settings):
    install(app_server.url, shop_domain)
    runtime.jobs.drain()
    frame = open_app(page, stand_in, shop_domain, settings.api_key, app_server.url)
    frame.locator(".tabs a", has_text="Settings").click()
    frame.locator("#shopify-features").wait_for()
    return frame


def test_turning_on_the_marketing_reports_asks_for_write_marketing_events(
    frame, app_server, runtime, stand_in, shop_domain
):
    merchant = Merchant(app_server.url, stand_in, shop_domain)
    assert merchant.post("/api/campaigns", {"name": "Winter drop"}).status_code == 201
    assert merchant.create_creator("maya", "MAYA15", campaigns=["Winter drop"]).status_code == 201
    row = frame.locator("[data-feature-row=marketing_activities]")
    assert row.locator("[data-state=marketing_activities]").inner_text() == "Off"
    assert "Needs your permission to write marketing events" in row.inner_text()

    row.get_by_role("button", name="Turn on").click()
    row.locator("[data-state=marketing_activities]", has_text="On").wait_for()
    assert "write_marketing_events" in stand_in.control.scopes(shop_domain)["granted"]
    stand_in.control.wait_deliveries(shop_domain, "app/scopes_update")  # the app learns of the grant
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    answer = merchant.get("/api/settings").json()["marketing_activities"]
    assert answer == {"enabled": True, "missing_scopes": []}
    levels = sorted(a["hierarchyLevel"] for a in stand_in.control.marketing(shop_domain)["activities"])
    assert levels == ["AD", "CAMPAIGN"]
