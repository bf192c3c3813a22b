"""#17: an axe-core scan (WCAG 2.1 A and AA) of every page of the app, with data on it, reports no serious
or critical violation, at the three widths the page is checked at; and no page scrolls sideways, nor does a
headline figure overflow its card, from a phone (375 px) to a desktop (1280 px)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
from axe_support import scan
from support import Merchant, install

PAGES = (
    "#/roi",
    "#/roi/anna",
    "#/creators",
    "#/creators/new",
    "#/creators/adopt",
    "#/creators/anna",
    "#/campaigns",
    "#/campaigns/{campaign_id}",
    "#/seeding",
    "#/payouts",
    "#/payouts/{run_id}",
    "#/import",
    "#/status",
    "#/settings",
)


@pytest.fixture
def shop_with_data(app_server, runtime, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    merchant = Merchant(app_server.url, stand_in, shop_domain)
    assert merchant.create_creator("anna", "ANNA15", "15", campaigns=["Spring launch"]).status_code == 201
    assert merchant.create_creator("ben", "BEN10", "10").status_code == 201
    merchant.post(
        "/api/creators/anna/spend",
        {"kind": "fee", "date": datetime.now(UTC).date().isoformat(), "amount": "120.00"},
    )
    now = datetime.now(UTC)
    for i in range(4):
        stand_in.control.create_order(
            shop_domain,
            created_at=(now - timedelta(days=i + 1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            customer_id=7700 + i,
            line_items=[{"title": "Trail shoe", "price": "80.00", "quantity": 1}],
            discount_code={"code": "ANNA15", "type": "percentage", "value": "15.0"},
        )
    runtime.jobs.drain()
    merchant.campaign_id = merchant.get("/api/campaigns").json()["campaigns"][0]["id"]
    merchant.put("/api/settings", {"payouts": {"hold_days": 0}})  # a draft run with anna's orders in it
    merchant.run_id = merchant.post("/api/payouts", {"period_end": now.date().isoformat()}).json()["id"]
    return merchant


OVERFLOW = """() => {
  const de = document.documentElement;
  const figures = [...document.querySelectorAll('.metric-value')]
    .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent);
  return { page: de.scrollWidth > de.clientWidth ? de.scrollWidth : null, figures: figures };
}"""


def _each_page(app_server, stand_in, shop_domain, browser, settings, width, height, check, ids) -> dict:
    """Open the app at this size and run `check(frame)` on every page; page -> what it found (if any)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    shim = requests.get(f"{stand_in.url}/_devstore/app-bridge.js", timeout=60).text
    page.route(
        re.compile(r"https://cdn\.shopify\.com/.*"),
        lambda route: route.fulfill(status=200, content_type="application/javascript", body=shim),
    )
    found = {}
    try:
        page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}")
        page.frame_locator("#app-frame").locator("body[data-roi-ready]").wait_for(timeout=30_000)
        frame = next(f for f in page.frames if f.url.startswith(app_server.url))
        for path in PAGES:
            frame.evaluate("h => { location.hash = h; }", path.format(**ids))
            frame.wait_for_load_state()
            frame.wait_for_function("() => !document.querySelector('#view .loading, #view [aria-busy=true]')")
            page.wait_for_timeout(300)  # the view's data rendered
            result = check(frame)
            if result:
                found[path] = result
    finally:
        context.close()
    return found


@pytest.mark.parametrize("width, height", [(1280, 800), (1024, 768), (375, 800)])
def test_every_page_has_no_serious_or_critical_accessibility_violation(
    shop_with_data, app_server, stand_in, shop_domain, browser, settings, width, height
):
    ids = {"campaign_id": shop_with_data.campaign_id, "run_id": shop_with_data.run_id}
    found = _each_page(app_server, stand_in, shop_domain, browser, settings, width, height, scan, ids)
    assert found == {}, found


@pytest.mark.parametrize("width", [375, 900, 1024, 1100, 1280])
def test_no_page_scrolls_sideways_and_no_headline_figure_overflows_its_card(
    shop_with_data, app_server, stand_in, shop_domain, browser, settings, width
):
    def overflow(frame):
        got = frame.evaluate(OVERFLOW)
        return got if got["page"] or got["figures"] else None

    ids = {"campaign_id": shop_with_data.campaign_id, "run_id": shop_with_data.run_id}
    found = _each_page(app_server, stand_in, shop_domain, browser, settings, width, 800, overflow, ids)
    assert found == {}, found
