"""Order edits and returns in a shop whose prices include tax (#17), from the merchant's side: the ROI
table's figures for a creator after the stand-in's signed webhooks, and after the bulk backfill.

METRICS.md: revenue = gross sales - discounts - the tax on the lines (prices include tax); a line's
amounts follow the quantity an edit left on it (its discount and its tax); returns = the refunded lines'
subtotals less their tax; money from the shop side only (the shop's currency is EUR).

Every order here is the same basket in a 20 % VAT shop, with ANNA10 (10 % off):
  Tee 60.00 x 2 = 120.00, 10 % = 12.00 off -> 108.00, of which tax 108.00 / 1.2 x 0.2 = 18.00
  Cap 30.00 x 1 =  30.00, 10 % =  3.00 off ->  27.00, of which tax  27.00 / 1.2 x 0.2 =  4.50
  revenue as placed: 150.00 - 15.00 - 22.50 = 112.50 (= 135.00 / 1.2)
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from support import Merchant, finish_backfills, install

D = Decimal


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    m = Merchant(app_server.url, stand_in, shop_domain)
    assert m.create_creator("anna", "ANNA10", "10").status_code == 201
    return m


def _order(stand_in, shop: str, day: str, **extra) -> tuple[dict, int, int]:
    """The basket above, placed on `day`; (the order, the Tee's line id, the Cap's line id)."""
    order = stand_in.control.create_order(
        shop,
        created_at=f"{day}T10:00:00Z",
        customer_id=extra.pop("customer_id", 41),
        line_items=[
            {"title": "Tee", "price": "60.00", "quantity": 2},
            {"title": "Cap", "price": "30.00", "quantity": 1},
        ],
        discount_code={"code": "ANNA10", "type": "percentage", "value": "10.0"},
        tax_rate="0.20",
        taxes_included=True,
        **extra,
    )
    tee, cap = (li["id"] for li in order["line_items"])
    return order, tee, cap


def _anna(merchant: Merchant, day: str) -> dict:
    """anna's row of the ROI table over the days around `day`, money as Decimals."""
    first = date.fromisoformat(day)
    params = {
        "from": (first - timedelta(days=2)).isoformat(),
        "to": (first + timedelta(days=2)).isoformat(),
        "as_of": (first + timedelta(days=2)).isoformat(),
    }
    resp = merchant.get("/api/metrics/creators", params=params)
    assert resp.status_code == 200, resp.text
    (row,) = [r for r in resp.json()["creators"] if r["handle"] == "anna"]
    keys = ("revenue", "returns", "net_revenue", "discounts_given")
    return {"orders": row["orders"], **{k: D(row[k]) for k in keys}}


