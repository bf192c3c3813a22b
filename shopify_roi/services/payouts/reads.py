"""What the ledger reads from the database: the orders it pays for, the creators' rates, and what paid
runs paid (per order and per creator). Reads only."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from shopify_roi.models import Creator, Order, PayoutLine, PayoutRun, PayoutStatement
from shopify_roi.models.payout import PAID
from shopify_roi.services.payouts.commission import ZERO, OrderFact


def order_facts(session: Session, shop_id: int) -> list[OrderFact]:
    """Every counted attributed order of the shop, and every order a run has a line for (it may since have
    been refunded in full, moved to another creator or no longer be counted: its creator is then None)."""
    in_lines = select(PayoutLine.order_id).where(PayoutLine.shop_id == shop_id)
    rows = session.execute(
        select(
            Order.id,
            Order.creator_id,
            Order.counted,
            Order.name,
            Order.created_at,
            Order.revenue,
            Order.returns,
        )
        .where(
            Order.shop_id == shop_id,
            or_(and_(Order.creator_id.is_not(None), Order.counted.is_(True)), Order.id.in_(in_lines)),
        )
        .order_by(Order.created_at, Order.id)
    )
    return [
        OrderFact(r.id, r.creator_id if r.counted else None, r.name, r.created_at, r.revenue, r.returns)
        for r in rows
    ]


def rates(session: Session, shop_id: int) -> dict[int, Decimal]:
    """Each creator's commission rate now (a fraction), by id."""
    return dict(
        session.execute(select(Creator.id, Creator.commission_rate).where(Creator.shop_id == shop_id)).all()
    )


def paid_lines(session: Session, shop_id: int) -> dict[int, dict[int, Decimal]]:
    """order id -> {creator id: Σ of that order's lines in paid runs}."""
    rows = session.execute(
        select(PayoutLine.order_id, PayoutLine.creator_id, func.sum(PayoutLine.amount))
        .join(PayoutRun, PayoutRun.id == PayoutLine.run_id)
        .where(PayoutLine.shop_id == shop_id, PayoutRun.shop_id == shop_id, PayoutRun.status == PAID)
        .group_by(PayoutLine.order_id, PayoutLine.creator_id)
    )
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for order_id, creator_id, total in rows:
        out[order_id][creator_id] = Decimal(total)
    return dict(out)


def paid_to_date(session: Session, shop_id: int) -> dict[int, Decimal]:
    """creator id -> Σ payable of their statements in paid runs: what the shop paid them."""
    rows = session.execute(
        select(PayoutStatement.creator_id, func.sum(PayoutStatement.payable))
        .join(PayoutRun, PayoutRun.id == PayoutStatement.run_id)
        .where(PayoutStatement.shop_id == shop_id, PayoutRun.shop_id == shop_id, PayoutRun.status == PAID)
        .group_by(PayoutStatement.creator_id)
    )
    return {creator_id: Decimal(total) for creator_id, total in rows}


def brought_forward(paid: dict[int, Decimal], lines: dict[int, dict[int, Decimal]]) -> dict[int, Decimal]:
    """creator id -> what paid runs paid beyond the sum of their lines: a negative statement carried to the
    next run (paid − Σ lines, never negative: a run pays max(0, its balance))."""
    settled: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for by_creator in lines.values():
        for creator_id, amount in by_creator.items():
            settled[creator_id] += amount
    return {k: paid.get(k, ZERO) - settled[k] for k in set(paid) | set(settled)}
