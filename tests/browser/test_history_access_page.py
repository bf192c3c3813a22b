"""The merchant asks for the whole order history on the Store connection page: the button calls App
Bridge's `shopify.scopes.request(["read_all_orders"])` (shopify.dev "Scopes API"), the admin answers
as the merchant does (grant or decline), and the page says what happened. Granted: Shopify's
`app/scopes_update` and the page's own check start one full-history backfill. Declined: nothing
changes, the page says so and the button stays."""

from __future__ import annotations

import time

import pytest
from browser_support import serve_app_bridge
from support import Merchant, install


@pytest.fixture
def merchant(app_server, stand_in, shop_domain, runtime):
    install(app_server.url, shop_domain)
    runtime.jobs.drain()  # shop details and the install backfill (60 days: read_all_orders is optional)
    return Merchant(app_server.url, stand_in, shop_domain)


def _open_status(page, stand_in, shop_domain, settings):
    page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}")
    frame = page.frame_locator("#app-frame")
    frame.locator("body[data-api-ready='1'], body[data-app-bridge='missing']").wait_for(timeout=30_000)
    assert frame.locator("body[data-app-bridge='missing']").count() == 0, (
        "App Bridge did not start in the app's page"
    )
    frame.locator('a[data-tab="status"]').click()
    card = frame.locator("#history-access")
    card.wait_for(timeout=30_000)
    return card


def _wait_until(predicate, seconds: float = 30, tick=None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if tick is not None:
            tick()
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail("the condition never came true")


def test_allowing_access_grants_read_all_orders_and_loads_the_full_history(
    merchant, app_server, runtime, stand_in, shop_domain, settings, page, screenshots
):
    serve_app_bridge(page, stand_in)
    card = _open_status(page, stand_in, shop_domain, settings)
    assert card.get_attribute("data-state") == "not-granted"
    assert "last 60 days" in card.inner_text()

    card.get_by_role("button", name="Allow access to all orders").click()

    card.locator("[data-field=history-access-message]", has_text="Access to all orders granted").wait_for(
        timeout=30_000
    )
    assert card.get_attribute("data-state") == "granted"
    assert "read_all_orders" in stand_in.control.scopes(shop_domain)["granted"]

    def loaded() -> bool:
        status = merchant.get("/api/history-access").json()
        return status["granted"] and (status["full_history"] or {}).get("status") == "done"

    _wait_until(loaded, tick=runtime.jobs.drain)
    page.screenshot(path=str(screenshots / "history-access-granted.png"))


def test_declining_changes_nothing_and_the_page_says_so(
    merchant, app_server, runtime, stand_in, shop_domain, settings, page, screenshots
):
    serve_app_bridge(page, stand_in)
    stand_in.control.answer_scope_requests(shop_domain, "decline")
    card = _open_status(page, stand_in, shop_domain, settings)

    card.get_by_role("button", name="Allow access to all orders").click()

    card.locator(
        "[data-field=history-access-message]", has_text="You declined access to all orders"
    ).wait_for(timeout=30_000)
    assert card.get_by_role(
        "button", name="Allow access to all orders"
    ).is_enabled()  # the merchant may ask again
    runtime.jobs.drain()
    assert merchant.get("/api/history-access").json()["granted"] is False
    assert stand_in.control.scopes(shop_domain)["granted"] == stand_in.control.scopes(shop_domain)["required"]
    page.screenshot(path=str(screenshots / "history-access-declined.png"))
