"""Spend over periods (#17): an entry may cover start..end (both included); a range takes
amount x (days of the period inside the range) / (days of the period), exact, rounded only for display
(METRICS.md "Spend"). Every expected figure is worked out by hand in the comments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support import Merchant, install

D = Decimal


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _row(body, handle):
    return next(r for r in body["creators"] if r["handle"] == handle)


def _spend(merchant, handle, body):
    made = merchant.post(f"/api/creators/{handle}/spend", body)
    assert made.status_code == 201, made.text
    return made.json()


def _order(stand_in, shop, customer, day, price, code=None, percent="15.0"):
    """One item at noon in New York (-04:00 in summer), so the order is on `day` locally."""
    stand_in.control.create_order(
        shop,
        created_at=f"{day}T12:00:00-04:00",
        customer_id=customer,
        line_items=[{"title": "Trail shoe", "price": price, "quantity": 1}],
        **({"discount_code": {"code": code, "type": "percentage", "value": percent}} if code else {}),
    )


def _set_up(merchant, stand_in, shop):
    made = merchant.post(
        "/api/campaigns", {"name": "Summer", "starts_on": "2026-07-08", "ends_on": "2026-07-17"}
    )
    assert made.status_code == 201, made.text
    for handle, code, pct, campaigns in (
        ("anna", "ANNA15", "15", ["Summer"]),
        ("ben", "BEN10", "10", []),
        ("chloe", "CHLOE20", "20", []),
    ):  # each at 10 % commission of net revenue
        assert merchant.create_creator(handle, code, pct, campaigns=campaigns).status_code == 201
    # anna: a 3,000.00 fee over 1-30 Jul (30 days), a dated 100.00 fee on 25 Jul, and a 500.00 fee that
    # covers Summer (8-17 Jul, 10 days).
    fee = _spend(
        merchant,
        "anna",
        {"kind": "fee", "amount": "3000.00", "period_start": "2026-07-01", "period_end": "2026-07-30"},
    )
    assert (fee["period_start"], fee["period_end"], fee["date"]) == ("2026-07-01", "2026-07-30", "2026-07-01")
    _spend(merchant, "anna", {"kind": "fee", "date": "2026-07-25", "amount": "100.00"})
    covers = _spend(
        merchant, "anna", {"kind": "fee", "amount": "500.00", "campaign": "Summer", "covers_campaign": True}
    )
    assert (covers["period_start"], covers["period_end"]) == ("2026-07-08", "2026-07-17")
    # ben: a 1,000.00 fee over 1-3 Aug (3 days). chloe: no entries at all.
    _spend(
        merchant,
        "ben",
        {"kind": "fee", "amount": "1000.00", "period_start": "2026-08-01", "period_end": "2026-08-03"},
    )
    _order(stand_in, shop, 1, "2026-07-25", "200.00", "ANNA15")  # 200.00 - 15 % = 170.00
    _order(stand_in, shop, 2, "2026-08-02", "100.00", "BEN10", "10.0")  # 100.00 - 10 % = 90.00
    _order(stand_in, shop, 3, "2026-07-28", "100.00", "CHLOE20", "20.0")  # 100.00 - 20 % = 80.00
    _order(stand_in, shop, 4, "2026-07-26", "50.00")  # no creator: unattributed 50.00


def test_a_fee_over_a_period_counts_by_its_days_inside_the_range(merchant, runtime, stand_in, shop_domain):
    _set_up(merchant, stand_in, shop_domain)
    runtime.jobs.drain()

    def table(start, end, **extra):
        params = {"from": start, "to": end, "as_of": "2026-12-01", **extra}
        body = merchant.get("/api/metrics/creators", params=params)
        assert body.status_code == 200, body.text
        return body.json()

    body = table("2026-07-21", "2026-08-10")
    anna, ben, chloe = (_row(body, h) for h in ("anna", "ben", "chloe"))
    # anna, 21 Jul - 10 Aug: 21-30 Jul is 10 of the 3,000.00 fee's 30 days: 3,000 x 10 / 30 = 1,000.00;
    # plus the 100.00 dated 25 Jul; Summer's fee (8-17 Jul) has no day inside. Fees 1,100.00.
    # Commission 10 % of 170.00 = 17.00; spend 1,117.00; ROAS 170 / 1,117.
    assert (D(anna["fees"]), D(anna["commission"]), D(anna["spend"])) == (
        D("1100.00"),
        D("17.00"),
        D("1117.00"),
    )
    assert D(anna["roas"]) == D("170.00") / D("1117.00")
    # ben: all 3 days of his fee are inside: 1,000.00; commission 9.00; spend 1,009.00.
    assert D(ben["spend"]) == D("1009.00")
    # chloe has sales but no entry: spend is commission alone, 8.00, and the page is told so.
    assert D(chloe["spend"]) == D("8.00") and body["no_spend_in_range"] == ["chloe"]
    # Totals: the rows plus unattributed, to the cent. Revenue 170 + 90 + 80 + 50 = 390.00;
    # spend 1,117.00 + 1,009.00 + 8.00 = 2,134.00.
    totals = body["totals"]
    assert (D(totals["revenue"]), D(totals["spend"])) == (D("390.00"), D("2134.00"))
    rows = body["creators"] + [body["unattributed"]]
    for figure in ("revenue", "net_revenue", "spend", "fees", "commission"):
        # (the unattributed row has no spend: null, taken as none)
        assert round(sum(D(r[figure] or 0) for r in rows), 2) == round(D(totals[figure]), 2), figure

    # ben, 2 Aug alone: 1 of the fee's 3 days: 1,000 / 3 = 333.333..., exact, not 333.33.
    # Spend 1,000/3 + 9.00 = 1,027/3; ROAS 90 / (1,027/3) = 270 / 1,027 = 0.26290... (shown 0.26).
    ben = _row(table("2026-08-02", "2026-08-02"), "ben")
    assert D(ben["fees"]) == D(1000) / D(3)
    assert abs(D(ben["roas"]) - D(270) / D(1027)) < D("1e-24")
    assert round(D(ben["roas"]), 2) == D("0.26") and round(D(ben["spend"]), 2) == D("342.33")

    # anna, all of July: 3,000.00 + 100.00 + 500.00 (Summer inside July) = 3,600.00.
    assert D(_row(table("2026-07-01", "2026-07-31"), "anna")["fees"]) == D("3600.00")
    # Summer filter, 13-31 Jul: only Summer's entry counts, 5 of its 10 days (13-17 Jul): 250.00. anna's
    # 25 Jul order is after Summer's end, so no orders and no commission: spend 250.00.
    summer = _row(table("2026-07-13", "2026-07-31", campaign="Summer"), "anna")
    assert (summer["orders"], D(summer["fees"]), D(summer["spend"])) == (0, D("250.00"), D("250.00"))


def test_periods_are_validated_and_edited(merchant, runtime):
    assert merchant.create_creator("anna", "ANNA15", "15").status_code == 201
    base = {"kind": "fee", "amount": "300.00"}
    for extra, field in (
        ({"period_start": "2026-07-10", "period_end": "2026-07-09"}, "period_end"),  # ends before it starts
        ({"period_start": "1999-12-31", "period_end": "2026-07-09"}, "period_start"),  # before 2000-01-01
        ({"period_start": "2026-07-01", "period_end": "2100-01-01"}, "period_end"),  # after 2099-12-31
        ({"period_start": "2026-07-01"}, "period_end"),  # one end only
        ({"covers_campaign": True}, "covers_campaign"),  # no campaign to cover
        ({}, "date"),  # neither a date nor a period
    ):
        refused = merchant.post("/api/creators/anna/spend", {**base, **extra})
        assert refused.status_code == 400 and field in refused.json()["fields"], (extra, refused.text)
    assert merchant.get("/api/creators/anna/spend").json()["entries"] == []  # nothing stored

    entry = _spend(merchant, "anna", {**base, "date": "2026-07-05"})
    assert (entry["period_start"], entry["period_end"]) == (None, None)
    spread = merchant.patch(
        f"/api/creators/anna/spend/{entry['id']}",
        {"amount": "300.00", "period_start": "2026-07-01", "period_end": "2026-07-31"},
    ).json()
    assert (spread["period_start"], spread["period_end"], spread["date"]) == (
        "2026-07-01",
        "2026-07-31",
        "2026-07-05",
    )
    kept = merchant.patch(f"/api/creators/anna/spend/{entry['id']}", {"amount": "310.00"}).json()
    assert kept["period_start"] == "2026-07-01"  # an edit that does not name the period keeps it
    cleared = merchant.patch(
        f"/api/creators/anna/spend/{entry['id']}",
        {"amount": "310.00", "period_start": None, "period_end": None},
    ).json()
    assert (cleared["period_start"], cleared["period_end"]) == (None, None)
    # An edit that does not send the amount keeps it, as every other field not sent (it was a 400).
    noted = merchant.patch(f"/api/creators/anna/spend/{entry['id']}", {"note": "July retainer"})
    assert noted.status_code == 200, noted.text
    assert (Decimal(noted.json()["amount"]), noted.json()["note"]) == (Decimal("310.00"), "July retainer")
