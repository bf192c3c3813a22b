"""The ROI figures out of the JSON API, against METRICS.md's worked examples (computed by hand there)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from support import Merchant, install
from worked_examples import attributed_creator, worked_example_3

from shopify_roi.models import Creator, Shop

D = Decimal


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _row(body, handle):
    return next(r for r in body["creators"] if r["handle"] == handle)


def test_worked_example_3_through_webhooks_gives_every_figure(merchant, runtime, stand_in, shop_domain):
    assert merchant.create_creator("anna", "ANNA15", "15", commission_percent="10").status_code == 201
    assert (
        merchant.post(
            "/api/creators/anna/spend", {"kind": "fee", "date": "2026-03-01", "amount": "300.00"}
        ).status_code
        == 201
    )
    seeding = merchant.post(
        "/api/creators/anna/spend",
        {"kind": "seeding", "date": "2026-03-02", "units": 2, "unit_cost": "12.00", "shipping": "8.00"},
    ).json()
    assert D(seeding["amount"]) == D("32.00")  # 2 x 12.00 + 8.00
    worked_example_3(stand_in, shop_domain)
    runtime.jobs.drain()

    body = merchant.get(
        "/api/metrics/creators", params={"from": "2026-03-01", "to": "2026-03-31", "as_of": "2026-07-01"}
    ).json()
    anna = _row(body, "anna")
    spend = D("300.00") + D("32.00") + D("17.30")  # fee + seeding + 10 % of net revenue 173.00
    expected = {
        "orders": 4,
        "revenue": D("249.50"),
        "returns": D("76.50"),
        "net_revenue": D("173.00"),
        "return_rate": D("76.50") / D("249.50"),
        "aov": D("249.50") / 4,
        "commission": D("17.30"),
        "spend": spend,
        "roas": D("173.00") / spend,
        "gross_roas": D("249.50") / spend,
        "roi": (D("173.00") - spend) / spend,
        "new_customers": 3,
        "cac": spend / 3,
        "cpa": spend / 4,
        "repeat_rate_90d": D(1) / D(3),
        "immature_customers": 0,
        "discounts_given": D("15.00") + D("12.00") + D("6.00") + D("7.50"),
        "contested_revenue": D(0),
        "fees": D("300.00"),
        "seeding": D("32.00"),
        "other_costs": D(0),
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


def test_worked_examples_1_and_2(merchant, runtime, shop_domain):
    attributed_creator(
        runtime.db, shop_domain, "casestudy", 1560, D("100.00"), "2026-02-10"
    )  # 156,000 over 1,560 orders
    attributed_creator(runtime.db, shop_domain, "seedfour", 50, D("100.00"), "2026-02-11")  # 5,000
    merchant.post("/api/creators/casestudy/spend", {"kind": "fee", "date": "2026-02-01", "amount": "22500"})
    merchant.post("/api/creators/seedfour/spend", {"kind": "other", "date": "2026-02-01", "amount": "500"})
    body = merchant.get(
        "/api/metrics/creators", params={"from": "2026-02-01", "to": "2026-02-28", "as_of": "2026-11-01"}
    ).json()
    one, two = _row(body, "casestudy"), _row(body, "seedfour")
    assert round(D(one["roas"]), 2) == D("6.93") and round(D(one["roi"]) * 100, 1) == D("593.3")
    assert round(D(one["cpa"]), 2) == D("14.42") and D(one["revenue"]) == D("156000")
    assert D(two["roas"]) == D(10) and D(two["roi"]) * 100 == D(900)
    assert D(body["totals"]["revenue"]) == D(one["revenue"]) + D(two["revenue"]) + D(
        body["unattributed"]["revenue"]
    )


def test_csv_export_and_the_orders_behind_annas_numbers(merchant, runtime, stand_in, shop_domain):
    import csv
    import io

    merchant.create_creator("anna", "ANNA15", "15", commission_percent="10")
    orders = worked_example_3(stand_in, shop_domain)
    runtime.jobs.drain()
    params = {"from": "2026-03-01", "to": "2026-03-31", "as_of": "2026-07-01"}
    csv_rows = list(
        csv.DictReader(io.StringIO(merchant.get("/api/metrics/creators.csv", params=params).text))
    )
    assert [r["handle"] for r in csv_rows] == ["anna", "", ""]  # anna, unattributed, totals
    assert D(csv_rows[0]["net_revenue"]) == D("173.00") and csv_rows[1]["roas"] == ""  # undefined stays empty
    behind = merchant.get(
        "/api/metrics/creators/anna/orders", params={"from": "2026-03-01", "to": "2026-03-31"}
    ).json()["orders"]
    assert [(o["order_id"], o["rule"], o["new_customer"]) for o in behind] == [
        (str(orders["1001"]["id"]), "code", True),
        (str(orders["1002"]["id"]), "code", False),
        (str(orders["1003"]["id"]), "link", True),
        (str(orders["1004"]["id"]), "code", True),
    ]
    assert behind[2]["signals"]["codes"] == ["WELCOME10"] and behind[2]["signals"]["ref"] == "anna"
    assert sum(D(o["revenue"]) for o in behind) == D("249.50") and sum(D(o["returns"]) for o in behind) == D(
        "76.50"
    )


def test_worked_example_3_cohort_curve_breakeven_and_scorecard(merchant, runtime, stand_in, shop_domain):
    """LTV 30/90/180/365, repeat curve, breakeven CAC and scores, worked by hand from METRICS.md example 3."""
    assert merchant.create_creator("anna", "ANNA15", "15", commission_percent="10").status_code == 201
    merchant.post("/api/creators/anna/spend", {"kind": "fee", "date": "2026-03-01", "amount": "300.00"})
    merchant.post(
        "/api/creators/anna/spend",
        {"kind": "seeding", "date": "2026-03-02", "units": 2, "unit_cost": "12.00", "shipping": "8.00"},
    )
    assert merchant.put("/api/settings", {"gross_margin": "0.6"}).status_code == 200
    worked_example_3(stand_in, shop_domain)
    runtime.jobs.drain()
    params = {"from": "2026-03-01", "to": "2026-03-31", "as_of": "2026-07-01"}
    anna = _row(merchant.get("/api/metrics/creators", params=params).json(), "anna")
    # Acquired: C1 (3 Mar, net 85.00; again 1 May, 70.00, 59 days later), C3 (5 Mar, 54.00),
    # C4 (6 Mar, 42.50 - 42.50 = 0).
    # As of 1 July all three are at least 117 days old: mature at 30 and 90 days, not at 180 or 365.
    assert D(anna["ltv_30d"]) == (D("85.00") + D("54.00") + D(0)) / 3  # within 30 days: first orders only
    assert D(anna["ltv_90d"]) == (D("85.00") + D("70.00") + D("54.00") + D(0)) / 3
    assert anna["ltv_180d"] is None and anna["ltv_365d"] is None  # nobody mature: "—"
    assert anna["mature_customers"] == 3 and anna["immature_customers"] == 0
    assert D(anna["breakeven_cac"]) == D("0.6") * D("249.50") / 4  # gross margin x AOV
    # Scorecard, default targets: ROAS 0.495 < 3.0 poor; AOV 62.375 < 70 poor; repeat 33.3 % >= 15 % good;
    # no clicks.
    assert anna["scores"] == {
        "roas": "poor",
        "conversion_rate": None,
        "redemption_rate": None,
        "aov": "poor",
        "repeat_rate_90d": "good",
    }
    assert anna["code"] == "ANNA15" and anna["leak_warning"] is None  # 3 code orders: too few to judge

    detail = merchant.get("/api/metrics/creators/anna", params=params).json()
    assert detail["creator"]["net_revenue"] == anna["net_revenue"]
    curve = {c["days"]: c for c in detail["cohort"]}
    assert (curve[30]["mature_customers"], curve[30]["repeat_customers"], curve[30]["repeat_rate"]) == (
        3,
        0,
        "0",
    )
    assert (curve[90]["mature_customers"], curve[90]["repeat_customers"]) == (
        3,
        1,
    )  # C1 came back after 59 days
    assert D(curve[90]["repeat_rate"]) == D(1) / 3 and D(curve[90]["ltv"]) == D("209.00") / 3
    assert (curve[180]["mature_customers"], curve[180]["immature_customers"], curve[180]["ltv"]) == (
        0,
        3,
        None,
    )

    # A raised target flips the score; an unknown target or a margin above 100 % is refused and changes
    # nothing.
    assert merchant.put("/api/settings", {"targets": {"aov_min": "60"}}).json()["targets"]["aov_min"] == "60"
    bad = merchant.put("/api/settings", {"targets": {"aov_min": "-1", "nope": "1"}, "gross_margin": "1.5"})
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {
        "targets.aov_min",
        "targets.nope",
        "gross_margin",
    }
    assert merchant.get("/api/settings").json() == {
        "targets": {
            "roas_min": "3.0",
            "conversion_rate_min": "0.015",
            "conversion_rate_max": "0.05",
            "redemption_rate_min": "0.02",
            "redemption_rate_max": "0.10",
            "aov_min": "60",
            "repeat_rate_90d_min": "0.15",
        },
        "gross_margin": "0.6",
        "creator_metafields": {"enabled": False, "missing_scopes": ["write_orders", "write_customers"]},
        "analytics_annotations": {
            "enabled": False,
            "missing_scopes": ["write_analytics_annotations", "write_reports"],
        },
        "marketing_activities": {"enabled": False, "missing_scopes": ["write_marketing_events"]},
        "flow_triggers": {"enabled": False, "missing_scopes": []},
        "creator_pixel": {
            "enabled": False,
            "missing_scopes": ["write_pixels", "read_customer_events"],
            "window_days": 30,
            "status": "off",
            "error": None,
        },
        "payouts": {"hold_days": 30},
        "seeding": {"follow_up_days": 21},
    }
    assert (
        _row(merchant.get("/api/metrics/creators", params=params).json(), "anna")["scores"]["aov"] == "good"
    )


def test_baseline_is_the_same_weekdays_just_before_and_shown_apart(merchant, runtime, stand_in, shop_domain):
    merchant.create_creator("anna", "ANNA15", "15")
    worked_example_3(stand_in, shop_domain)
    runtime.jobs.drain()
    # 19 Feb - 25 Mar is 35 days (5 weeks): the baseline is the 35 days before, 15 Jan - 18 Feb, same
    # weekdays, starting on the day of the first order the app holds (C2's, 15 Jan; an earlier start is
    # unknown: test_baseline_blended_targets.py).
    body = merchant.get("/api/metrics/creators", params={"from": "2026-02-19", "to": "2026-03-25"}).json()
    assert body["baseline"] == {
        "from": "2026-02-19",
        "to": "2026-03-25",
        "baseline_from": "2026-01-15",
        "baseline_to": "2026-02-18",
        "revenue": "249.5",
        "baseline_revenue": "50",
        "incremental_revenue": "199.5",
        "unknown_reason": None,
    }  # 85 + 68 + 54 + 42.50 against C2's January 50.00
    assert (
        body["attributed_totals"]["revenue"] == "249.5"
    )  # attributed revenue is not changed by the baseline
    # 1-31 March is 31 days: moved back 35 days (whole weeks), 25 Jan - 24 Feb, where nothing was sold.
    march = merchant.get("/api/metrics/creators", params={"from": "2026-03-01", "to": "2026-03-31"}).json()[
        "baseline"
    ]
    assert (march["baseline_from"], march["baseline_to"], march["baseline_revenue"]) == (
        "2026-01-25",
        "2026-02-24",
        "0",
    )


def test_net_revenue_over_time_by_local_day(merchant, runtime, stand_in, shop_domain):
    merchant.create_creator("anna", "ANNA15", "15")
    worked_example_3(stand_in, shop_domain)
    runtime.jobs.drain()
    body = merchant.get("/api/metrics/timeseries", params={"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert body["interval"] == "day" and len(body["points"]) == 31
    by_day = {
        p["date"]: (D(p["attributed"]), D(p["unattributed"]), p["orders"])
        for p in body["points"]
        if p["orders"]
    }
    # Net of returns, on the order's day: #1002 68.00 - 34.00; #1004 cancelled and refunded in full.
    assert by_day == {
        "2026-03-03": (D("85.00"), 0, 1),
        "2026-03-04": (D("34.00"), 0, 1),
        "2026-03-05": (D("54.00"), 0, 1),
        "2026-03-06": (D(0), 0, 1),
    }
    year = merchant.get("/api/metrics/timeseries", params={"from": "2026-01-01", "to": "2026-06-30"}).json()
    assert year["interval"] == "week" and year["points"][0]["date"] == "2026-01-01"
    assert sum(D(p["attributed"]) for p in year["points"]) == D("173.00")
    assert sum(D(p["unattributed"]) for p in year["points"]) == D("50.00") + D(
        "70.00"
    )  # C2 in January, C1 in May
    only = merchant.get(
        "/api/metrics/timeseries", params={"from": "2026-03-01", "to": "2026-03-31", "handle": "anna"}
    ).json()
    assert all(p["unattributed"] is None for p in only["points"])
    assert (
        merchant.get(
            "/api/metrics/timeseries", params={"from": "2026-03-01", "to": "2026-03-31", "handle": "nobody"}
        ).status_code
        == 404
    )


def test_a_code_leaked_to_coupon_sites_is_flagged_with_its_evidence(merchant, runtime, stand_in, shop_domain):

    merchant.create_creator("maya", "MAYA20", "20")
    code = {"code": "MAYA20", "type": "percentage", "value": "20.0"}
    item = [{"title": "Trail shoe", "price": "80.00", "quantity": 1}]
    # In June: 4 orders through Maya's link with her code. Then 12 with the code from coupon sites, no link.
    for day in range(1, 5):
        stand_in.control.create_order(
            shop_domain,
            created_at=f"2026-06-{day:02d}T12:00:00+00:00",
            customer_id=5000 + day,
            line_items=item,
            discount_code=code,
            landing_site="/?ref=maya&utm_content=maya",
            referring_site="https://l.instagram.com/",
        )
    for i in range(12):
        stand_in.control.create_order(
            shop_domain,
            created_at=f"2026-06-{10 + i:02d}T12:00:00+00:00",
            customer_id=6000 + i,
            line_items=item,
            discount_code=code,
            referring_site=("https://www.retailmenot.com/view/shop" if i % 3 else "https://joinhoney.com/"),
        )
    runtime.jobs.drain()
    maya = _row(
        merchant.get("/api/metrics/creators", params={"from": "2026-06-01", "to": "2026-06-30"}).json(),
        "maya",
    )
    warning = maya["leak_warning"]
    assert (
        warning["level"] == "high" and warning["code"] == "MAYA20" and warning["code_id"] == maya["code_id"]
    )
    assert warning["code_orders"] == 16 and D(warning["coupon_referrer_share"]) == D(12) / 16
    assert D(warning["no_signal_share"]) == D(12) / 16
    assert warning["coupon_sites"] == ["www.retailmenot.com", "joinhoney.com"]  # 8 and 4 orders
    assert "12 of 16 orders with MAYA20 (75.0%) came from coupon sites" in warning["evidence"][0]
    assert (warning["code_status"], warning["acted_on"], warning["replaced_by"]) == ("active", None, None)
    # Pausing the code from the warning is the existing pause; old orders still count for Maya, and the
    # warning says the code is paused (#17 item 6: the page then shows "paused on ..." without the actions).
    assert merchant.post(f"/api/creators/maya/codes/{warning['code_id']}/pause", {}).status_code == 200
    after = _row(
        merchant.get("/api/metrics/creators", params={"from": "2026-06-01", "to": "2026-06-30"}).json(),
        "maya",
    )
    assert after["orders"] == 16
    from datetime import datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()  # the shop's day (its time zone)
    paused = after["leak_warning"]
    assert (paused["code_status"], paused["acted_on"], paused["replaced_by"]) == ("paused", today, None)


def test_conversion_is_attributed_orders_per_click_in_every_row(merchant, runtime, stand_in, shop_domain):
    """Clicks exist only on creators' links: the all-orders row does not divide unattributed orders by
    them."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import requests

    merchant.create_creator("anna", "ANNA15", "15")
    link = merchant.post("/api/creators/anna/links", {}).json()
    browser = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 "
        "Mobile Safari/604.1"
    )
    for i in range(4):
        requests.get(
            link["short_url"],
            headers={"User-Agent": browser, "X-Forwarded-For": f"10.0.0.{i}"},
            allow_redirects=False,
            timeout=60,
        )
    # Clicks are counted on the shop's day (Europe/Berlin), which is not UTC's near midnight.
    today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    item = [{"title": "Trail shoe", "price": "80.00", "quantity": 1}]
    stand_in.control.create_order(
        shop_domain,
        created_at=f"{today}T10:00:00+00:00",
        customer_id=7001,
        line_items=item,
        landing_site="/?ref=anna&utm_content=anna",
    )
    stand_in.control.create_order(
        shop_domain, created_at=f"{today}T10:00:00+00:00", customer_id=7002, line_items=item
    )
    runtime.jobs.drain()
    body = merchant.get("/api/metrics/creators", params={"from": today, "to": today}).json()
    anna = _row(body, "anna")
    assert (anna["orders"], anna["clicks"], D(anna["conversion_rate"])) == (1, 4, D("0.25"))
    assert body["totals"]["orders"] == 2 and body["totals"]["clicks"] == 4
    assert D(body["totals"]["conversion_rate"]) == D(1) / 4  # anna's 1 order per 4 clicks, not 2 orders per 4
    assert body["unattributed"]["conversion_rate"] is None  # no clicks: "—"


