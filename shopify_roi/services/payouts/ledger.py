"""Each creator's commission ledger to date (README.md, "Payouts (commission ledger)"): the commission as
spend counts it (METRICS.md: rate × net revenue, exact), and the cash view beside it: commission accrued
order by order in cents, held in the return window, paid, owed back (clawbacks outstanding) and what a run
made now would pay. Reads only."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.db import utcnow
from shopify_roi.models import Creator, Shop
from shopify_roi.money import display
from shopify_roi.services.payouts import reads
from shopify_roi.services.payouts.commission import ZERO, hold_ends, order_commission
from shopify_roi.services.payouts.settings import hold_days

SUMS = ("commission", "accrued", "held", "eligible", "paid", "commission_on_paid_orders")
SHOWN = (
    "accrued",
    "held",
    "paid",
    "commission_on_paid_orders",
    "clawbacks_outstanding",
    "due_on_paid_orders",
    "payable_now",
)


def _sums(session: Session, shop_id: int, now: datetime) -> dict[int, dict[str, Decimal]]:
    rates, lines = reads.rates(session, shop_id), reads.paid_lines(session, shop_id)
    hold = hold_days(session, shop_id)
    rows: dict[int, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(SUMS, ZERO))
    for order in reads.order_facts(session, shop_id):
        paid_for = lines.get(order.id, {})
        for creator_id in paid_for:  # an order no longer theirs (or not counted) owes them nothing now
            now_c = order_commission(rates.get(creator_id, ZERO), order.revenue, order.returns)
            rows[creator_id]["commission_on_paid_orders"] += now_c if order.creator_id == creator_id else ZERO
        owner = order.creator_id
        if owner is None:
            continue
        rate = rates.get(owner, ZERO)
        commission = order_commission(rate, order.revenue, order.returns)
        rows[owner]["commission"] += rate * (order.revenue - order.returns)
        rows[owner]["accrued"] += commission
        if owner not in paid_for:
            rows[owner]["held" if hold_ends(order, hold) > now else "eligible"] += commission
    for creator_id, amount in reads.paid_to_date(session, shop_id).items():
        rows[creator_id]["paid"] += amount
    return rows


def _figures(row: dict[str, Decimal]) -> dict[str, Decimal]:
    paid, on_paid = row["paid"], row["commission_on_paid_orders"]
    return {
        **row,
        "clawbacks_outstanding": max(paid - on_paid, ZERO),
        "due_on_paid_orders": max(on_paid - paid, ZERO),
        "payable_now": max(on_paid + row["eligible"] - paid, ZERO),
    }


def _json(figures: dict[str, Decimal]) -> dict:
    return {"commission": str(figures["commission"]), **{k: display(figures[k], 2) for k in SHOWN}}


def creator_ledger(session: Session, shop_id: int, now: datetime | None = None) -> dict:
    """Per creator (by handle) and in total: `commission` exact (METRICS.md), the rest in cents."""
    now = now or utcnow()
    rows = _sums(session, shop_id, now)
    creators = session.scalars(
        select(Creator).where(Creator.shop_id == shop_id, Creator.id.in_(list(rows))).order_by(Creator.handle)
    )
    out, total = [], dict.fromkeys(SUMS, ZERO)
    for creator in creators:
        row = rows[creator.id]
        for k in SUMS:
            total[k] += row[k]
        out.append({"handle": creator.handle, "name": creator.name, **_json(_figures(row))})
    totals = _json(_figures(total))
    for k in ("clawbacks_outstanding", "due_on_paid_orders", "payable_now"):  # sums of the creators' own
        totals[k] = display(sum((Decimal(r[k]) for r in out), ZERO), 2)
    return {
        "currency": session.get(Shop, shop_id).currency,
        "hold_days": hold_days(session, shop_id),
        "as_of": now.isoformat(),
        "creators": out,
        "totals": totals,
    }
