"""Adopting existing codes as staff do it inside the admin frame (App Bridge emulated): the shop's codes
are listed with the suggested creators ticked, a handle is corrected, "Adopt selected" says per row what
happened, and the creators list then shows them; nothing is created in the shop."""

from __future__ import annotations

import pytest
from browser_support import serve_app_bridge
from support import Merchant, install

# Elements reaching past the frame's right edge, those inside a box that scrolls sideways excepted
# (the check of test_import_and_store_connection.py).
WIDER_THAN_THE_FRAME = """b => {
  const edge = document.documentElement.clientWidth + 1;
  const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) {
    if (["auto", "scroll"].includes(getComputedStyle(p).overflowX)) return true; } return false; };
  return Array.from(b.querySelectorAll("*"))
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > edge && !scrolls(e))
    .map(e => e.tagName + "#" + e.id + "." + e.className).slice(0, 5);
}"""


def _shoot_widths(page, frame, screenshots, name: str) -> None:
    """Screenshots at 1280, 1024 and 375 px; at each width nothing is wider than the app's frame."""
    for width in (1280, 1024, 375):
        page.set_viewport_size({"width": width, "height": 2000})
        page.wait_for_timeout(200)  # let the layout settle after the resize (not a timing assertion)
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
        wide = frame.locator("body").evaluate(WIDER_THAN_THE_FRAME)
        assert wide == [], f"wider than the frame at {width} px: {wide}"


@pytest.fixture
def merchant(app_server, stand_in, shop_domain, runtime):
    for code, value in (("ANNA15", 0.15), ("BEN10", 0.1), ("WELCOME10", 0.1)):
        stand_in.control.create_discount(shop_domain, code, percentage=value)
    stand_in.control.create_discount(shop_domain, "ZED5", amount="5.00")
    install(app_server.url, shop_domain)
    runtime.jobs.drain()
    return Merchant(app_server.url, stand_in, shop_domain)


def test_existing_codes_are_adopted_from_the_creators_tab(
    merchant, runtime, stand_in, shop_domain, settings, page, screenshots
):
    serve_app_bridge(page, stand_in)
    page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}")
    frame = page.frame_locator("#app-frame")
    frame.locator("body[data-api-ready='1']").wait_for(timeout=30_000)
    frame.locator('a[data-tab="creators"]').click()
    frame.locator('#view a[href="#/creators/adopt"]').click()
    frame.locator("#adopt-table tbody tr").nth(3).wait_for(timeout=20_000)
    rows = frame.locator("#adopt-table tbody tr")
    assert [rows.nth(i).get_attribute("data-code") for i in range(4)][-1] == "WELCOME10"  # suggestions first
    welcome = frame.locator('tr[data-code="WELCOME10"] input[type="checkbox"]')
    assert welcome.is_checked() is False  # a promotion is not suggested
    assert frame.locator('tr[data-code="ANNA15"] input[type="checkbox"]').is_checked()
    assert frame.locator('input[aria-label="Handle for ANNA15"]').input_value() == "anna"
    frame.locator('input[aria-label="Name for ZED5"]').fill("Zed Lee")
    frame.locator('input[aria-label="Commission % for ANNA15"]').fill("10")
    frame.locator('input[aria-label="Handle for BEN10"]').fill("ben smith")  # a space: refused, alone
    _shoot_widths(page, frame, screenshots, "adopt-before")

    frame.locator("#adopt-selected").click()
    frame.locator('tr[data-code="ANNA15"] [data-result="adopted"]').wait_for(timeout=20_000)
    assert frame.locator('tr[data-code="ZED5"] [data-result="adopted"]').count() == 1
    refused = frame.locator('tr[data-code="BEN10"] td.result').inner_text()
    assert "refused" in refused and "handle use 1-64 letters" in refused
    frame.locator('input[aria-label="Handle for BEN10"]').fill("ben")  # corrected, adopted on its own
    frame.locator("#adopt-selected").click()
    frame.locator('tr[data-code="BEN10"] [data-result="adopted"]').wait_for(timeout=20_000)
    assert frame.locator('tr[data-code="WELCOME10"] [data-result]').count() == 0
    assert "null" not in frame.locator("#adopt-table").inner_text()
    _shoot_widths(page, frame, screenshots, "adopt-after")

    assert len(stand_in.control.discounts(shop_domain)) == 4  # nothing created in the shop
    creators = {c["handle"]: c for c in merchant.get("/api/creators").json()["creators"]}
    assert set(creators) == {"anna", "ben", "zed"} and creators["zed"]["name"] == "Zed Lee"
    assert creators["anna"]["commission_percent"] in ("10", "10.00", "10.0")


def test_a_new_install_with_creator_codes_is_offered_to_adopt_them_on_its_first_screen(
    merchant, stand_in, shop_domain, settings, page, screenshots
):
    """The merchant's first screen (the ROI page, no creator yet) names the shop's codes that look like a
    creator's (ANNA15, BEN10, ZED5; not WELCOME10) and leads to the adoption page."""
    serve_app_bridge(page, stand_in)
    page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}")
    frame = page.frame_locator("#app-frame")
    offer = frame.locator("#roi-existing-codes .banner")
    offer.wait_for(timeout=30_000)
    text = offer.inner_text()
    assert "already has 3 discount codes that look like a creator's" in text
    assert "ANNA15" in text and "WELCOME10" not in text
    _shoot_widths(page, frame, screenshots, "roi-existing-codes-offer")
    offer.get_by_role("link", name="Adopt existing codes").click()
    frame.locator("#adopt-table tbody tr").first.wait_for(timeout=20_000)
