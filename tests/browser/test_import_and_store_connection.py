"""The Import CSV and Store connection tabs as the merchant reads them, inside the admin frame with App
Bridge emulated: each imported row's badge names what happened to it, and the Store connection tab
speaks in the shop's time and in words, its internals behind a details toggle, its set-up checklist
ticked from what the shop has really done."""

from __future__ import annotations

import re

import pytest
from browser_support import serve_app_bridge
from support import Merchant, install

ISO_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")
# Elements reaching past the frame's right edge, those inside a box that scrolls sideways excepted.
WIDER_THAN_THE_FRAME = """b => {
  const edge = document.documentElement.clientWidth + 1;
  const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) {
    if (["auto", "scroll"].includes(getComputedStyle(p).overflowX)) return true; } return false; };
  return Array.from(b.querySelectorAll("*"))
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > edge && !scrolls(e))
    .map(e => e.tagName + "#" + e.id + "." + e.className).slice(0, 5);
}"""


@pytest.fixture
def merchant(app_server, stand_in, shop_domain, runtime):
    install(app_server.url, shop_domain)
    runtime.jobs.drain()  # shop details and the install's history import
    return Merchant(app_server.url, stand_in, shop_domain)


def _open(page, stand_in, shop_domain, settings, tab: str):
    serve_app_bridge(page, stand_in)
    page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}")
    frame = page.frame_locator("#app-frame")
    frame.locator("body[data-api-ready='1'], body[data-app-bridge='missing']").wait_for(timeout=30_000)
    assert frame.locator("body[data-app-bridge='missing']").count() == 0
    frame.locator(f'a[data-tab="{tab}"]').click()
    return frame


def _shoot_widths(page, frame, screenshots, name: str) -> None:
    """Screenshots at 1280, 1024 and 375 px; at each width nothing is wider than the app's frame."""
    for width in (1280, 1024, 375):
        page.set_viewport_size({"width": width, "height": 2000})  # tall: the frame shows the whole tab
        page.wait_for_timeout(200)  # let the layout settle after the resize (not a timing assertion)
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
        wide = frame.locator("body").evaluate(WIDER_THAN_THE_FRAME)
        assert wide == [], f"wider than the frame at {width} px: {wide}"


def test_each_imported_row_has_a_badge_saying_what_happened_to_it(
    merchant, runtime, stand_in, shop_domain, settings, page, screenshots
):
    stand_in.control.create_discount(shop_domain, "TAKEN10", percentage=0.1)
    frame = _open(page, stand_in, shop_domain, settings, "import")
    help_text = frame.locator("#import-help").inner_text()
    assert "10% off" in help_text and "name, handle and code" in help_text
    frame.locator("#import-text").fill(
        "name,handle,code,percent_off\n"
        "Jamie Lee,jamie,JAMIE10,\n"  # no discount value: the stated default
        "Too Much,toomuch,MUCH150,150\n"  # invalid: above 100 %
        "Taken,taken,taken10,15\n"  # clash: the code is the shop's already
    )
    frame.locator("button[type=submit]", has_text="Import").click()
    frame.locator("#import-report").wait_for(timeout=20_000)
    runtime.jobs.drain()
    frame.locator("#import-report h2", has_text="done").wait_for(timeout=20_000)

    badges = frame.locator("#import-report tbody .badge")
    assert badges.all_inner_texts() == ["created", "invalid", "clash"]
    assert frame.locator("#import-report .badge.paused").count() == 0
    invalid = frame.locator("#import-report tbody tr").nth(1).inner_text()
    assert "percent_off" in invalid and "between 0 and 100" in invalid
    _shoot_widths(page, frame, screenshots, "import-tab")


def test_store_connection_reads_in_words_with_internals_behind_a_toggle_and_a_ticked_checklist(
    merchant, runtime, stand_in, shop_domain, settings, page, screenshots
):
    item = [{"title": "Trail shoe", "price": "80.00", "quantity": 1}]
    stand_in.control.create_order(shop_domain, customer_id=9101, line_items=item)
    runtime.jobs.drain()  # its webhook arrives: a delivery with a time

    frame = _open(page, stand_in, shop_domain, settings, "status")
    status = frame.locator("#status-view")
    frame.locator("#reconcile-summary", has_text="History imported").wait_for(timeout=20_000)
    assert re.search(r"History imported\b.*: \d+ orders?", frame.locator("#reconcile-summary").inner_text())

    steps = frame.locator("#setup-steps")
    assert steps.locator("li[data-step=history_imported].done").count() == 1
    assert steps.locator("li[data-step=creator_added].done").count() == 0
    assert steps.locator("li[data-step=code_made].done").count() == 0

    details = status.locator("details#connection-details")
    assert details.count() == 1 and details.get_attribute("open") is None
    shown = status.inner_text()
    assert "queue depth" not in shown.lower() and "webhook" not in shown.lower()
    assert not ISO_STAMP.search(shown), shown
    details.locator("summary").click()
    shown = status.inner_text()
    assert "queue depth" in shown.lower() and "orders/create" in shown
    assert not ISO_STAMP.search(shown), shown
    # the shop's clock in words: "3 min ago", "just now" or "5 Dec 2026, 14:03"
    assert re.search(r"min ago|just now|\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", shown)
    # 13:03 UTC on 15 January is 14:03 in Berlin (CET, UTC+1), the shop's zone
    assert frame.locator("body").evaluate("() => CreatorROI.when('2026-01-15T13:03:00+00:00')") == (
        "15 Jan 2026, 14:03"
    )

    assert merchant.create_creator("anna", "ANNA15", "15").status_code == 201
    frame.locator('a[data-tab="roi"]').click()
    frame.locator('a[data-tab="status"]').click()
    steps.locator("li[data-step=code_made].done").wait_for(timeout=20_000)
    assert steps.locator("li[data-step=creator_added].done").count() == 1
    assert "Done" in steps.locator("li[data-step=creator_added]").inner_text()
    _shoot_widths(page, frame, screenshots, "store-connection-tab")
