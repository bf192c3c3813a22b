"""Issue 17 as a merchant meets it: the README's demo shop, each numbered point looked at and checked in
the embedded page, with screenshots at 1280x800, 1024x768 and 375x800 in test-artifacts/screenshots/
(`tour-NN-<what>-<width>.png`). One demo for the module (it takes most of a minute to seed); the tests
run in file order and the later ones change the shop (a code paused, creators imported).

The figures asserted are read against rules stated here by hand (the default targets 1.5-5 %, the
campaign's dates, a row's ROAS beside its spend), never against the app's own arithmetic."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import time
import urllib.parse
from datetime import date, timedelta
from pathlib import Path

import pytest
from demo_support import run_demo
from playwright.sync_api import TimeoutError as PlaywrightTimeout

WIDTHS = ((1280, 800), (1024, 768), (375, 800))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with run_demo(tmp_path_factory.mktemp("tour")) as url:
        yield url


def app_frame(page):
    return next(f for f in page.frames if f != page.main_frame)


def open_app(page, demo, hash_=""):
    """The admin with the app in its frame, at `hash_` (a route of the page), ready to read."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(demo)
    page.frame_locator("#app-frame").locator("body[data-api-ready='1']").wait_for(timeout=30_000)
    frame = app_frame(page)
    if hash_:
        frame.evaluate("h => { location.hash = h; }", hash_)
    return frame


def wait_history_imported(frame):
    """The demo's install imports five months of history in the background: wait for it to end."""
    deadline = time.time() + 120
    while time.time() < deadline:
        runs = frame.evaluate("() => window.CreatorROI.api('/api/freshness')")["backfills"]
        if runs and all(r["status"] == "done" for r in runs):
            return
        time.sleep(1)
    pytest.fail("the demo's history import did not finish in 2 minutes")