def test_seeding_at_shopifys_cost_per_item(merchant, runtime, stand_in, shop_domain):
    """A seeding entry naming a product variant takes its unit cost from Shopify (InventoryItem.unitCost)."""
    import requests

    merchant.create_creator("anna", "ANNA15", "15")
    made = requests.post(
        f"{stand_in.url}/_devstore/shops/{shop_domain}/products",
        timeout=60,
        json={
            "title": "Trail shoe",
            "variants": [
                {"title": "42", "sku": "TS-42", "price": "80.00", "unit_cost": "12.00"},
                {"title": "43", "sku": "TS-43", "price": "80.00"},
            ],
        },
    ).json()["product"]
    with_cost, without_cost = made["variants"]
    entry = merchant.post(
        "/api/creators/anna/spend",
        {
            "kind": "seeding",
            "date": "2026-03-02",
            "units": 2,
            "shipping": "8.00",
            "variant_id": str(with_cost["id"]),
        },
    )
    assert entry.status_code == 201, entry.text
    body = entry.json()
    assert (D(body["unit_cost"]), D(body["amount"])) == (
        D("12.00"),
        D("32.00"),
    )  # 2 x 12.00 + 8.00, as in example 3
    assert body["note"] == "Trail shoe - 42 at Shopify's cost per item"
    refused = merchant.post(
        "/api/creators/anna/spend",
        {"kind": "seeding", "date": "2026-03-02", "units": 2, "variant_id": without_cost["gid"]},
    )
    assert refused.status_code == 400 and "no cost per item" in refused.json()["message"]
    unknown = merchant.post(
        "/api/creators/anna/spend",
        {"kind": "seeding", "date": "2026-03-02", "units": 1, "variant_id": "999999999"},
    )
    assert unknown.status_code == 400 and "No product variant" in unknown.json()["message"]
    assert [D(e["amount"]) for e in merchant.get("/api/creators/anna/spend").json()["entries"]] == [
        D("32.00")
    ]  # refusals stored nothing


