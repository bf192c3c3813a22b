"""#18 item 4 on the Settings tab: the Shopify Flow triggers are off until the merchant turns them on, and
turning them on needs no permission from Shopify (flowTriggerReceive asks for no extra scope)."""

from __future__ import annotations

from browser_support import open_app
from support import Merchant, install


def test_the_merchant_turns_the_flow_triggers_on_without_a_scope_prompt(
    app_server, runtime, stand_in, shop_domain, page, settings
):
    install(app_server.url, shop_domain)
    runtime.jobs.drain()
    frame = open_app(page, stand_in, shop_domain, settings.api_key, app_server.url)
    frame.locator(".tabs a", has_text="Settings").click()
    row = frame.locator("[data-feature-row=flow_triggers]")
    assert row.locator("[data-state=flow_triggers]").inner_text() == "Off"
    assert "Needs your permission" not in row.inner_text()
    granted = set(stand_in.control.scopes(shop_domain)["granted"])

    row.get_by_role("button", name="Turn on").click()
    row.locator("[data-state=flow_triggers]", has_text="On").wait_for()
    merchant = Merchant(app_server.url, stand_in, shop_domain)
    assert merchant.get("/api/settings").json()["flow_triggers"]["enabled"] is True
    assert set(stand_in.control.scopes(shop_domain)["granted"]) == granted