def shoot(page, screenshots, name: str):
    """One screenshot per width; at each, the app's page must not scroll sideways."""
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        time.sleep(0.4)
        frame = app_frame(page)
        sideways = frame.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert sideways <= 0, f"{name} scrolls sideways by {sideways}px at {width}px"
        page.screenshot(path=str(screenshots / f"tour-{name}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 800})


def roi_ready(frame, query: str):
    """Open the ROI page on `query` and wait for the render of that range and campaign, not the one
    before it (under load its fetch can take longer than any fixed pause: CI read a stale 0)."""
    params = dict(urllib.parse.parse_qsl(query))
    before = frame.evaluate("() => document.body.dataset.roiReady || ''")
    frame.evaluate("q => { location.hash = '#/roi?' + q; }", query)
    frame.wait_for_function(
        """([before, from, to, campaign]) => {
            const b = document.body.dataset, key = (b.roiQuery || '').split('|');
            return b.roiReady !== before && (!from || key[0] === from) && (!to || key[1] === to)
                && key[3] === campaign;
        }""",
        arg=[before, params.get("from", ""), params.get("to", ""), params.get("campaign", "")],
        timeout=60_000,
    )
    frame.locator("#roi-table tfoot").first.wait_for(timeout=30_000)


def test_demo_url_renders_the_embedded_app_in_chromium(demo, page, screenshots):
    """The README's demo command (`python -m devstore.demo`, what `make demo` runs), as it comes up: first in
    the file, before the tour changes the shop."""
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


def test_the_history_import_ends_and_the_roi_page_shows(demo, page):
    frame = open_app(page, demo)
    frame.locator("body[data-roi-ready]").wait_for(timeout=30_000)
    wait_history_imported(frame)
    # Item 10: the demo's history reads as what it is, an import, not orders the webhooks had missed.
    frame = open_app(page, demo)
    run = frame.locator("#roi-freshness [data-fresh='run']")
    run.wait_for(timeout=30_000)
    assert run.inner_text().startswith("History imported") and "missed" not in run.inner_text()


def test_01_spend_over_periods(demo, page, screenshots):
    """The issue's finding: on Last 30 days six creators showed ROAS 10.00 (1 / their 10 % commission)
    because their fees were dated outside the range. A ROAS of exactly 10.00 now only happens to a
    creator the page names as having no spend in the range."""
    frame = open_app(page, demo)
    today = date.fromisoformat(frame.evaluate("() => new Date().toISOString().slice(0, 10)"))
    start = today - timedelta(days=29)
    roi_ready(frame, f"from={start}&to={today}")
    note = frame.locator("#roi-no-spend")
    named = set(re.findall(r"@(\w+)", note.inner_text())) if note.count() else set()
    tens = [
        r.get_attribute("data-handle")
        for r in frame.locator("#roi-table tbody tr[data-handle]").all()
        if r.locator("td[data-col='roas']").inner_text().split("\n")[0].strip() == "10.00"
    ]
    assert set(tens) <= named, f"ROAS 10.00 without being named as having no spend: {tens}"
    shoot(page, screenshots, "01-spend-periods")


def test_02_campaigns_are_dated(demo, page, screenshots):
    """'Spring launch' ran Jul 8 - Sep 5: on a range after it, it has no orders; on its own dates it has."""
    frame = open_app(page, demo)
    camps = frame.evaluate("() => window.CreatorROI.api('/api/campaigns')")["campaigns"]
    spring = next(c for c in camps if c["name"] == "Spring launch")
    ends = date.fromisoformat(spring["ends_on"])
    after = (ends + timedelta(days=10), ends + timedelta(days=40))
    roi_ready(frame, f"from={after[0]}&to={after[1]}&range=custom")
    assert frame.locator("#roi-campaign option").first.inner_text() == "All campaigns"
    roi_ready(frame, f"from={after[0]}&to={after[1]}&range=custom&campaign=Spring+launch")
    creators_row = frame.locator("#roi-table tfoot tr").first
    assert creators_row.locator("td[data-col='orders']").inner_text().strip() in ("0", "—")
    roi_ready(frame, f"from={spring['starts_on']}&to={spring['ends_on']}&range=custom&campaign=Spring+launch")
    orders = frame.locator("#roi-table tfoot tr").first.locator("td[data-col='orders']").inner_text().strip()
    assert int(orders.replace(",", "")) > 0
    shoot(page, screenshots, "02-campaign-dated")


def test_03_baseline_unknown_before_the_first_order(demo, page, screenshots):
    """Last 12 months: the equal period before it lies before the demo's five months of history."""
    frame = open_app(page, demo)
    today = date.fromisoformat(frame.evaluate("() => new Date().toISOString().slice(0, 10)"))
    roi_ready(frame, f"from={today - timedelta(days=364)}&to={today}&range=custom")
    baseline = frame.locator("#roi-baseline")
    text = baseline.inner_text()
    assert "—" in text and "$0.00" not in text
    assert "history" in frame.locator("#roi-baseline-unknown").inner_text().lower()
    frame.locator("#roi-baseline").scroll_into_view_if_needed()
    shoot(page, screenshots, "03-baseline-unknown")


def test_04_blended_totals_and_the_leak_mark(demo, page, screenshots):
    frame = open_app(page, demo)
    frame.locator("body[data-roi-ready]").wait_for(timeout=30_000)
    total = frame.locator("#roi-table tfoot tr").last.inner_text()
    assert "blended" in total.lower()
    assert frame.locator("#roas-chart [data-flag]").count() >= 1  # the leaked code's creator is marked
    frame.locator("#roi-table tfoot").scroll_into_view_if_needed()
    shoot(page, screenshots, "04-blended-total")


def test_05_range_targets_checked_both_ways(demo, page, screenshots):
    """Default conversion target 1.5-5 %: inside is green, below red, above amber, never 'meets'."""
    frame = open_app(page, demo)
    today = date.fromisoformat(frame.evaluate("() => new Date().toISOString().slice(0, 10)"))
    roi_ready(frame, f"from={today - timedelta(days=6)}&to={today}")
    checked = 0
    for cell in frame.locator("#roi-table tbody td[data-col='conversion_rate']").all():
        shown = cell.inner_text().split("\n")[0].strip()
        if not shown.endswith("%"):
            continue
        value, cls = float(shown[:-1].replace(",", "")), cell.get_attribute("class") or ""
        expected = "score-poor" if value < 1.5 else "score-good" if value <= 5.0 else "score-above"
        assert expected in cls, f"conversion {shown} has class {cls!r}"
        checked += 1
    assert checked >= 3
    frame.locator("#roi-table").scroll_into_view_if_needed()
    shoot(page, screenshots, "05-range-targets")


def test_06_pausing_from_the_leak_banner_says_so_at_once_and_after_a_reload(demo, page, screenshots):
    frame = open_app(page, demo)
    frame.locator("body[data-roi-ready]").wait_for(timeout=30_000)
    banner = frame.locator("[data-leak='tyler']").first
    shoot(page, screenshots, "06-leak-before")
    banner.get_by_role("button", name="Pause code").click()
    frame.locator("[data-leak='tyler'][data-acted='paused']").wait_for(timeout=15_000)
    assert "paused on" in frame.locator("[data-leak='tyler']").first.inner_text()
    frame = open_app(page, demo)
    frame.locator("[data-leak='tyler'][data-acted='paused']").wait_for(timeout=30_000)
    assert frame.locator("[data-leak='tyler'] button").count() == 0
    shoot(page, screenshots, "06-leak-paused")


def test_07_csv_import_badges_say_what_happened(demo, page, screenshots):
    frame = open_app(page, demo, "#/import")
    rows = "\n".join(
        [
            "name,handle,code",
            "Rita Moreno,rita,RITA10",  # enough columns: 10 % off by default
            "Bad Row,bad row,BAD10",  # a handle with a space
            "Maya Again,maya2,MAYA15",  # Maya's code, already in the shop
        ]
    )
    frame.locator("#import-text").fill(rows)
    frame.get_by_role("button", name="Import").click()
    frame.locator("#import-report [data-result]").nth(2).wait_for(timeout=30_000)
    frame.locator("#import-report h2", has_text="done").wait_for(timeout=30_000)
    results = {
        r.get_attribute("data-line"): r.locator("[data-result]").get_attribute("data-result")
        for r in frame.locator("#import-report tbody tr").all()
    }
    assert results == {"2": "created", "3": "invalid", "4": "clash"}
    shoot(page, screenshots, "07-csv-import")


def test_08_csv_export_is_plain_decimals(demo, page, screenshots):
    frame = open_app(page, demo)
    frame.locator("body[data-roi-ready]").wait_for(timeout=30_000)
    with page.expect_download() as got:
        frame.locator("#roi-export").click()
    text = Path(got.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    for row in rows:
        for key, value in row.items():
            assert "E+" not in value and "E-" not in value, (key, value)
        if row.get("roas") not in (None, ""):
            assert re.fullmatch(r"-?\d+\.\d{2}", row["roas"]), row["roas"]
    shoot(page, screenshots, "08-csv-export")


def test_09_settings(demo, page, screenshots):
    frame = open_app(page, demo, "#/settings")
    frame.locator("form [data-field='roas_min'] input").wait_for(timeout=30_000)
    assert frame.locator("text=Time zone").count() >= 1
    shoot(page, screenshots, "09-settings")


def test_10_store_connection_in_words(demo, page, screenshots):
    frame = open_app(page, demo, "#/status")
    steps = frame.locator("#setup-steps")
    steps.wait_for(timeout=30_000)
    for step in ("history_imported", "creator_added", "code_made", "link_made"):
        frame.locator(f"#setup-steps li.done[data-step='{step}']").wait_for(timeout=30_000)
    assert not frame.locator("#connection-details").evaluate("d => d.open")
    page_text = frame.locator("#status-view").inner_text()
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", page_text)  # no raw ISO stamps
    shoot(page, screenshots, "10-store-connection")


def test_11_creator_page(demo, page, screenshots):
    frame = open_app(page, demo, "#/roi/maya?show=orders")
    orders = frame.locator("#orders-card")
    orders.wait_for(timeout=30_000)
    # 'See the orders' scrolls them into view once they are drawn: wait for that (not a fixed pause, which a
    # loaded machine outlasts), then read where they are
    in_view = (
        "() => { const t = document.querySelector('#orders-card').getBoundingClientRect().top;"
        " return t > -2 && t < 800; }"
    )
    with contextlib.suppress(PlaywrightTimeout):
        frame.wait_for_function(in_view, timeout=15_000)
    top = orders.evaluate("e => e.getBoundingClientRect().top")
    assert -2 < top < 800, "'See the orders' leaves the orders in view (its top at the frame's, to a pixel)"
    href = frame.locator("#orders-card a[href^='shopify://admin/orders/']").first.get_attribute("href")
    assert re.fullmatch(r"shopify://admin/orders/\d+", href)
    shoot(page, screenshots, "11-creator-orders")
    frame.evaluate("() => { location.hash = '#/roi/noah'; }")
    frame.locator("#creator-no-sales").wait_for(timeout=30_000)
    assert frame.locator("#creator-series-card svg").count() == 0
    shoot(page, screenshots, "11-creator-no-sales")


def test_12_seeding_follow_up_names_the_creator_who_never_posted(demo, page, screenshots):
    """Issue 20: the demo's seedings were sent and linked to the posts they produced; Ella was seeded five
    months ago (the follow-up days are 21) and never posted; the gift tagged in Shopify ten days ago waits."""
    frame = open_app(page, demo, "#/seeding")
    frame.locator("#seeding-page").wait_for(timeout=30_000)
    banner = frame.locator("#seeded-not-posted")
    assert "Ella Brown" in banner.inner_text()
    statuses = frame.evaluate(
        "() => Array.from(document.querySelectorAll('#seedings tbody tr')).map(r => r.dataset.status)"
    )
    assert statuses.count("not_posted") == 1 and statuses.count("waiting") == 1
    assert statuses.count("posted") == len(statuses) - 2 >= 5
    ella = frame.locator("#seeding-creators tr[data-creator='ella'] td").all_inner_texts()
    assert ella[1:4] == ["1", "0", "1"] and ella[4] == "0.0%" and ella[5] == "—"  # sent, posted, not posted
    shoot(page, screenshots, "12-seeding")
