"""The ROI figures out of the JSON API, against METRICS.md's worked examples (computed by hand there)."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from shopify_roi.models import Creator, Order, Shop
from support import Merchant, install
from test_order_pipeline import worked_example_3

D = Decimal


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _row(body, handle):
    return next(r for r in body["creators"] if r["handle"] == handle)


def test_worked_example_3_through_webhooks_gives_every_figure(merchant, runtime, stand_in, shop_domain):
    assert merchant.create_creator("anna", "ANNA15", "15", commission_percent="10").status_code == 201
    assert merchant.post("/api/creators/anna/spend", {"kind": "fee", "date": "2026-03-01", "amount": "300.00"}).status_code == 201
    seeding = merchant.post("/api/creators/anna/spend", {"kind": "seeding", "date": "2026-03-02", "units": 2,
                                                         "unit_cost": "12.00", "shipping": "8.00"}).json()
    assert D(seeding["amount"]) == D("32.00")  # 2 x 12.00 + 8.00
    worked_example_3(stand_in, shop_domain)
    runtime.jobs.drain()

    body = merchant.get("/api/metrics/creators", params={"from": "2026-03-01", "to": "2026-03-31", "as_of": "2026-07-01"}).json()
    anna = _row(body, "anna")
    spend = D("300.00") + D("32.00") + D("17.30")  # fee + seeding + 10 % of net revenue 173.00
    expected = {
        "orders": 4, "revenue": D("249.50"), "returns": D("76.50"), "net_revenue": D("173.00"),
        "return_rate": D("76.50") / D("249.50"), "aov": D("249.50") / 4, "commission": D("17.30"), "spend": spend,
        "roas": D("173.00") / spend, "gross_roas": D("249.50") / spend, "roi": (D("173.00") - spend) / spend,
        "new_customers": 3, "cac": spend / 3, "cpa": spend / 4, "repeat_rate_90d": D(1) / D(3), "immature_customers": 0,
        "discounts_given": D("15.00") + D("12.00") + D("6.00") + D("7.50"), "contested_revenue": D(0),
        "fees": D("300.00"), "seeding": D("32.00"), "other_costs": D(0),
    }
    got = {k: (D(anna[k]) if isinstance(anna[k], str) else anna[k]) for k in expected}
    assert got == expected
    # What the page shows, rounded half up (METRICS.md): 0.50, 0.71, -50.5 %, 116.43, 87.33, 33.3 %.
    assert round(D(anna["roas"]), 2) == D("0.50") and round(D(anna["gross_roas"]), 2) == D("0.71")
    assert round(D(anna["roi"]) * 100, 1) == D("-50.5") and round(D(anna["cac"]), 2) == D("116.43")
    # Totals are the sum of the rows plus unattributed; nothing unattributed in March.
    assert body["unattributed"]["orders"] == 0
    assert body["totals"]["orders"] == 4 and D(body["totals"]["net_revenue"]) == D("173.00")
    assert body["unattributed"]["roas"] is None  # no spend: undefined, shown "—"


def _fixture_creator(runtime, shop_domain, handle, orders: int, revenue_each: Decimal, day: str):
    """A creator with attributed orders written straight into the facts (worked examples 1-2)."""
    with runtime.db.session() as session:
        shop = session.scalar(select(Shop).where(Shop.domain == shop_domain))
        creator = Creator(shop_id=shop.id, handle=handle, name=handle.title())
        session.add(creator)
        session.flush()
        at = datetime.fromisoformat(f"{day}T12:00:00+00:00").astimezone(timezone.utc)
        session.add_all(Order(shop_id=shop.id, shopify_id=f"{creator.id}{i:06d}", created_at=at, shopify_updated_at=at,
                              counted=True, revenue=revenue_each, gross=revenue_each, creator_id=creator.id, rule="code",
                              customer_id=f"{creator.id}{i:06d}", is_first=True) for i in range(orders))


def test_worked_examples_1_and_2(merchant, runtime, shop_domain):
    _fixture_creator(runtime, shop_domain, "casestudy", 1560, D("100.00"), "2026-02-10")  # 156,000 over 1,560 orders
    _fixture_creator(runtime, shop_domain, "seedfour", 50, D("100.00"), "2026-02-11")  # 5,000
    merchant.post("/api/creators/casestudy/spend", {"kind": "fee", "date": "2026-02-01", "amount": "22500"})
    merchant.post("/api/creators/seedfour/spend", {"kind": "other", "date": "2026-02-01", "amount": "500"})
    body = merchant.get("/api/metrics/creators", params={"from": "2026-02-01", "to": "2026-02-28", "as_of": "2026-11-01"}).json()
    one, two = _row(body, "casestudy"), _row(body, "seedfour")
    assert round(D(one["roas"]), 2) == D("6.93") and round(D(one["roi"]) * 100, 1) == D("593.3")
    assert round(D(one["cpa"]), 2) == D("14.42") and D(one["revenue"]) == D("156000")
    assert D(two["roas"]) == D(10) and D(two["roi"]) * 100 == D(900)
    assert D(body["totals"]["revenue"]) == D(one["revenue"]) + D(two["revenue"]) + D(body["unattributed"]["revenue"])


def test_csv_export_and_the_orders_behind_annas_numbers(merchant, runtime, stand_in, shop_domain):
    import csv
    import io

    merchant.create_creator("anna", "ANNA15", "15", commission_percent="10")
    orders = worked_example_3(stand_in, shop_domain)
    runtime.jobs.drain()
    params = {"from": "2026-03-01", "to": "2026-03-31", "as_of": "2026-07-01"}
    csv_rows = list(csv.DictReader(io.StringIO(merchant.get("/api/metrics/creators.csv", params=params).text)))
    assert [r["handle"] for r in csv_rows] == ["anna", "", ""]  # anna, unattributed, totals
    assert D(csv_rows[0]["net_revenue"]) == D("173.00") and csv_rows[1]["roas"] == ""  # undefined stays empty
    behind = merchant.get("/api/metrics/creators/anna/orders", params={"from": "2026-03-01", "to": "2026-03-31"}).json()["orders"]
    assert [(o["order_id"], o["rule"], o["new_customer"]) for o in behind] == [
        (str(orders["1001"]["id"]), "code", True), (str(orders["1002"]["id"]), "code", False),
        (str(orders["1003"]["id"]), "link", True), (str(orders["1004"]["id"]), "code", True)]
    assert behind[2]["signals"]["codes"] == ["WELCOME10"] and behind[2]["signals"]["ref"] == "anna"
    assert sum(D(o["revenue"]) for o in behind) == D("249.50") and sum(D(o["returns"]) for o in behind) == D("76.50")
