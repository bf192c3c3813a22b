"""Commission payouts (issue 20, item 3), from the merchant's side: orders and refunds through the stand-in,
runs made, exported and marked paid through the JSON API, every figure worked out by hand here.

A Berlin shop (EUR); today is D (the shop's local date). Maya (code MAYA15: 15 % off; commission 10 %),
Ben (code BEN10: 10 % off; commission 12.5 %). Return window: 30 days (the default).
- A, maya, D-60: 60.00 + 40.00, less 15 % -> revenue 85.00; commission 0.10 x 85.00 = 8.50.
- B, maya, D-50: 40.00 -> 34.00; commission 3.40.
- C, maya, D-45: 2 x 30.00 -> 51.00; one unit refunded before any payout: returns 25.50, net 25.50;
  commission 2.55 (the refund before payout reduces what is paid).
- D, maya, D-10: 80.00 -> 68.00; commission 6.80, inside the 30-day window: held.
- E, ben, D-40: 33.30, less 10 % (3.33) -> 29.97; commission 0.125 x 29.97 = 3.74625 -> 3.75 (half up).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from support import Merchant, install

from shopify_roi.db import utcnow

BERLIN = ZoneInfo("Europe/Berlin")
D = Decimal
MAYA = {"code": "MAYA15", "type": "percentage", "value": "15.0"}
BEN = {"code": "BEN10", "type": "percentage", "value": "10.0"}


@pytest.fixture
def merchant(app_server, runtime, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    # the install's sync job gives the app the shop's time zone (the stand-in's: Europe/Berlin, `_today`);
    # before it, the app's "today" is UTC's, which is not Berlin's from 23:00 to midnight UTC
    runtime.jobs.drain()
    m = Merchant(app_server.url, stand_in, shop_domain)
    assert m.create_creator("maya", "MAYA15").status_code == 201
    assert m.create_creator("ben", "BEN10", "10", commission_percent="12.5").status_code == 201
    return m


def _today():
    return utcnow().astimezone(BERLIN).date()


def _order(stand_in, shop, days_ago: int, code: dict, *lines, customer: int = 9001) -> dict:
    at = datetime.combine(_today() - timedelta(days=days_ago), datetime.min.time().replace(hour=12), BERLIN)
    return stand_in.control.create_order(
        shop,
        created_at=at.isoformat(),
        customer_id=customer,
        line_items=[{"title": title, "price": price, "quantity": qty} for title, price, qty in lines],
        discount_code=code,
    )


def _refund(stand_in, runtime, shop, order: dict, line: int, quantity: int = 1) -> None:
    line_id = order["line_items"][line]["id"]
    stand_in.control.refund_order(
        shop, order["id"], line_items=[{"line_item_id": line_id, "quantity": quantity}]
    )
    stand_in.control.flush_webhooks(shop)
    runtime.jobs.drain()


def _set_up(merchant, runtime, stand_in, shop) -> dict:
    orders = {
        "A": _order(stand_in, shop, 60, MAYA, ("Tent", "60.00", 1), ("Lamp", "40.00", 1)),
        "B": _order(stand_in, shop, 50, MAYA, ("Mug", "40.00", 1), customer=9002),
        "C": _order(stand_in, shop, 45, MAYA, ("Sock", "30.00", 2), customer=9003),
        "D": _order(stand_in, shop, 10, MAYA, ("Boot", "80.00", 1), customer=9004),
        "E": _order(stand_in, shop, 40, BEN, ("Cap", "33.30", 1), customer=9005),
    }
    stand_in.control.flush_webhooks(shop)
    runtime.jobs.drain()
    _refund(stand_in, runtime, shop, orders["C"], 0)  # one sock of two, before any payout
    return orders


def _statements(run: dict) -> dict:
    return {s["handle"]: s for s in run["statements"]}


def _figures(s: dict, *keys) -> tuple:
    return tuple(s[k] if k in ("orders", "held_orders") else D(s[k]) for k in keys)


def _csv_rows(resp) -> list[dict]:
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv"), resp.text
    return list(csv.DictReader(io.StringIO(resp.text)))


def _made(merchant, period_end) -> dict:
    resp = merchant.post("/api/payouts", {"period_end": period_end.isoformat()})
    assert resp.status_code == 201, resp.text
    return resp.json()


def _paid(merchant, run: dict, reference: str) -> dict:
    resp = merchant.post(
        f"/api/payouts/{run['id']}/paid", {"reference": reference, "computed_at": run["created_at"]}
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


def _ledger(merchant) -> dict:
    body = merchant.get("/api/payouts/ledger")
    assert body.status_code == 200, body.text
    return body.json()


def test_a_run_pays_orders_past_their_window_holds_the_others_and_counts_refunds_before_payout(
    merchant, runtime, stand_in, shop_domain
):
    _set_up(merchant, runtime, stand_in, shop_domain)
    assert merchant.get("/api/settings").json()["payouts"] == {"hold_days": 30}
    run = _made(merchant, _today() - timedelta(days=1))
    assert (run["status"], run["hold_days"], run["reference"], run["currency"]) == ("draft", 30, "", "EUR")
    maya, ben = _statements(run)["maya"], _statements(run)["ben"]
    # maya: A 8.50 + B 3.40 + C 2.55 = 14.45; revenue 85.00 + 34.00 + 51.00 = 170.00; returns 25.50 (C);
    # D (6.80) is 10 days old: held.
    assert _figures(maya, "orders", "revenue", "returns", "accrued", "clawed_back", "payable") == (
        3, D("170.00"), D("25.50"), D("14.45"), 0, D("14.45"),
    )  # fmt: skip
    assert _figures(maya, "held", "held_orders", "brought_forward", "carried_forward") == (D("6.80"), 1, 0, 0)
    assert [(x["kind"], D(x["commission"]), D(x["amount"])) for x in maya["lines"]] == [
        ("accrual", D("8.50"), D("8.50")),
        ("accrual", D("3.40"), D("3.40")),
        ("accrual", D("2.55"), D("2.55")),
    ]
    # ben: 0.125 x 29.97 = 3.74625 -> 3.75
    assert _figures(ben, "orders", "accrued", "payable", "held") == (1, D("3.75"), D("3.75"), 0)
    assert D(run["totals"]["payable"]) == D("18.20") and run["totals"]["creators_paid"] == 2

    rows = _csv_rows(merchant.get(f"/api/payouts/{run['id']}/statements.csv"))
    assert [(r["handle"], r["orders"], r["accrued"], r["held"], r["payable"]) for r in rows] == [
        ("ben", "1", "3.75", "0.00", "3.75"),
        ("maya", "3", "14.45", "6.80", "14.45"),
    ]
    paypal = merchant.get(f"/api/payouts/{run['id']}/paypal.csv")
    assert list(csv.reader(io.StringIO(paypal.text))) == [
        [
            "ben",
            "3.75",
            "EUR",
            f"run{run['id']}-ben",
            f"Commission on orders to {run['period_end']}",
            "PAYPAL",
        ],
        [
            "maya",
            "14.45",
            "EUR",
            f"run{run['id']}-maya",
            f"Commission on orders to {run['period_end']}",
            "PAYPAL",
        ],
    ]
    lines = _csv_rows(merchant.get(f"/api/payouts/{run['id']}/lines.csv"))
    assert sorted((r["handle"], r["amount"]) for r in lines) == [
        ("ben", "3.75"), ("maya", "2.55"), ("maya", "3.40"), ("maya", "8.50"),
    ]  # fmt: skip

    # One draft at a time; a draft can be deleted.
    assert merchant.post("/api/payouts", {"period_end": _today().isoformat()}).status_code == 409
    assert merchant.delete(f"/api/payouts/{run['id']}").status_code == 200
    assert merchant.get(f"/api/payouts/{run['id']}").status_code == 404
    assert merchant.get("/api/payouts").json()["runs"] == []


def test_a_refund_after_payout_is_clawed_back_in_the_next_run_and_paid_runs_never_change(
    merchant, runtime, stand_in, shop_domain
):
    orders = _set_up(merchant, runtime, stand_in, shop_domain)
    first = _paid(merchant, _made(merchant, _today() - timedelta(days=1)), "PayPal batch 1")
    assert (first["status"], first["reference"], D(first["totals"]["payable"])) == (
        "paid",
        "PayPal batch 1",
        D("18.20"),
    )
    for attempt in (
        merchant.post(f"/api/payouts/{first['id']}/recompute", {}),
        merchant.delete(f"/api/payouts/{first['id']}"),
        merchant.post(f"/api/payouts/{first['id']}/paid", {"reference": "again"}),
    ):
        assert attempt.status_code == 409, attempt.text

    # After payout: A's lamp comes back (returns 34.00: net 51.00, commission 5.10, paid 8.50 -> -3.40),
    # and so does E, ben's only order (commission 0, paid 3.75 -> -3.75). The window becomes 5 days: D
    # (10 days old, 6.80) is payable now.
    _refund(stand_in, runtime, shop_domain, orders["A"], 1)
    _refund(stand_in, runtime, shop_domain, orders["E"], 0)
    assert merchant.put("/api/settings", {"payouts": {"hold_days": 5}}).json()["payouts"] == {"hold_days": 5}
    second = _made(merchant, _today() - timedelta(days=1))
    maya, ben = _statements(second)["maya"], _statements(second)["ben"]
    # maya: accrued 6.80 (D), clawed back 3.40 (A): payable 3.40
    assert _figures(maya, "orders", "revenue", "accrued", "clawed_back", "payable", "carried_forward") == (
        1, D("68.00"), D("6.80"), D("3.40"), D("3.40"), 0,
    )  # fmt: skip
    assert [(x["order"], x["kind"], D(x["amount"])) for x in maya["lines"]] == [
        (orders["A"]["name"], "clawback", D("-3.40")),
        (orders["D"]["name"], "accrual", D("6.80")),
    ]
    # ben: clawed back 3.75 and nothing to pay it from: payable 0, 3.75 carried to the next run
    assert _figures(ben, "orders", "accrued", "clawed_back", "payable", "carried_forward") == (
        0, 0, D("3.75"), 0, D("3.75"),
    )  # fmt: skip
    # The paid run reads as it was paid.
    assert merchant.get(f"/api/payouts/{first['id']}").json() == first
    second = _paid(merchant, second, "PayPal batch 2")
    paypal = merchant.get(f"/api/payouts/{second['id']}/paypal.csv").text
    assert [row[:3] for row in csv.reader(io.StringIO(paypal))] == [["maya", "3.40", "EUR"]]  # ben: nothing

    # Ledger: maya paid 14.45 + 3.40 = 17.85 = commission now on A 5.10 + B 3.40 + C 2.55 + D 6.80; ben paid
    # 3.75 on an order now worth 0: 3.75 outstanding.
    ledger = {r["handle"]: r for r in _ledger(merchant)["creators"]}
    assert _figures(ledger["maya"], "paid", "commission_on_paid_orders", "clawbacks_outstanding", "held") == (
        D("17.85"), D("17.85"), 0, 0,
    )  # fmt: skip
    assert D(ledger["maya"]["commission"]) == D("17.85")  # 0.10 x (51.00 + 34.00 + 25.50 + 68.00)
    ben_figures = ("paid", "commission_on_paid_orders", "clawbacks_outstanding", "payable_now")
    assert _figures(ledger["ben"], *ben_figures) == (D("3.75"), 0, D("3.75"), 0)
    assert D(ledger["ben"]["commission"]) == 0

    # Reconciliation: Σ payable over the paid runs' CSVs = Σ commission now on the orders paid for
    # + clawbacks outstanding − commission still due on them: 18.20 + 3.40 = 21.60 = 17.85 + 0 + 3.75 − 0.
    paid = sum(
        D(r["payable"])
        for run in (first, second)
        for r in _csv_rows(merchant.get(f"/api/payouts/{run['id']}/statements.csv"))
    )
    totals = _ledger(merchant)["totals"]
    assert paid == D("21.60") == D(totals["paid"])
    assert paid == D(totals["commission_on_paid_orders"]) + D(totals["clawbacks_outstanding"]) - D(
        totals["due_on_paid_orders"]
    )

    # Ben's next order (F, 20 days ago: 50.00 less 10 % = 45.00; 0.125 x 45.00 = 5.625 -> 5.63) pays back
    # what he owes first: 5.63 − 3.75 = 1.88.
    _order(stand_in, shop_domain, 20, BEN, ("Hat", "50.00", 1), customer=9006)
    stand_in.control.flush_webhooks(shop_domain)
    runtime.jobs.drain()
    third = _made(merchant, _today())
    assert list(_statements(third)) == ["ben"]
    ben_figures = ("accrued", "brought_forward", "payable", "carried_forward")
    assert _figures(_statements(third)["ben"], *ben_figures) == (D("5.63"), D("3.75"), D("1.88"), 0)
    _paid(merchant, third, "PayPal batch 3")
    ben = {r["handle"]: r for r in _ledger(merchant)["creators"]}["ben"]
    # paid 3.75 + 1.88 = 5.63 = 5.63 now on E (0) and F: nothing outstanding; spend's commission is exact:
    # 5.625, half a cent below the cash view.
    assert _figures(ben, "paid", "clawbacks_outstanding", "accrued") == (D("5.63"), 0, D("5.63"))
    assert D(ben["commission"]) == D("5.625")


def test_runs_refuse_bad_input_and_a_recomputed_draft_cannot_be_paid_unseen(
    merchant, runtime, stand_in, shop_domain
):
    for body in ({}, {"period_end": "yesterday"}, {"period_end": (_today() + timedelta(days=1)).isoformat()}):
        resp = merchant.post("/api/payouts", body)
        assert resp.status_code == 400 and "period_end" in resp.json()["fields"], resp.text
    for value in (-1, 366, "30", True, None):
        resp = merchant.put("/api/settings", {"payouts": {"hold_days": value}})
        assert resp.status_code == 400 and "payouts.hold_days" in resp.json()["fields"], resp.text
    run = _made(merchant, _today())
    assert run["statements"] == [] and D(run["totals"]["payable"]) == 0
    assert merchant.post(f"/api/payouts/{run['id']}/paid", {"reference": " "}).status_code == 400
    again = merchant.post(f"/api/payouts/{run['id']}/recompute", {})
    assert again.status_code == 200 and again.json()["created_at"] != run["created_at"]
    stale = merchant.post(
        f"/api/payouts/{run['id']}/paid", {"reference": "x", "computed_at": run["created_at"]}
    )
    assert stale.status_code == 409
    assert _paid(merchant, again.json(), "nothing to pay")["status"] == "paid"
