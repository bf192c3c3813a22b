"""The commission ledger's arithmetic (services/payouts/commission.py) on orders built by hand: an order's
commission in cents, the hold, clawbacks against what paid runs paid, and a negative balance carried."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from shopify_roi.services.payouts.commission import OrderFact, order_commission, run_statements

D = Decimal
NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)
END = datetime(2026, 6, 30, tzinfo=UTC)  # the period: orders before 30 June 00:00 UTC


def _order(
    order_id: int, creator_id: int | None, days_ago: int, revenue: str, returns: str = "0"
) -> OrderFact:
    return OrderFact(
        order_id, creator_id, f"#{1000 + order_id}", NOW - timedelta(days=days_ago), D(revenue), D(returns)
    )


def test_an_orders_commission_is_rounded_half_up_to_the_cent():
    assert order_commission(D("0.125"), D("29.97"), D(0)) == D("3.75")  # 3.74625
    assert order_commission(D("0.10"), D("12.35"), D(0)) == D("1.24")  # 1.235: half up
    assert order_commission(D("0.10"), D("85.00"), D("85.00")) == 0


def test_an_order_inside_its_window_is_held_and_one_after_the_period_is_left_out():
    orders = [_order(1, 7, 40, "85.00"), _order(2, 7, 10, "34.00"), _order(3, 7, 0, "50.00")]
    (maya,) = run_statements(orders, {7: D("0.10")}, {}, {}, END, NOW, 30).values()
    # 1: 8.50 payable; 2: 3.40 held (10 days old); 3: placed after the period's end: neither
    assert (maya.accrued, maya.payable, maya.held, maya.held_orders) == (D("8.50"), D("8.50"), D("3.40"), 1)


def test_a_refund_after_payout_is_clawed_back_and_a_negative_balance_is_carried():
    # Order 1 paid 8.50, now refunded in full; order 4 moved from creator 8 (paid 2.00) to creator 7.
    orders = [_order(1, 7, 40, "85.00", "85.00"), _order(4, 7, 45, "20.00")]
    paid = {1: {7: D("8.50")}, 4: {8: D("2.00")}}
    got = run_statements(orders, {7: D("0.10"), 8: D("0.10")}, paid, {7: D("1.00")}, END, NOW, 30)
    maya, ben = got[7], got[8]
    # maya: clawback 8.50; new accrual 2.00 (order 4); 1.00 still owed from before: 2.00 - 8.50 - 1.00 = -7.50
    assert [(x.kind, x.amount) for x in maya.lines] == [("clawback", D("-8.50")), ("accrual", D("2.00"))]
    assert (maya.accrued, maya.clawed_back, maya.payable, maya.carried_forward) == (
        D("2.00"), D("8.50"), 0, D("7.50"),
    )  # fmt: skip
    assert [(x.kind, x.amount) for x in ben.lines] == [("clawback", D("-2.00"))]