def _day(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


def test_an_edit_removing_a_unit_and_a_line_takes_their_discount_and_their_tax_out(
    merchant, runtime, stand_in, shop_domain
):
    day = _day(3)
    order, tee, cap = _order(stand_in, shop_domain, day)
    stand_in.control.edit_order(
        shop_domain,
        order["id"],
        remove=[{"line_item_id": tee, "quantity": 1}, cap],
        created_at=f"{day}T12:00:00Z",
    )
    runtime.jobs.drain()
    # Left: one Tee, 60.00 less half its 12.00 discount = 54.00, less half its 18.00 tax = 45.00
    # (= 54.00 / 1.2); the Cap is gone with its 3.00 discount and its 4.50 tax.
    assert _anna(merchant, day) == {
        "orders": 1,
        "revenue": D("45.00"),
        "returns": D("0.00"),
        "net_revenue": D("45.00"),
        "discounts_given": D("6.00"),
    }


def test_a_partial_return_is_net_of_its_tax(merchant, runtime, stand_in, shop_domain):
    day = _day(3)
    kept, kept_tee, _ = _order(stand_in, shop_domain, day, customer_id=42)
    edited, tee, cap = _order(stand_in, shop_domain, day, customer_id=43)
    stand_in.control.edit_order(shop_domain, edited["id"], remove=[cap], created_at=f"{day}T11:00:00Z")
    for order, line in ((kept, kept_tee), (edited, tee)):
        stand_in.control.refund_order(
            shop_domain,
            order["id"],
            created_at=f"{day}T12:00:00Z",
            line_items=[{"line_item_id": line, "quantity": 1}],
        )
    runtime.jobs.drain()
    # The unedited order: revenue 112.50. The edited one: the Tee alone, 120.00 - 12.00 - 18.00 = 90.00.
    # Each returns one Tee: 108.00 / 2 = 54.00 refunded, of which 18.00 / 2 = 9.00 tax -> 45.00 each.
    # revenue 112.50 + 90.00 = 202.50; returns 45.00 + 45.00 = 90.00; net 112.50;
    # discounts 15.00 + 12.00 = 27.00.
    assert _anna(merchant, day) == {
        "orders": 2,
        "revenue": D("202.50"),
        "returns": D("90.00"),
        "net_revenue": D("112.50"),
        "discounts_given": D("27.00"),
    }


def test_an_edited_order_paid_in_another_currency_counts_in_the_shops(
    merchant, runtime, stand_in, shop_domain
):
    day = _day(3)
    # Paid in GBP at 0.85 GBP to the euro: the buyer saw the Tee at 60.00 x 0.85 = 51.00
    order, tee, cap = _order(stand_in, shop_domain, day, presentment_currency="GBP", rate="0.85")
    assert order["line_items"][0]["price_set"]["presentment_money"] == {
        "amount": "51.00",
        "currency_code": "GBP",
    }
    stand_in.control.edit_order(
        shop_domain,
        order["id"],
        remove=[{"line_item_id": tee, "quantity": 1}, cap],
        created_at=f"{day}T12:00:00Z",
    )
    stand_in.control.refund_order(
        shop_domain,
        order["id"],
        created_at=f"{day}T13:00:00Z",
        line_items=[{"line_item_id": tee, "quantity": 1}],
    )
    runtime.jobs.drain()
    # In EUR, as in the first test: revenue 45.00; the last Tee returned: 54.00 less its 9.00 tax = 45.00.
    assert _anna(merchant, day) == {
        "orders": 1,
        "revenue": D("45.00"),
        "returns": D("45.00"),
        "net_revenue": D("0.00"),
        "discounts_given": D("6.00"),
    }


def test_the_backfill_reads_edits_and_returns_the_same_way(merchant, runtime, stand_in, shop_domain):
    # the install's backfill, of an empty shop
    assert {r["status"] for r in finish_backfills(runtime, merchant)} == {"done"}
    stand_in.control.faults(shop_domain, webhooks={"drop": 1.0, "seed": 4})  # no webhook reaches the app
    day = _day(4)
    first, tee, cap = _order(stand_in, shop_domain, day, customer_id=44)
    stand_in.control.edit_order(
        shop_domain,
        first["id"],
        remove=[{"line_item_id": tee, "quantity": 1}, cap],
        created_at=f"{day}T11:00:00Z",
    )
    second, tee2, cap2 = _order(
        stand_in, shop_domain, day, customer_id=45, presentment_currency="GBP", rate="0.85"
    )
    stand_in.control.edit_order(shop_domain, second["id"], remove=[cap2], created_at=f"{day}T11:00:00Z")
    stand_in.control.refund_order(
        shop_domain,
        second["id"],
        created_at=f"{day}T12:00:00Z",
        line_items=[{"line_item_id": tee2, "quantity": 1}],
    )
    stand_in.control.reset_faults(shop_domain)
    assert merchant.post("/api/backfill", {}).status_code == 202
    assert {r["status"] for r in finish_backfills(runtime, merchant)} == {"done"}
    # first: one Tee left, 60.00 - 6.00 - 9.00 = 45.00, discount 6.00.
    # second (paid in GBP, counted in EUR): the Tee alone, 120.00 - 12.00 - 18.00 = 90.00, discount 12.00;
    # one Tee returned: 54.00 - 9.00 = 45.00.
    # revenue 45.00 + 90.00 = 135.00; returns 45.00; net 90.00; discounts 6.00 + 12.00 = 18.00.
    assert _anna(merchant, day) == {
        "orders": 2,
        "revenue": D("135.00"),
        "returns": D("45.00"),
        "net_revenue": D("90.00"),
        "discounts_given": D("18.00"),
    }
