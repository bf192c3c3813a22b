"""#17 item 13: the ROI page's web vitals measured in the browser (LCP, CLS, INP) with Google's web-vitals
library, at 1280 px, and written to test-artifacts/web-vitals*.json. At load: each was measured and the
page did not shift while it loaded. Then what a merchant does on the page: change the date range so the
code-leak warnings above the table come and go, filter by a campaign, switch tabs, each answered after
more than 500 ms (CLS leaves out only the shifts within 500 ms of an input, so a slow shop's late redraw
counts); none may move what is on the page: CLS within Shopify's bar (Built for Shopify, p75: CLS <= 0.1)
and this app's goal (CLS <= 0.05). INP is printed: how fast the page loads and answers (LCP, INP) is a
timing, judged in bench/page_load.py (demo and 1M-order shops), not here."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import vitals_support
from browser_support import open_app, rendered_after
from support import Merchant, install

SLOW_S = 0.7  # each /api/metrics answer is held this long: past CLS's 500 ms input exemption


def test_the_roi_pages_web_vitals_are_measured(
    app_server, runtime, stand_in, shop_domain, page, settings, screenshots
):
    install(app_server.url, shop_domain)
    merchant = Merchant(app_server.url, stand_in, shop_domain)
    for handle, code in (("anna", "ANNA15"), ("ben", "BEN10"), ("chloe", "CHLOE20")):
        assert merchant.create_creator(handle, code, "15").status_code == 201
    now = datetime.now(UTC)
    for i in range(30):
        code = ("ANNA15", "BEN10", "CHLOE20")[i % 3]
        stand_in.control.create_order(
            shop_domain,
            created_at=(now - timedelta(days=i % 20, hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            customer_id=8800 + i,
            line_items=[{"title": "Trail shoe", "price": "80.00", "quantity": 1 + i % 2}],
            discount_code={"code": code, "type": "percentage", "value": "15.0"},
        )
    runtime.jobs.drain()
    frame = open_app(page, stand_in, shop_domain, settings.api_key, app_server.url)
    vitals_support.start(frame)
    presets = frame.locator("#roi-range option").evaluate_all("os => os.map(o => o.value)")
    current = frame.locator("#roi-range").input_value()
    others = [p for p in presets if p not in (current, "custom")][:2]
    # Interactions: sorts and range changes, each until the table rendered again.
    page.wait_for_timeout(300)
    loaded = vitals_support.read(frame)
    for column, preset in zip((2, 3), others, strict=True):
        rendered_after(frame, lambda c=column: frame.locator("#roi-table thead button.sort").nth(c).click())
        rendered_after(frame, lambda p=preset: frame.locator("#roi-range").select_option(p))
    page.wait_for_timeout(500)
    vitals = {**vitals_support.read(frame), "cls_at_load": loaded.get("cls")}
    screenshots.parent.joinpath("web-vitals.json").write_text(json.dumps(vitals, indent=2))
    print(
        f"\nweb vitals (ROI page, test shop): LCP {vitals.get('lcp_ms')} ms, CLS {vitals.get('cls')}, "
        f"INP {vitals.get('inp_ms', '< 16')} ms; CLS at load {vitals['cls_at_load']} "
        f"(Shopify's bar {vitals_support.SHOPIFY_BAR}, our goal {vitals_support.GOAL})"
    )
    assert vitals.get("lcp_ms") is not None and vitals.get("cls") is not None
    assert vitals["cls_at_load"] <= vitals_support.SHOPIFY_BAR["cls"]  # nothing moved while it loaded


@pytest.fixture
def leaky_shop(app_server, runtime, stand_in, shop_domain):
    """maya's code is on coupon sites 120 to 93 days ago (a leak warning in the last 6 and 12 months, none
    in the last 90 days); noah, in the campaign Spring launch, sold in the last 20 days, with no spend."""
    install(app_server.url, shop_domain)
    merchant = Merchant(app_server.url, stand_in, shop_domain)
    assert merchant.create_creator("maya", "MAYA20", "20").status_code == 201
    assert merchant.create_creator("noah", "NOAH10", "10", campaigns=["Spring launch"]).status_code == 201
    today = datetime.now(UTC).date()
    merchant.post(
        "/api/creators/maya/spend",
        {"kind": "fee", "date": (today - timedelta(days=110)).isoformat(), "amount": "400.00"},
    )
    stand_in.control.generate(
        shop_domain,
        seed=5,
        orders=90,
        start=datetime.combine(today - timedelta(days=120), datetime.min.time(), UTC).isoformat(),
        days=27,
        deliver=True,
        creator_share=0.6,
        until=datetime.now(UTC).isoformat(),
        creators=[
            {
                "handle": "maya",
                "code": "MAYA20",
                "percent": "20",
                "weight": 3,
                "link_share": 0.0,
                "no_link_share": 1.0,
                "referrers": ["https://www.retailmenot.com/"],
            },
        ],
    )
    now = datetime.now(UTC)
    for i in range(6):
        stand_in.control.create_order(
            shop_domain,
            created_at=(now - timedelta(days=3 * i + 1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            customer_id=6600 + i,
            line_items=[{"title": "Trail shoe", "price": "80.00", "quantity": 1}],
            discount_code={"code": "NOAH10", "type": "percentage", "value": "10.0"},
        )
    runtime.jobs.drain()
    return merchant


def _slow_metrics(page) -> None:
    """Every figures request answered SLOW_S late, as a big shop's may be."""

    def hold(route):
        time.sleep(SLOW_S)
        route.continue_()

    page.route(re.compile(r".*/api/metrics/.*"), hold)


