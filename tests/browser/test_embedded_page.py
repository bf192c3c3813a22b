"""The embedded page as a merchant's browser shows it when App Bridge cannot start. (The README's demo
command rendered in chromium is the first test of test_merchant_tour.py, on the tour's demo.)"""

from __future__ import annotations

import re

from support import install


def test_without_app_bridge_the_page_renders_and_says_plainly_it_cannot_work(
    app_server, stand_in, shop_domain, settings, page, screenshots
):
    """Shopify's CDN blocked (an ad blocker, a proxy): App Bridge never starts, so there is no
    session token to call the API with. The server-rendered page still shows, and says so."""
    install(app_server.url, shop_domain)
    page.route(re.compile(r"https://cdn\.shopify\.com/.*"), lambda route: route.abort())
    api_calls: list[str] = []
    page.on(
        "request", lambda r: api_calls.append(r.url) if r.url.startswith(app_server.url + "/api/") else None
    )
    page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}")
    frame = page.frame_locator("#app-frame")
    frame.locator("body[data-app-bridge='missing']").wait_for(timeout=20_000)
    assert frame.locator("h1").inner_text() == "Creator ROI"
    banner = frame.locator("#no-app-bridge")
    assert banner.is_visible() and "App Bridge did not start" in banner.inner_text()
    assert api_calls == []  # no call with a stale or missing token
    page.screenshot(path=str(screenshots / "embedded-app-without-app-bridge.png"))