def test_spend_entries_edit_and_count_per_campaign(merchant, runtime):
    assert merchant.create_creator("anna", "ANNA15", "15", campaigns=["Spring"]).status_code == 201
    fee = merchant.post(
        "/api/creators/anna/spend",
        {"kind": "fee", "date": "2026-03-01", "amount": "300.00", "campaign": "Spring"},
    ).json()
    merchant.post("/api/creators/anna/spend", {"kind": "other", "date": "2026-03-05", "amount": "50.00"})
    edited = merchant.patch(f"/api/creators/anna/spend/{fee['id']}", {"amount": "250.00"}).json()
    assert (
        D(edited["amount"]) == D("250.00") and edited["campaign_id"] == fee["campaign_id"] is not None
    )  # kept
    params = {"from": "2026-03-01", "to": "2026-03-31"}
    spring = _row(
        merchant.get("/api/metrics/creators", params={**params, "campaign": "Spring"}).json(), "anna"
    )
    overall = _row(merchant.get("/api/metrics/creators", params=params).json(), "anna")
    assert (D(spring["spend"]), D(overall["spend"])) == (
        D("250.00"),
        D("250.00") + D("50.00"),
    )  # only Spring's entry
    cleared = merchant.patch(
        f"/api/creators/anna/spend/{fee['id']}", {"amount": "250.00", "campaign": None}
    ).json()
    assert cleared["campaign_id"] is None
    assert merchant.delete(f"/api/creators/anna/spend/{fee['id']}").status_code == 200
    assert [D(e["amount"]) for e in merchant.get("/api/creators/anna/spend").json()["entries"]] == [
        D("50.00")
    ]


