"""The arithmetic of the commission ledger, pure (no I/O): an order's commission in cents, when its hold
ends, and a payout run's lines and statements from the orders and what paid runs already paid
(README.md, "Payouts (commission ledger)").

An order's commission is the creator's rate × the order's net revenue (revenue − returns: METRICS.md's
commission, one order at a time), rounded half up to the cent: every line and statement is in cents and
adds up line by line, and a clawback belongs to the order it claws back. The sum over orders may differ
from METRICS.md's exact commission by at most half a cent per order (the page shows both).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from shopify_roi.models.payout import ACCRUAL, ADJUSTMENT, CLAWBACK

CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass(frozen=True)
class OrderFact:
    """An order as the ledger reads it; `creator_id` is None unless it is counted and attributed."""

    id: int
    creator_id: int | None
    name: str
    created_at: datetime
    revenue: Decimal
    returns: Decimal


@dataclass(frozen=True)
class Line:
    creator_id: int
    order: OrderFact
    kind: str  # accrual | adjustment | clawback
    amount: Decimal  # commission now − paid before for this order
    commission: Decimal  # the order's commission now for this creator (0 when no longer theirs)
    rate: Decimal


@dataclass
class Statement:
    """One creator's figures in a run (README.md: every figure's definition)."""

    creator_id: int
    lines: list[Line] = field(default_factory=list)
    brought_forward: Decimal = ZERO  # paid in earlier runs beyond what their lines came to (>= 0)
    held: Decimal = ZERO
    held_orders: int = 0

    @property
    def first_paid(self) -> list[Line]:
        return [x for x in self.lines if x.kind == ACCRUAL]

    @property
    def accrued(self) -> Decimal:
        return sum((x.amount for x in self.lines if x.kind != CLAWBACK), ZERO)

    @property
    def clawed_back(self) -> Decimal:
        return -sum((x.amount for x in self.lines if x.kind == CLAWBACK), ZERO)

    @property
    def balance(self) -> Decimal:
        return self.accrued - self.clawed_back - self.brought_forward

    @property
    def payable(self) -> Decimal:
        return max(self.balance, ZERO)

    @property
    def carried_forward(self) -> Decimal:
        return max(-self.balance, ZERO)


def order_commission(rate: Decimal, revenue: Decimal, returns: Decimal) -> Decimal:
    """rate × (revenue − returns), rounded half up (away from zero) to the cent."""
    return (rate * (revenue - returns)).quantize(CENT, rounding=ROUND_HALF_UP)


def hold_ends(order: OrderFact, hold_days: int) -> datetime:
    """The instant the order's return window ends: `hold_days` × 24 hours after the order."""
    return order.created_at + timedelta(days=hold_days)


def run_statements(
    orders: list[OrderFact],
    rates: dict[int, Decimal],
    paid_lines: dict[int, dict[int, Decimal]],
    brought_forward: dict[int, Decimal],
    period_ends_before: datetime,
    now: datetime,
    hold_days: int,
) -> dict[int, Statement]:
    """A run's statement per creator. `paid_lines`: order id -> {creator id: Σ of its lines in paid runs};
    `period_ends_before`: the UTC instant the day after the period's last local day begins.

    An order paid for before gets a line whenever its commission now differs from what was paid for it
    (whatever the period); any other attributed order gets its first (accrual) line once it is in the
    period and its hold has ended by `now`, else counts as held if it is in the period."""
    out: dict[int, Statement] = defaultdict(lambda: Statement(0))
    for order in orders:
        paid_for = paid_lines.get(order.id, {})
        for creator_id, paid in paid_for.items():
            rate = rates.get(creator_id, ZERO)
            now_c = (
                order_commission(rate, order.revenue, order.returns)
                if order.creator_id == creator_id
                else ZERO
            )
            if now_c != paid:
                kind = ADJUSTMENT if now_c > paid else CLAWBACK
                out[creator_id].lines.append(Line(creator_id, order, kind, now_c - paid, now_c, rate))
        owner = order.creator_id
        if owner is None or owner in paid_for or order.created_at >= period_ends_before:
            continue
        rate = rates.get(owner, ZERO)
        commission = order_commission(rate, order.revenue, order.returns)
        if hold_ends(order, hold_days) > now:
            out[owner].held += commission
            out[owner].held_orders += 1
        else:
            out[owner].lines.append(Line(owner, order, ACCRUAL, commission, commission, rate))
    for creator_id, owed in brought_forward.items():
        if owed:
            out[creator_id].brought_forward = owed
    for creator_id, statement in out.items():
        statement.creator_id = creator_id
    return dict(out)
