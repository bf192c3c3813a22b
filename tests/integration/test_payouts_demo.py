"""Payouts on the demo shop (devstore.demo.scenario, fewer orders): three runs paid, refunds after each of
the first two. The payout CSVs reconcile to the cent with the commission on net revenue of the orders they
paid for, worked out here from the orders behind each creator (not from the ledger's code):

    Σ payable over the paid runs' CSVs = Σ over the orders paid for of round(rate × net revenue now)
                                         + clawbacks outstanding − commission still due on them

with, per creator, clawbacks outstanding = max(0, paid − that sum) (paid more than the orders are worth
now), and commission still due = max(0, that sum − paid) (none here: no order is edited, no rate changes).
"""

from __future__ import annotations

import csv
import io
import time
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from support import Merchant, install

from devstore.demo import scenario
from devstore.demo.merchant import allow_full_history

ORDERS = 300
DEMO_SCOPES = "read_orders,write_discounts,read_customers"
HOLD = timedelta(days=30)
D = Decimal


@pytest.fixture
def settings(settings):
    return settings.with_(scopes=DEMO_SCOPES)


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    allow_full_history(app_server.url, stand_in.url, shop_domain, tick=app_server.runtime.jobs.drain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _install_done(runtime, merchant, seconds: float = 60) -> None:
    """Run the install's jobs (as test_demo_shop.py does) before seeding."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        runtime.jobs.drain()
        runs = merchant.get("/api/freshness").json()["backfills"]
        if runs and all(r["status"] == "done" for r in runs) and runtime.jobs.depth() == 0:
            return
        time.sleep(0.1)
    raise AssertionError("the install backfill did not finish")


def _orders_behind(merchant) -> dict[str, list[dict]]:
    """handle -> the counted orders attributed to the creator (the API's orders behind the numbers)."""
    out = {}
    for creator in merchant.get("/api/creators").json()["creators"]:
        body = merchant.get(
            f"/api/metrics/creators/{creator['handle']}/orders",
            params={"from": "2020-01-01", "to": "2099-12-31"},
        ).json()
        out[creator["handle"]] = [o for o in body["orders"] if o["attributed"] and o["counted"]]
    return out


def _rates(merchant) -> dict[str, Decimal]:
    return {
        c["handle"]: D(c["commission_percent"]) / 100
        for c in merchant.get("/api/creators").json()["creators"]
    }


def _paid_run(merchant, period_end: date) -> dict:
    made = merchant.post("/api/payouts", {"period_end": period_end.isoformat()})
    assert made.status_code == 201, made.text
    run = made.json()
    paid = merchant.post(f"/api/payouts/{run['id']}/paid", {"reference": f"batch {period_end}"})
    assert paid.status_code == 200, paid.text
    return run


def _refund_some(merchant, stand_in, runtime, shop, before: date, count: int) -> int:
    """Refund the first line of `count` paid-for orders placed before `before` (local date) that have no
    refund yet; returns how many were refunded."""
    done = 0
    for orders in _orders_behind(merchant).values():
        for o in orders:
            if done == count:
                break
            if o["local_date"] < before.isoformat() and D(o["returns"]) == 0 and D(o["revenue"]) > 0:
                full = stand_in.control.order(shop, int(o["order_id"]))
                line = full["line_items"][0]
                stand_in.control.refund_order(
                    shop, full["id"], line_items=[{"line_item_id": line["id"], "quantity": line["quantity"]}]
                )
                done += 1
    stand_in.control.flush_webhooks(shop)
    runtime.jobs.drain()
    return done


def _paid_by_csv(merchant, runs: list[dict]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for run in runs:
        text = merchant.get(f"/api/payouts/{run['id']}/statements.csv").text
        for row in csv.DictReader(io.StringIO(text)):
            out[row["handle"]] = out.get(row["handle"], D(0)) + D(row["payable"])
    return out


def _check(merchant, runs: list[dict]) -> dict:
    """The identity, per creator and in total, from the CSVs and the orders; returns the totals."""
    rates, paid = _rates(merchant), _paid_by_csv(merchant, runs)

    def paid_for(o: dict) -> bool:  # in a paid run's period and past its return window when it was made
        placed = datetime.fromisoformat(o["created_at"])
        return any(
            o["local_date"] <= r["period_end"] and placed + HOLD <= datetime.fromisoformat(r["created_at"])
            for r in runs
        )

    worth = {
        handle: sum(
            (
                (rates[handle] * (D(o["revenue"]) - D(o["returns"]))).quantize(D("0.01"), ROUND_HALF_UP)
                for o in orders
                if paid_for(o)
            ),
            D(0),
        )
        for handle, orders in _orders_behind(merchant).items()
    }
    outstanding = {h: max(paid.get(h, D(0)) - worth[h], D(0)) for h in worth}
    assert all(worth[h] <= paid.get(h, D(0)) for h in worth)  # nothing due on orders paid for
    ledger = merchant.get("/api/payouts/ledger").json()
    rows = {r["handle"]: r for r in ledger["creators"]}
    for handle in worth:
        if handle in rows:
            assert D(rows[handle]["clawbacks_outstanding"]) == outstanding[handle], handle
            assert D(rows[handle]["paid"]) == paid.get(handle, D(0)), handle
    total_paid = sum(paid.values(), D(0))
    assert total_paid == sum(worth.values(), D(0)) + sum(outstanding.values(), D(0))
    assert total_paid == D(ledger["totals"]["paid"])
    assert D(ledger["totals"]["clawbacks_outstanding"]) == sum(outstanding.values(), D(0))
    return {"paid": total_paid, "outstanding": sum(outstanding.values(), D(0)), "ledger": ledger}


def test_the_demo_shops_payouts_reconcile_to_the_cent(merchant, runtime, stand_in, shop_domain):
    _install_done(runtime, merchant)
    scenario.seed(
        merchant.app_url, stand_in.url, shop_domain, orders=ORDERS, click_scale=0.02, tick=runtime.jobs.drain
    )
    today = date.today()
    runs = [_paid_run(merchant, today - timedelta(days=100))]
    assert _refund_some(merchant, stand_in, runtime, shop_domain, today - timedelta(days=100), 8) == 8
    runs.append(_paid_run(merchant, today - timedelta(days=40)))
    assert _refund_some(merchant, stand_in, runtime, shop_domain, today - timedelta(days=40), 8) == 8
    after_two = _check(merchant, runs)
    assert after_two["outstanding"] > 0  # refunds after the last payout: owed back, not yet recovered
    runs.append(_paid_run(merchant, today))
    after_three = _check(merchant, runs)
    assert after_three["paid"] > after_two["paid"]

    # The ledger's commission is METRICS.md's (the ROI table's, all time), exact; the cash view rounds each
    # order to the cent, so the two differ by at most half a cent per order.
    table = merchant.get(
        "/api/metrics/creators",
        params={
            "from": (today - timedelta(days=400)).isoformat(),
            "to": (today + timedelta(days=1)).isoformat(),
            "as_of": today.isoformat(),
        },
    ).json()
    spend = {r["handle"]: D(r["commission"]) for r in table["creators"]}
    orders = {h: len(o) for h, o in _orders_behind(merchant).items()}
    for row in after_three["ledger"]["creators"]:
        assert D(row["commission"]) == spend.get(row["handle"], D(0)), row["handle"]
        assert abs(D(row["accrued"]) - D(row["commission"])) <= D("0.005") * orders[row["handle"]]