def test_figures_follow_late_refunds_repeat_orders_and_a_new_time_zone(
    merchant, runtime, stand_in, shop_domain
):
    """The table is read from a daily rollup: what changes after a first read (a refund weeks later, the
    customer's repeat order, the shop moving to another time zone) shows on the next read."""

    merchant.create_creator("anna", "ANNA15", "15")
    item = [{"title": "Trail shoe", "price": "100.00", "quantity": 1}]
    code = {"code": "ANNA15", "type": "percentage", "value": "15.0"}
    first = stand_in.control.create_order(
        shop_domain,
        created_at="2026-03-03T12:00:00Z",
        customer_id=3001,
        line_items=item,
        discount_code=code,
    )
    # 31 March 23:30 UTC is 1 April 01:30 in Berlin (the shop's zone): not in March, yet.
    stand_in.control.create_order(
        shop_domain,
        created_at="2026-03-31T23:30:00Z",
        customer_id=3002,
        line_items=item,
        discount_code=code,
    )
    runtime.jobs.drain()
    params = {"from": "2026-03-01", "to": "2026-03-31", "as_of": "2026-07-01"}
    anna = _row(merchant.get("/api/metrics/creators", params=params).json(), "anna")
    assert (anna["orders"], D(anna["revenue"]), D(anna["returns"])) == (1, D("85.00"), 0)  # 100.00 less 15 %
    assert (anna["mature_customers"], D(anna["repeat_rate_90d"]), D(anna["ltv_90d"])) == (1, 0, D("85.00"))

    # Three weeks later the shoe comes back; on 10 April the customer buys again (40.00, no code).
    stand_in.control.refund_order(
        shop_domain,
        first["id"],
        created_at="2026-03-24T12:00:00Z",
        line_items=[{"line_item_id": first["line_items"][0]["id"], "quantity": 1}],
    )
    stand_in.control.create_order(
        shop_domain,
        created_at="2026-04-10T12:00:00Z",
        customer_id=3001,
        line_items=[{"title": "Socks", "price": "40.00", "quantity": 1}],
    )
    runtime.jobs.drain()
    anna = _row(merchant.get("/api/metrics/creators", params=params).json(), "anna")
    assert (anna["orders"], D(anna["returns"]), D(anna["net_revenue"])) == (1, D("85.00"), 0)
    assert D(anna["repeat_rate_90d"]) == 1 and D(anna["ltv_90d"]) == D("85.00") - D("85.00") + D("40.00")
    series = merchant.get("/api/metrics/timeseries", params={"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert {p["date"]: D(p["attributed"]) for p in series["points"] if p["orders"]} == {"2026-03-03": 0}

    # The shop moves to Los Angeles (as a shop/update would record): 31 March 23:30 UTC is 16:30 on 31 March
    # there.
    with runtime.db.session() as session:
        session.scalar(select(Shop).where(Shop.domain == shop_domain)).iana_timezone = "America/Los_Angeles"
    anna = _row(merchant.get("/api/metrics/creators", params=params).json(), "anna")
    assert (anna["orders"], D(anna["revenue"]), D(anna["net_revenue"])) == (2, D("170.00"), D("85.00"))


def test_the_worker_recomputes_dirty_days_so_the_page_finds_none(merchant, runtime, stand_in, shop_domain):

    from shopify_roi.jobs.schedules import refresh_rollups
    from shopify_roi.models import DirtyDay, OrderDay

    merchant.create_creator("anna", "ANNA15", "15")
    merchant.get(
        "/api/metrics/creators", params={"from": "2026-03-01", "to": "2026-03-31"}
    )  # the rollup exists
    stand_in.control.create_order(
        shop_domain,
        created_at="2026-03-03T12:00:00Z",
        customer_id=3001,
        line_items=[{"title": "Trail shoe", "price": "100.00", "quantity": 1}],
        discount_code={"code": "ANNA15", "type": "percentage", "value": "15.0"},
    )
    runtime.jobs.drain()
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(DirtyDay)) == 1  # 3 March (Berlin)
    assert refresh_rollups(runtime) == 1
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(DirtyDay)) == 0
        day = session.execute(
            select(OrderDay.day, OrderDay.orders, OrderDay.revenue).where(OrderDay.creator_key != 0)
        ).one()
        assert (day.day.isoformat(), day.orders, day.revenue) == (
            "2026-03-03",
            1,
            85_0000,
        )  # 85.00 in units of 1/10,000
    # A shop without a rollup (just migrated) is built by the worker, not by the merchant's first page load.
    from shopify_roi.models import RollupState

    with runtime.db.session() as session:
        session.execute(RollupState.__table__.delete())
        session.execute(OrderDay.__table__.delete())
    assert refresh_rollups(runtime) == 1
    with runtime.db.session() as session:
        assert (
            session.scalar(select(func.sum(OrderDay.orders))) == 1
            and session.scalar(select(func.count()).select_from(DirtyDay)) == 0
        )


