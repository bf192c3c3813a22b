"""Issue #17 (items 3-5) through the JSON API, as the merchant reads it: a baseline only where the app
holds the orders behind it, the totals row's ratios labelled blended, and range targets judged at both
ends. Expected values are worked out by hand in the comments (METRICS.md)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
import requests
from support import Merchant, install
from worked_examples import worked_example_3

D = Decimal
BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 "
    "Mobile Safari/604.1"
)


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _baseline(merchant, start: str, end: str) -> dict:
    return merchant.get("/api/metrics/creators", params={"from": start, "to": end}).json()["baseline"]


def test_a_baseline_before_the_first_order_held_is_unknown_with_its_reason(
    merchant, runtime, stand_in, shop_domain
):
    merchant.create_creator("anna", "ANNA15", "15")
    worked_example_3(stand_in, shop_domain)  # the earliest order: C2's, 15 January 2026 (50.00)
    runtime.jobs.drain()

    # 10 Feb - 16 Mar is 35 days: the baseline 6 Jan - 9 Feb starts before 15 Jan, the first order held.
    early = _baseline(merchant, "2026-02-10", "2026-03-16")
    assert (early["baseline_from"], early["baseline_to"]) == ("2026-01-06", "2026-02-09")
    assert early["baseline_revenue"] is None and early["incremental_revenue"] is None  # unknown, not 0
    assert early["revenue"] == "249.5"  # 85 + 68 + 54 + 42.50: the period itself is known
    reason = early["unknown_reason"]
    assert "15 January 2026" in reason and "6 January 2026" in reason
    assert "history import" in reason or "imports your history" in reason
    assert "read_all_orders" in reason and "60 days" in reason  # the test shop has no read_all_orders

    # One day later it starts on 15 Jan itself: 19 Feb - 25 Mar (35 days), baseline 15 Jan - 18 Feb.
    known = _baseline(merchant, "2026-02-19", "2026-03-25")
    assert known == {
        "from": "2026-02-19",
        "to": "2026-03-25",
        "baseline_from": "2026-01-15",
        "baseline_to": "2026-02-18",
        "revenue": "249.5",  # 85 + 68 + 54 + 42.50
        "baseline_revenue": "50",  # C2's 50.00 of 15 January
        "incremental_revenue": "199.5",  # 249.50 - 50.00
        "unknown_reason": None,
    }
    # 18 Feb - 24 Mar: baseline 14 Jan - 17 Feb, a day before the first order held: unknown again.
    assert _baseline(merchant, "2026-02-18", "2026-03-24")["baseline_revenue"] is None

    # 1-31 March: baseline 25 Jan - 24 Feb, after 15 Jan: the app holds those days, nothing sold: 0.
    march = _baseline(merchant, "2026-03-01", "2026-03-31")
    assert (march["baseline_revenue"], march["incremental_revenue"], march["unknown_reason"]) == (
        "0",
        "249.5",
        None,
    )


def test_a_shop_without_orders_has_no_baseline(merchant):
    body = _baseline(merchant, "2026-03-01", "2026-03-31")
    assert body["baseline_revenue"] is None and body["incremental_revenue"] is None
    assert body["revenue"] == "0" and "no orders yet" in body["unknown_reason"]


def test_the_totals_rows_ratios_are_labelled_blended_in_the_api_and_the_csv(
    merchant, runtime, stand_in, shop_domain
):
    assert merchant.create_creator("anna", "ANNA15", "15", commission_percent="10").status_code == 201
    merchant.post("/api/creators/anna/spend", {"kind": "fee", "date": "2026-03-01", "amount": "300.00"})
    merchant.post(
        "/api/creators/anna/spend",
        {"kind": "seeding", "date": "2026-03-02", "units": 2, "unit_cost": "12.00", "shipping": "8.00"},
    )
    worked_example_3(stand_in, shop_domain)
    # An unattributed order in March: new customer C9, 100.00, no code, no link.
    stand_in.control.create_order(
        shop_domain,
        created_at="2026-03-10T12:00:00-05:00",
        customer_id=2009,
        line_items=[{"title": "Trail shoe", "price": "100.00", "quantity": 1}],
    )
    runtime.jobs.drain()
    params = {"from": "2026-03-01", "to": "2026-03-31", "as_of": "2026-07-01"}
    body = merchant.get("/api/metrics/creators", params=params).json()
    totals = body["totals"]
    spend = D("300.00") + D("32.00") + D("17.30")  # anna's: fee + seeding + 10 % of 173.00 = 349.30
    net = D("173.00") + D("100.00")  # anna's net revenue + the unattributed order = 273.00
    assert D(totals["spend"]) == spend and D(totals["net_revenue"]) == net
    assert D(totals["roas"]) == net / spend  # 273.00 / 349.30 = 0.7815... (0.78)
    assert D(totals["roi"]) == (net - spend) / spend  # -76.30 / 349.30 = -0.2184... (-21.8 %)
    assert totals["orders"] == 5 and totals["new_customers"] == 4  # C1, C3, C4 and C9
    assert D(totals["cac"]) == spend / 4 and D(totals["cpa"]) == spend / 5  # 87.325 (87.33), 69.86
    # Labelled blended, each with its definition in plain words; no other row is blended.
    assert set(totals["blended"]) == {"roas", "roi", "cac", "cpa"}
    assert totals["blended"]["roas"].startswith("Blended ROAS: net revenue of all counted orders")
    assert "creators' spend" in totals["blended"]["cpa"]
    assert "blended" not in body["attributed_totals"] and "blended" not in body["unattributed"]
    assert all("blended" not in r for r in body["creators"])

    rows = list(csv.reader(io.StringIO(merchant.get("/api/metrics/creators.csv", params=params).text)))
    head = rows[0]
    total_row = dict(zip(head, rows[-1], strict=True))
    assert total_row["name"].startswith("All orders (blended ROAS, ROI, CAC and CPA")
    assert total_row["roas"] == "0.78"  # 273.00 / 349.30 = 0.78157..., shown to 2 decimals
    assert D(total_row["roas_exact"]) == (net / spend).quantize(D("1E-12"), rounding=ROUND_HALF_UP)
    assert dict(zip(head, rows[1], strict=True))["name"] == "Anna"  # a creator's row is as it was


def test_a_rate_above_its_target_range_is_above_not_on_target(merchant, runtime, stand_in, shop_domain):
    merchant.create_creator("anna", "ANNA15", "15")
    merchant.create_creator("ben", "BEN10", "10")
    anna = merchant.post("/api/creators/anna/links", {}).json()["short_url"]
    ben = merchant.post("/api/creators/ben/links", {}).json()["short_url"]
    for url, visitors in ((anna, 4), (ben, 40)):
        for i in range(visitors):
            requests.get(
                url,
                headers={"User-Agent": BROWSER, "X-Forwarded-For": f"10.9.{i // 250}.{i % 250}"},
                allow_redirects=False,
                timeout=60,
            )
    # Clicks are counted on the shop's day (Europe/Berlin), which is not UTC's near midnight.
    today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    item = [{"title": "Trail shoe", "price": "80.00", "quantity": 1}]
    # anna: one order through her link, no code. ben: one order with his code.
    stand_in.control.create_order(
        shop_domain,
        created_at=f"{today}T10:00:00+00:00",
        customer_id=8801,
        line_items=item,
        landing_site="/?ref=anna&utm_content=anna",
    )
    stand_in.control.create_order(
        shop_domain,
        created_at=f"{today}T10:00:00+00:00",
        customer_id=8802,
        line_items=item,
        discount_code={"code": "BEN10", "type": "percentage", "value": "10.0"},
    )
    runtime.jobs.drain()
    params = {"from": today, "to": today}
    body = merchant.get("/api/metrics/creators", params=params).json()
    rows = {r["handle"]: r for r in body["creators"]}
    # Default targets: conversion 1.5-5 %, redemption 2-10 %.
    # anna: 1 order / 4 clicks = 25 % conversion, above 5 %: "above", not "good";
    #       0 code orders / 4 clicks = 0 % redemption, below 2 %: "poor".
    assert D(rows["anna"]["conversion_rate"]) == D("0.25")
    assert rows["anna"]["scores"]["conversion_rate"] == "above"
    assert rows["anna"]["scores"]["redemption_rate"] == "poor"
    # ben: 1 / 40 = 2.5 % conversion (in 1.5-5 %) and 1 / 40 = 2.5 % redemption (in 2-10 %): good.
    assert (rows["ben"]["scores"]["conversion_rate"], rows["ben"]["scores"]["redemption_rate"]) == (
        "good",
        "good",
    )
    # All orders: the creators' 2 orders / 44 clicks = 4.545... %, inside 1.5-5 %.
    assert body["totals"]["scores"]["conversion_rate"] == "good"

    # The merchant widens the range to 1.5-30 %: anna's 25 % is inside it now; 2 / 44 stays good.
    assert merchant.put("/api/settings", {"targets": {"conversion_rate_max": "0.30"}}).status_code == 200
    body = merchant.get("/api/metrics/creators", params=params).json()
    assert {r["handle"]: r["scores"]["conversion_rate"] for r in body["creators"]} == {
        "anna": "good",
        "ben": "good",
    }
    # And narrows it to 1.5-2 %: ben's 2.5 % is above it; the totals' 4.5 % too.
    assert merchant.put("/api/settings", {"targets": {"conversion_rate_max": "0.02"}}).status_code == 200
    body = merchant.get("/api/metrics/creators", params=params).json()
    assert {r["handle"]: r["scores"]["conversion_rate"] for r in body["creators"]} == {
        "anna": "above",
        "ben": "above",
    }
    assert body["totals"]["scores"]["conversion_rate"] == "above"
