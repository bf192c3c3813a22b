"""A creator's posts and their report link, on the page (issue 20): the merchant adds a post on the ROI page
and sees its engagement rate and sales after it (counted by hand); makes a report link on the creator's
page, opens it as the creator would, and revokes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from browser_support import open_admin, rendered_after, serve_app_bridge
from support import Merchant, install


@pytest.fixture
def open_app(app_server, stand_in, shop_domain, page, settings):
    serve_app_bridge(page, stand_in)

    def go(hash_path: str):
        frame = open_admin(page, stand_in, shop_domain, settings.api_key, app_server.url)
        rendered_after(frame, lambda: frame.evaluate("h => { location.hash = h; }", hash_path))
        return frame

    return go


def test_a_post_on_the_page_and_a_report_link_for_the_creator(
    app_server, runtime, stand_in, shop_domain, open_app, page, screenshots
):
    install(app_server.url, shop_domain)
    merchant = Merchant(app_server.url, stand_in, shop_domain)
    assert merchant.create_creator("anna", "ANNA15").status_code == 201
    posted = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    post = {
        "platform": "instagram",
        "url": "https://instagram.com/p/abc",
        "posted_at": posted.isoformat(),
        "reach": 4000,
        "likes": 150,
        "comments": 30,
        "shares": 10,
        "saves": 10,
    }  # 200 / 4,000 = 5.0 %
    assert merchant.post("/api/creators/anna/posts", post).status_code == 201
    stand_in.control.create_order(  # 60.00 less 15 % = 51.00, four hours after the post
        shop_domain,
        created_at=(posted + timedelta(hours=4)).isoformat(),
        customer_id=7301,
        line_items=[{"title": "Mug", "price": "60.00", "quantity": 1}],
        discount_code={"code": "ANNA15", "type": "percentage", "value": "15.0"},
    )
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()

    frame = open_app("#/roi/anna?preset=last_30_days")
    row = frame.locator("#posts-table tbody tr[data-post]")
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    assert "5.0%" in cells[4]  # engagement rate
    assert "1 · €51.00" in cells[6]  # sales within a day of the post (a euro shop)
    page.screenshot(path=str(screenshots / "posts-card.png"), full_page=True)

    frame.evaluate("h => { location.hash = h; }", "#/creators/anna")
    card = frame.locator("#report-links-card")
    card.wait_for()
    card.get_by_role("button", name="Make a report link").click()
    url = card.locator("#report-made code").inner_text()
    assert "/r/" in url
    report = requests.get(url, timeout=30)
    assert report.status_code == 200 and 'data-figure="net_revenue">51.00' in report.text
    card.locator("tr[data-report-link]").wait_for()
    card.get_by_role("button", name="Revoke").click()
    card.locator("tr[data-report-link] .badge", has_text="revoked").wait_for()
    assert requests.get(url, timeout=30).status_code == 410