def test_contested_revenue_is_the_revenue_another_creator_won(merchant, runtime, stand_in, shop_domain):

    merchant.create_creator("anna", "ANNA15", "15")
    merchant.create_creator("ben", "BEN10", "10")
    # Anna's code and Ben's link on one order: the code wins (METRICS.md precedence), Ben's signal lost.
    stand_in.control.create_order(
        shop_domain,
        created_at="2026-03-03T12:00:00Z",
        customer_id=6001,
        landing_site="/?ref=ben&utm_content=ben",
        line_items=[{"title": "Trail shoe", "price": "100.00", "quantity": 1}],
        discount_code={"code": "ANNA15", "type": "percentage", "value": "15.0"},
    )
    runtime.jobs.drain()
    body = merchant.get("/api/metrics/creators", params={"from": "2026-03-01", "to": "2026-03-31"}).json()
    anna, ben = _row(body, "anna"), _row(body, "ben")
    assert (anna["orders"], D(anna["revenue"]), D(anna["contested_revenue"])) == (1, D("85.00"), 0)
    assert (ben["orders"], D(ben["revenue"]), D(ben["contested_revenue"])) == (0, 0, D("85.00"))


def test_the_set_based_rebuild_equals_recomputing_day_by_day(merchant, runtime, stand_in, shop_domain):
    """PostgreSQL rebuilds a shop's rollup in one pass (AT TIME ZONE); it must give exactly the rows that
    recomputing each day does (the path SQLite and every dirty day take)."""
    from zoneinfo import ZoneInfo

    from shopify_roi.models import CodeDay, OrderDay
    from shopify_roi.services.metrics import rollup_days, rollups

    if runtime.db.engine.dialect.name != "postgresql":
        pytest.skip("the set-based rebuild is PostgreSQL's")
    merchant.create_creator("anna", "ANNA15", "15")
    merchant.create_creator("ben", "BEN10", "10")
    worked_example_3(stand_in, shop_domain)
    stand_in.control.create_order(
        shop_domain,
        created_at="2026-03-31T23:30:00Z",
        customer_id=6001,
        landing_site="/?ref=ben",
        line_items=[{"title": "Trail shoe", "price": "100.00", "quantity": 1}],
        discount_code={"code": "ANNA15", "type": "percentage", "value": "15.0"},
        referring_site="https://www.retailmenot.com/",
    )
    runtime.jobs.drain()

    def snapshot(session, shop_id):
        days = {
            tuple(getattr(r, c.name) for c in OrderDay.__table__.columns if c.name != "id")
            for r in session.scalars(select(OrderDay).where(OrderDay.shop_id == shop_id))
        }
        codes = sorted(
            tuple(getattr(r, c.name) for c in CodeDay.__table__.columns if c.name != "id")
            for r in session.scalars(select(CodeDay).where(CodeDay.shop_id == shop_id))
        )
        return days, codes

    with runtime.db.session() as session:
        shop = session.scalar(select(Shop).where(Shop.domain == shop_domain))
        rollups.refresh(session, shop)  # the first build: set-based
        built = snapshot(session, shop.id)
        assert len(built[0]) > 5 and built[1]
        tz = ZoneInfo(shop.iana_timezone)
        for day in sorted({r[1] for r in built[0]}):
            rollup_days.recompute(session, shop.id, tz, day)
        assert snapshot(session, shop.id) == built


