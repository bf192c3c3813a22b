"""The creators pages as staff see them inside the admin frame, with App Bridge emulated."""

from __future__ import annotations

import re

import pytest
import requests
from support import Merchant, install


@pytest.fixture
def admin_page(app_server, stand_in, shop_domain, page, settings):
    """The stand-in's admin frame for the shop; App Bridge's CDN script is served by the stand-in's shim."""
    install(app_server.url, shop_domain)
    shim = requests.get(f"{stand_in.url}/_devstore/app-bridge.js", timeout=60).text
    page.route(
        re.compile(r"https://cdn\.shopify\.com/.*"),
        lambda route: route.fulfill(status=200, content_type="application/javascript", body=shim),
    )
    page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}")
    return page


def test_creators_list_add_form_with_collision_and_links_panel(
    admin_page, app_server, stand_in, shop_domain, screenshots
):
    page = admin_page
    merchant = Merchant(app_server.url, stand_in, shop_domain)
    frame = page.frame_locator("#app-frame")
    frame.locator("#roi-empty").wait_for(timeout=20_000)  # the ROI page is the first tab
    frame.locator(".tabs a", has_text="Creators").click()
    frame.locator("text=Add your first creator").wait_for(timeout=20_000)
    page.screenshot(path=str(screenshots / "creators-empty.png"))

    for handle, code, pct, platform, followers in (
        ("anna", "ANNA15", "15", "instagram", 48000),
        ("ben", "BEN10", "10", "tiktok", 120000),
        ("chloe", "CHLOE20", "20", "youtube", 9500),
    ):
        assert (
            merchant.create_creator(
                handle, code, pct, platform=platform, followers=followers, campaigns=["Spring launch"]
            ).status_code
            == 201
        )
    stand_in.control.create_discount(shop_domain, "SUMMER25", percentage=0.25, title="Summer sale")

    page.reload()
    frame = page.frame_locator("#app-frame")
    frame.locator(".tabs a", has_text="Creators").click()
    frame.locator("#creators-table tbody tr").nth(2).wait_for(timeout=20_000)
    assert frame.locator("#creators-table tbody tr").count() == 3
    page.screenshot(path=str(screenshots / "creators-list.png"))

    frame.locator("a.button.primary", has_text="Add creator").click()
    frame.locator("#f-name").fill("Dana Cruz")
    frame.locator("#f-handle").fill("dana")
    frame.locator("#f-code").fill("summer25")  # exists in the shop, in another case
    frame.locator("#f-percent_off").fill("25")
    frame.locator("button[type=submit]").click()
    alert = frame.locator(".form-banner [role=alert]")
    alert.wait_for(timeout=20_000)
    assert "SUMMER25" in alert.inner_text().upper() and "Shopify admin" in alert.inner_text()
    page.screenshot(path=str(screenshots / "add-creator-collision.png"))

    frame.locator("#f-code").fill("DANA25")
    frame.locator("button[type=submit]").click()
    frame.locator("#links-panel").wait_for(timeout=20_000)
    frame.locator("button", has_text="Create tracked link").click()
    frame.locator("#tracked-links tbody tr").first.wait_for(timeout=20_000)
    assert "/discount/DANA25" in frame.locator("#links-panel").inner_text()
    frame.locator("#links-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "creator-links-panel.png"))
    frame.locator("#links-panel").screenshot(path=str(screenshots / "creator-links-panel-only.png"))
    assert [d for d in stand_in.control.discounts(shop_domain) if "DANA25" in str(d["codes"])]
