"""#17 item 0 on the page: in a shop whose prices include tax (20 % VAT, EUR), an order edited down to one
Tee shows the revenue that is left, net of that Tee's discount and tax, in the creator's row.

By hand: Tee 60.00 x 2 and Cap 30.00 x 1 with ANNA10 (10 % off). The edit removes one Tee and the Cap.
Left: one Tee, 60.00 less half the Tee line's 12.00 discount = 54.00, less its tax 54.00 / 1.2 x 0.2 =
9.00 -> revenue 45.00; discount given 6.00. (Before the fix the page showed the tax of every ordered unit
taken out: 54.00 - 22.50 = 31.50.)"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from browser_support import open_app
from support import Merchant, install

WIDTHS = [(1280, 800), (1024, 768), (375, 800)]


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    m = Merchant(app_server.url, stand_in, shop_domain)
    assert m.create_creator("anna", "ANNA10", "10").status_code == 201
    return m


def test_an_edited_vat_inclusive_order_shows_what_is_left_net_of_tax(
    merchant, runtime, stand_in, shop_domain, app_server, settings, page, screenshots
):
    day = (date.today() - timedelta(days=3)).isoformat()
    order = stand_in.control.create_order(
        shop_domain,
        created_at=f"{day}T10:00:00Z",
        customer_id=41,
        line_items=[
            {"title": "Tee", "price": "60.00", "quantity": 2},
            {"title": "Cap", "price": "30.00", "quantity": 1},
        ],
        discount_code={"code": "ANNA10", "type": "percentage", "value": "10.0"},
        tax_rate="0.20",
        taxes_included=True,
    )
    tee, cap = (li["id"] for li in order["line_items"])
    stand_in.control.edit_order(
        shop_domain,
        order["id"],
        remove=[{"line_item_id": tee, "quantity": 1}, cap],
        created_at=f"{day}T12:00:00Z",
    )
    runtime.jobs.drain()

    frame = open_app(page, stand_in, shop_domain, settings.api_key, app_server.url)
    row = frame.locator("#roi-table tbody tr[data-handle=anna]")
    row.wait_for()
    assert row.locator("td[data-col='orders']").inner_text().strip() == "1"
    assert row.locator("td[data-col='net_revenue']").inner_text().split("\n")[0].strip() == "€45.00"
    body = frame.locator("#roi-page").inner_text()
    assert "from 1 order" in body and "1 orders" not in body  # one order is said as one
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        row.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"tax-inclusive-edit-{width}.png"))