def test_the_roi_table_travels_gzipped_when_the_browser_accepts_it(merchant, runtime):
    merchant.create_creator("anna", "ANNA15", "15")
    resp = merchant.get("/api/metrics/creators", params={"from": "2026-03-01", "to": "2026-03-31"})
    # requests sends Accept-Encoding: gzip and decompresses; the body read is the JSON, exactly.
    assert resp.headers.get("Content-Encoding") == "gzip" and "Accept-Encoding" in resp.headers.get(
        "Vary", ""
    )
    assert (
        int(resp.headers["Content-Length"]) < len(resp.content) and _row(resp.json(), "anna")["orders"] == 0
    )


def test_long_ranges_read_from_month_rows_give_exactly_what_the_days_give(
    merchant, runtime, stand_in, shop_domain, monkeypatch
):
    """The ROI table reads whole months from the month rows; every figure must be what summing the day rows
    gives, for ranges and cohort dates that cut months anywhere, before and after new orders and refunds
    (dirty days recomputed, their months summed again)."""
    from datetime import date as day

    from shopify_roi.services.metrics import detail, rollup_months, rollups, table

    for handle, code in (("anna", "ANNA15"), ("ben", "BEN10"), ("chloe", "CHLOE20")):
        assert merchant.create_creator(handle, code, "10").status_code == 201
    stand_in.control.generate(
        shop_domain,
        seed=5,
        orders=400,
        start="2025-09-01T00:00:00Z",
        days=300,
        deliver=True,
        creator_share=0.6,
        sitewide_codes=["WELCOME10"],
        creators=[
            {"handle": "anna", "code": "ANNA15", "percent": "10", "repeat_rate": 0.3, "comeback_rate": 0.3},
            {
                "handle": "ben",
                "code": "BEN10",
                "percent": "10",
                "return_rate": 0.3,
                "referrers": ["https://www.retailmenot.com/"],
                "no_link_share": 0.9,
            },
            {"handle": "chloe", "code": "CHLOE20", "percent": "10"},
        ],
    )
    runtime.jobs.drain()
    cases = [
        (day(2025, 9, 1), day(2026, 6, 27), day(2026, 6, 27)),
        (day(2025, 10, 1), day(2026, 3, 31), day(2026, 5, 1)),
        (day(2025, 11, 17), day(2026, 4, 3), day(2026, 4, 30)),
        (day(2026, 1, 1), day(2026, 1, 31), day(2026, 8, 1)),
    ]
    days_only = lambda start, end, cutoffs=(): ([(start, end)], [])  # noqa: E731 - the reference: every row a day row

    def tables():
        out = []
        with runtime.db.session() as session:
            shop = session.scalar(select(Shop).where(Shop.domain == shop_domain))
            rollups.refresh(session, shop)  # as the API's reads do first (services/metrics/reads.py)
            for start, end, as_of in cases:
                out.append(table.compute(session, shop, start, end, as_of))
                for handle in ("anna", "ben"):
                    creator = session.scalar(
                        select(Creator).where(Creator.shop_id == shop.id, Creator.handle == handle)
                    )
                    out.append(detail.creator_detail(session, shop, creator, start, end, as_of))
        return out

    def both():
        with_months = tables()
        with monkeypatch.context() as patch:
            patch.setattr(rollup_months, "split", days_only)
            by_days = tables()
        return with_months, by_days

    with_months, by_days = both()
    with runtime.db.session() as session:
        from shopify_roi.models import OrderMonth

        assert (
            session.scalar(select(func.count()).select_from(OrderMonth)) > 20
        )  # the month rows are there, and read
    assert with_months == by_days
    assert with_months[0]["totals"]["orders"] > 300 and any(
        r["leak_warning"] for r in with_months[0]["creators"]
    )
    # More history: orders and a refund in months already summed.
    order = _place(stand_in, shop_domain, "2025-12-10T12:00:00Z", "ANNA15")
    _place(stand_in, shop_domain, "2026-02-03T09:00:00Z", "BEN10")
    stand_in.control.refund_order(
        shop_domain,
        order["id"],
        line_items=[{"line_item_id": order["line_items"][0]["id"], "quantity": 1}],
        created_at="2026-02-20T10:00:00Z",
    )
    runtime.jobs.drain()
    with_months_after, by_days_after = both()
    assert with_months_after == by_days_after and with_months_after != with_months