def _leaks(frame) -> int:
    return frame.locator("[data-leak=maya]").count()


def _key(frame, select: str, key: str) -> None:
    """A merchant's key press on a select (a trusted input, so CLS leaves out what moves within 500 ms),
    then the redraw with the new figures."""
    rendered_after(frame, lambda: frame.locator(select).press(key))
    frame.locator("#roi-body:not(.loading)").wait_for()


def _tab(frame, name: str, view: str) -> None:
    frame.locator(".tabs a", has_text=name).click()
    frame.wait_for_function(
        "v => document.body.dataset.view === v"
        " && !document.querySelector('#view .loading, #view [aria-busy=true]')",
        arg=view,
        timeout=30_000,
    )


def _range_changes(frame) -> None:
    assert frame.locator("#roi-range").input_value() == "last_6_months" and _leaks(frame) == 1
    _key(frame, "#roi-range", "ArrowUp")
    assert frame.locator("#roi-range").input_value() == "last_90_days" and _leaks(frame) == 0  # gone
    _key(frame, "#roi-range", "ArrowDown")
    assert frame.locator("#roi-range").input_value() == "last_6_months" and _leaks(frame) == 1  # back
    _key(frame, "#roi-range", "ArrowDown")
    assert frame.locator("#roi-range").input_value() == "last_12_months" and _leaks(frame) == 1


def _campaign_changes(frame) -> None:
    assert _leaks(frame) == 1
    _key(frame, "#roi-campaign", "ArrowDown")
    assert frame.locator("#roi-campaign").input_value() == "Spring launch" and _leaks(frame) == 0
    _key(frame, "#roi-campaign", "ArrowUp")
    assert frame.locator("#roi-campaign").input_value() == "" and _leaks(frame) == 1


def _tab_switches(frame) -> None:
    for name, view in (("Creators", "creators"), ("Campaigns", "campaigns"), ("Settings", "settings")):
        _tab(frame, name, view)
    _tab(frame, "ROI", "roi")
    assert _leaks(frame) == 1


@pytest.mark.parametrize(
    "what, act",
    [("range", _range_changes), ("campaign", _campaign_changes), ("tabs", _tab_switches)],
)
def test_changing_range_campaign_or_tab_moves_nothing_on_the_page(
    leaky_shop, app_server, stand_in, shop_domain, page, settings, screenshots, what, act
):
    frame = open_app(page, stand_in, shop_domain, settings.api_key, app_server.url)
    vitals_support.start(frame)
    _slow_metrics(page)
    act(frame)
    page.wait_for_timeout(1200)  # the last session window of shifts closes (1 s without one)
    vitals, shifts = vitals_support.read(frame), vitals_support.shifts(frame)
    counted = [s for s in shifts if not s["after_input"]]
    screenshots.parent.joinpath(f"web-vitals-{what}.json").write_text(
        json.dumps({**vitals, "shifts": shifts}, indent=2)
    )
    print(
        f"\nweb vitals ({what} changes, each answered {SLOW_S * 1000:.0f} ms late): CLS {vitals.get('cls')}, "
        f"INP {vitals.get('inp_ms', '< 16')} ms; shifts counted: {counted}"
    )
    if what == "range":
        for width, height in ((1280, 800), (1024, 768), (375, 800)):
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(200)
            page.screenshot(path=str(screenshots / f"roi-leak-after-range-change-{width}.png"))
    # What moved is judged here (a layout's behaviour); how fast the page answered (INP) is a timing, printed
    # above and measured in bench/page_load.py: on a loaded CI machine the same page gave 152 ms.
    cls = vitals.get("cls", 0)
    assert cls <= vitals_support.SHOPIFY_BAR["cls"] and cls <= vitals_support.GOAL["cls"], counted
