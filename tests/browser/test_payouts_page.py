"""The Payouts page (#20 item 3): the ledger shows the commission spend counts beside the cash where they
differ (a clawback outstanding), a draft run is made, read and marked paid from the page. Figures by hand.

Maya (code MAYA15: 15 % off; commission 10 %): A, 60 days ago, 100.00 -> 85.00 (commission 8.50), paid in
a first run, then refunded in full; B, 10 days ago, 40.00 -> 34.00 (commission 3.40), inside the 30-day
return window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from browser_support import open_app
from support import Merchant, install


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _order(stand_in, shop, days_ago: int, customer: int, price: str) -> dict:
    noon = (datetime.now(UTC) - timedelta(days=days_ago)).replace(hour=12, minute=0, second=0, microsecond=0)
    return stand_in.control.create_order(
        shop,
        created_at=noon.strftime("%Y-%m-%dT%H:%M:%SZ"),
        customer_id=customer,
        line_items=[{"title": "Trail shoe", "price": price, "quantity": 1}],
        discount_code={"code": "MAYA15", "type": "percentage", "value": "15.0"},
    )


def _cells(frame, table: str, handle: str) -> list[str]:
    row = frame.locator(f"#{table} tr[data-handle={handle}]")
    return [c.split("\n")[0].strip() for c in row.locator("td").all_inner_texts()]


def test_the_payouts_page_shows_a_clawback_outstanding_and_pays_a_run(
    merchant, runtime, stand_in, shop_domain, app_server, page, settings, screenshots
):
    assert merchant.create_creator("maya", "MAYA15").status_code == 201
    a = _order(stand_in, shop_domain, 60, 8201, "100.00")
    _order(stand_in, shop_domain, 10, 8202, "40.00")
    runtime.jobs.drain()
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    first = merchant.post("/api/payouts", {"period_end": yesterday}).json()
    assert merchant.post(f"/api/payouts/{first['id']}/paid", {"reference": "PP-1"}).status_code == 200
    stand_in.control.refund_order(
        shop_domain, a["id"], line_items=[{"line_item_id": a["line_items"][0]["id"], "quantity": 1}]
    )
    runtime.jobs.drain()

    frame = open_app(page, stand_in, shop_domain, settings.api_key, app_server.url)
    frame.evaluate("h => { location.hash = h; }", "#/payouts")
    frame.locator("#payout-ledger-table").wait_for(timeout=30_000)
    # Commission (spend) 10 % x (0.00 + 34.00) = 3.40, all of it held (B); paid 8.50 on A, now worth 0:
    # 8.50 owed back; nothing payable now.
    assert _cells(frame, "payout-ledger-table", "maya") == [
        "€3.40",
        "€3.40",
        "€3.40",
        "€8.50",
        "€8.50",
        "€0.00",
    ]
    assert "differs" in frame.locator("#payout-ledger-table tr[data-handle=maya]").get_attribute("class")
    heading = frame.locator("#payout-ledger-table th", has_text="Clawbacks outstanding")
    assert "not yet taken back" in heading.get_attribute("title")
    assert frame.locator("#payout-runs tr[data-run]").count() == 1
    page.screenshot(path=str(screenshots / "payouts-page-1280.png"))

    frame.locator("#payout-new").get_by_role("button", name="Make a draft run").click()
    frame.locator("#payout-statements").wait_for(timeout=30_000)
    # maya: no new order past the window; A's 8.50 clawed back, nothing to take it from: 8.50 carried; B held.
    assert _cells(frame, "payout-statements", "maya") == [
        "0", "€0.00", "€0.00", "€0.00", "€8.50", "€0.00", "€0.00", "€8.50", "€3.40",
    ]  # fmt: skip
    assert "Draft" in frame.locator("#payout-run-facts").inner_text()
    page.screenshot(path=str(screenshots / "payout-run-draft-1280.png"))
    form = frame.locator("#payout-mark-paid")
    form.get_by_role("button", name="Mark paid").click()
    form.locator(".error-text", has_text="is required").wait_for(timeout=30_000)
    form.locator("input[name=reference]").fill("PP-2")
    form.get_by_role("button", name="Mark paid").click()
    frame.locator("#payout-run-facts", has_text="reference PP-2").wait_for(timeout=30_000)
    assert frame.locator("#payout-mark-paid").count() == 0
    assert frame.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    runs = merchant.get("/api/payouts").json()["runs"]
    assert [(r["status"], r["reference"]) for r in runs] == [("paid", "PP-2"), ("paid", "PP-1")]
