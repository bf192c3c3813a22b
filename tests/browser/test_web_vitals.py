"""#17 item 13: the ROI page's web vitals measured in the browser (LCP, CLS, INP) on a shop with creators
and orders, at 1280 px, and written to test-artifacts/web-vitals.json; the figures are judged in
bench/page_load.py (demo and 1M-order shops), not here. Here: each was measured, and the page did not
shift while it loaded (CLS at load within Shopify's bar). A range change may move what is below the notes
when the notes above the table change with the range; CLS over the interactions is reported, not judged."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import requests
import vitals_support
from support import Merchant, install


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
    shim = requests.get(f"{stand_in.url}/_devstore/app-bridge.js", timeout=10).text
    page.route(
        re.compile(r"https://cdn\.shopify\.com/.*"),
        lambda route: route.fulfill(status=200, content_type="application/javascript", body=shim),
    )
    page.goto(f"{stand_in.origin(shop_domain)}/admin/apps/{settings.api_key}")
    page.frame_locator("#app-frame").locator("body[data-roi-ready]").wait_for(timeout=30_000)
    frame = next(f for f in page.frames if f.url.startswith(app_server.url))
    vitals_support.start(frame)
    presets = frame.locator("#roi-range option").evaluate_all("os => os.map(o => o.value)")
    current = frame.locator("#roi-range").input_value()
    others = [p for p in presets if p not in (current, "custom")][:2]
    # Interactions: sorts and range changes, each until the table rendered again.
    page.wait_for_timeout(300)
    loaded = vitals_support.read(frame)
    for column, preset in zip((2, 3), others, strict=True):
        for action in (
            lambda c=column: frame.locator("#roi-table thead button.sort").nth(c).click(),
            lambda p=preset: frame.locator("#roi-range").select_option(p),
        ):
            before = frame.evaluate("document.body.dataset.roiReady")
            action()
            frame.wait_for_function("n => document.body.dataset.roiReady !== n", arg=before, timeout=30_000)
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