def _place(stand_in, shop_domain, when: str, code: str) -> dict:
    return stand_in.control.create_order(
        shop_domain,
        created_at=when,
        customer_id=f"late-{when}",
        line_items=[{"title": "Trail shoe", "price": "120.00", "quantity": 1}],
        discount_code={"code": code, "type": "percentage", "value": "10"},
    )


def test_the_csv_export_reads_as_the_page_in_plain_decimals_with_the_exact_values_beside(
    merchant, runtime, stand_in, shop_domain
):
    """#17 item 8: a spreadsheet reads every figure as a number in plain decimals (never `0E+2`); money and
    ratios are rounded as on the page (METRICS.md worked example 3's shown values), and each ratio's exact
    value is kept in its own `_exact` column."""
    import csv
    import io
    import re

    merchant.create_creator("anna", "ANNA15", "15", commission_percent="10")
    merchant.post("/api/creators/anna/spend", {"kind": "fee", "date": "2026-03-01", "amount": "300.00"})
    merchant.post("/api/creators/anna/spend", {"kind": "seeding", "date": "2026-03-02", "amount": "32.00"})
    worked_example_3(stand_in, shop_domain)
    runtime.jobs.drain()
    params = {"from": "2026-03-01", "to": "2026-03-31", "as_of": "2026-07-01"}
    text = merchant.get("/api/metrics/creators.csv", params=params).text
    assert "E+" not in text and "E-" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    anna = rows[0]
    # METRICS.md example 3, as the page shows it: AOV 62.38, ROAS 0.50, gross ROAS 0.71, ROI -50.5 %,
    # CAC 116.43, CPA 87.33, return rate 30.7 %, repeat rate 33.3 %; percentages as fractions of 1.
    shown = {
        "aov": "62.38",
        "roas": "0.50",
        "gross_roas": "0.71",
        "roi": "-0.505",
        "cac": "116.43",
        "cpa": "87.33",
        "return_rate": "0.307",
        "repeat_rate_90d": "0.333",
        "net_revenue": "173.00",
        "commission": "17.30",
        "spend": "349.30",
    }
    assert {k: anna[k] for k in shown} == shown
    from decimal import ROUND_HALF_UP

    spend, places = D("349.30"), D(1).scaleb(-12)  # 300.00 + 32.00 + 17.30; exact to 12 decimals
    assert D(anna["roas_exact"]) == (D("173.00") / spend).quantize(places, rounding=ROUND_HALF_UP)
    assert D(anna["roi_exact"]) == ((D("173.00") - spend) / spend).quantize(places, rounding=ROUND_HALF_UP)
    assert D(anna["cac_exact"]) == (spend / 3).quantize(places, rounding=ROUND_HALF_UP)
    for row in rows:  # every figure a plain number or empty (undefined: "—" on the page)
        for key, value in row.items():
            if key not in ("handle", "name"):
                assert value == "" or re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value), (key, value)
    assert rows[1]["roas"] == "" and rows[1]["roas_exact"] == ""  # unattributed: no spend
