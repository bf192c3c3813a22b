"""Campaigns are dated (#17): with a campaign selected, an order counts only inside the campaign's dates and
only for its one campaign (METRICS.md "Campaigns": the utm_campaign slug first, else the campaign that
started last). Every expected figure is worked out by hand in the comments."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from support import Merchant, install

D = Decimal
RANGE = {"from": "2026-07-01", "to": "2026-09-30", "as_of": "2026-12-01"}


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _row(body, handle):
    return next(r for r in body["creators"] if r["handle"] == handle)


def _place_orders(stand_in, shop):
    """Anna's four orders (shop in New York; noon local, so each is on the local date written)."""
    item = lambda price: [{"title": "Trail shoe", "price": price, "quantity": 1}]  # noqa: E731
    code = {"code": "ANNA15", "type": "percentage", "value": "15.0"}
    place = stand_in.control.create_order
    # 10 Jul: 100.00 - 15 % = 85.00; only Spring launch (8 Jul - 5 Sep) contains the day.
    place(
        shop,
        created_at="2026-07-10T12:00:00-04:00",
        customer_id=1,
        line_items=item("100.00"),
        discount_code=code,
    )
    # 10 Aug: 200.00 - 15 % = 170.00; both campaigns contain it, no utm_campaign: Summer drop started last.
    place(
        shop,
        created_at="2026-08-10T12:00:00-04:00",
        customer_id=2,
        line_items=item("200.00"),
        discount_code=code,
    )
    # 12 Aug: 60.00 by anna's link with utm_campaign=spring-launch: both contain it, the slug picks Spring.
    place(
        shop,
        created_at="2026-08-12T12:00:00-04:00",
        customer_id=3,
        line_items=item("60.00"),
        landing_site="/?ref=anna&utm_content=anna&utm_campaign=Spring-Launch%20",
    )
    # 20 Sep: 40.00 - 15 % = 34.00: after both campaigns ended, so in no campaign.
    place(
        shop,
        created_at="2026-09-20T12:00:00-04:00",
        customer_id=4,
        line_items=item("40.00"),
        discount_code=code,
    )


def test_a_campaign_counts_only_its_own_orders_inside_its_dates(merchant, runtime, stand_in, shop_domain):
    for name, starts, ends in (
        ("Spring launch", "2026-07-08", "2026-09-05"),
        ("Summer drop", "2026-08-01", "2026-08-31"),
    ):
        made = merchant.post("/api/campaigns", {"name": name, "starts_on": starts, "ends_on": ends})
        assert made.status_code == 201, made.text
    made = merchant.create_creator("anna", "ANNA15", "15", campaigns=["Spring launch", "Summer drop"])
    assert made.status_code == 201, made.text
    _place_orders(stand_in, shop_domain)
    runtime.jobs.drain()

    def table(campaign=None):
        params = {**RANGE, **({"campaign": campaign} if campaign else {})}
        return merchant.get("/api/metrics/creators", params=params).json()

    everything, spring, summer = table(), table("Spring launch"), table("Summer drop")
    # No filter: all four orders, 85.00 + 170.00 + 60.00 + 34.00 = 349.00.
    assert (_row(everything, "anna")["orders"], D(_row(everything, "anna")["revenue"])) == (4, D("349.00"))
    # Spring launch: 10 Jul (85.00) and 12 Aug by its utm_campaign (60.00) = 145.00; not 10 Aug (Summer
    # drop's), not 20 Sep (after 5 Sep). Commission 10 % of 145.00 = 14.50, its only spend.
    anna = _row(spring, "anna")
    assert (anna["orders"], D(anna["revenue"]), D(anna["commission"])) == (2, D("145.00"), D("14.50"))
    assert D(anna["roas"]) == D("145.00") / D("14.50")  # 10
    # Summer drop: 10 Aug only, 170.00. 145.00 + 170.00 = 315.00 = 349.00 - the 34.00 in no campaign.
    assert (_row(summer, "anna")["orders"], D(_row(summer, "anna")["revenue"])) == (1, D("170.00"))
    # Totals are the rows plus unattributed (empty with a filter), to the cent.
    assert spring["unattributed"]["orders"] == 0
    assert (spring["totals"]["orders"], D(spring["totals"]["revenue"])) == (2, D("145.00"))

    # The creator detail and the time series read the same orders.
    detail = merchant.get("/api/metrics/creators/anna", params={**RANGE, "campaign": "Spring launch"}).json()
    assert (detail["creator"]["orders"], D(detail["creator"]["net_revenue"])) == (2, D("145.00"))
    series = merchant.get(
        "/api/metrics/timeseries",
        params={"from": "2026-07-01", "to": "2026-08-31", "campaign": "Spring launch"},
    ).json()
    by_day = {p["date"]: D(p["attributed"]) for p in series["points"]}
    assert (by_day["2026-07-10"], by_day["2026-08-10"], by_day["2026-08-12"]) == (
        D("85.00"),
        D(0),
        D("60.00"),
    )
    assert sum(by_day.values()) == D("145.00")
    # The CSV is the same table: Spring's anna row says 145.00.
    text = merchant.get("/api/metrics/creators.csv", params={**RANGE, "campaign": "Spring launch"}).text
    line = next(r for r in csv.DictReader(io.StringIO(text)) if r.get("handle") == "anna")
    assert D(line["revenue"]) == D("145.00")


def test_the_demo_range_after_a_campaign_shows_none_of_its_figures(merchant, runtime, stand_in, shop_domain):
    # Spring launch ran 8 Jul - 5 Sep; a read of 6 Nov - 5 Dec holds none of its days: nothing counts.
    assert (
        merchant.post(
            "/api/campaigns", {"name": "Spring launch", "starts_on": "2026-07-08", "ends_on": "2026-09-05"}
        ).status_code
        == 201
    )
    assert merchant.create_creator("anna", "ANNA15", "15", campaigns=["Spring launch"]).status_code == 201
    stand_in.control.create_order(
        shop_domain,
        created_at="2026-11-10T12:00:00-05:00",
        customer_id=9,
        line_items=[{"title": "Trail shoe", "price": "100.00", "quantity": 1}],
        discount_code={"code": "ANNA15", "type": "percentage", "value": "15.0"},
    )
    runtime.jobs.drain()
    params = {"from": "2026-11-06", "to": "2026-12-05", "as_of": "2026-12-05"}
    assert _row(merchant.get("/api/metrics/creators", params=params).json(), "anna")["orders"] == 1  # 85.00
    spring = _row(
        merchant.get("/api/metrics/creators", params={**params, "campaign": "Spring launch"}).json(), "anna"
    )
    assert (spring["orders"], D(spring["revenue"])) == (0, D(0))
