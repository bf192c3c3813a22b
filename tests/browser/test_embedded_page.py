"""The README's demo command, and the embedded page as a merchant's browser shows it."""

from __future__ import annotations

import re

import pytest
from demo_support import run_demo
from support import install


@pytest.fixture
def demo(tmp_path):
    """`python -m devstore.demo` (what `make demo` runs) on free ports, on its embedded defaults."""
    with run_demo(tmp_path) as url:
        yield url


def test_demo_url_renders_the_embedded_app_in_chromium(demo, page, screenshots):
    page.goto(demo)
    frame = page.frame_locator("#app-frame")
    frame.locator("h1", has_text="Creator ROI").wait_for(timeout=20_000)
    # The page's script called /api/ with session tokens from the admin (App Bridge's job).
    frame.locator("body[data-api-ready='1']").wait_for(timeout=20_000)
    assert frame.locator("text=demo-shop.myshopify.com").first.is_visible()
    # The ROI page on the demo shop's generated history: a dozen creators, one code leaked.
    frame.locator("body[data-roi-ready]").wait_for(timeout=20_000)
    frame.locator("#roi-table tr[data-handle]").first.wait_for(timeout=20_000)
    assert frame.locator("#roi-table tr[data-handle]").count() == 12
    assert frame.locator("[data-leak='tyler']").count() == 1
    page.screenshot(path=str(screenshots / "demo-embedded-app.png"))
    page.set_viewport_size({"width": 1280, "height": 2400})
    page.screenshot(path=str(screenshots / "demo-roi-page-full.png"))


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
