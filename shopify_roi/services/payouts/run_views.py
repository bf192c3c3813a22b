"""Payout runs as the API shows them: the list with each run's totals, and one run with its statement per
creator and the lines behind each. Money is in cents, as decimal strings ("12.50")."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.models import Creator, PayoutLine, PayoutRun, PayoutStatement, Shop
from shopify_roi.money import display
from shopify_roi.services.payouts.runs import get_run
from shopify_roi.services.payouts.settings import hold_days
from shopify_roi.timefmt import iso

MONEY = (
    "revenue",
    "returns",
    "accrued",
    "clawed_back",
    "brought_forward",
    "payable",
    "carried_forward",
    "held",
)
COUNTS = ("orders", "held_orders")


def cents(value: Decimal | None) -> str | None:
    return display(value, 2)


def _run_json(run: PayoutRun, statements: list[PayoutStatement]) -> dict:
    totals = {k: cents(sum((getattr(s, k) for s in statements), Decimal(0))) for k in MONEY}
    totals.update({k: sum(getattr(s, k) for s in statements) for k in COUNTS})
    totals["creators_paid"] = sum(1 for s in statements if s.payable > 0)
    return {
        "id": run.id,
        "period_end": run.period_end.isoformat(),
        "hold_days": run.hold_days,
        "created_at": iso(run.created_at),
        "status": run.status,
        "paid_at": iso(run.paid_at),
        "reference": run.reference,
        "totals": totals,
    }


def statements_of(session: Session, shop_id: int, run_ids) -> dict[int, list[PayoutStatement]]:
    """run id -> its statements (by creator handle)."""
    out: dict[int, list[PayoutStatement]] = defaultdict(list)
    rows = session.scalars(
        select(PayoutStatement)
        .join(
            Creator, (Creator.id == PayoutStatement.creator_id) & (Creator.shop_id == PayoutStatement.shop_id)
        )
        .where(PayoutStatement.shop_id == shop_id, PayoutStatement.run_id.in_(list(run_ids)))
        .order_by(Creator.handle)
    )
    for s in rows:
        out[s.run_id].append(s)
    return out


def list_runs(session: Session, shop_id: int) -> dict:
    """Every run of the shop, newest first, with totals; the shop's currency and return window."""
    runs = list(
        session.scalars(
            select(PayoutRun).where(PayoutRun.shop_id == shop_id).order_by(PayoutRun.created_at.desc())
        )
    )
    by_run = statements_of(session, shop_id, [r.id for r in runs])
    return {
        "currency": session.get(Shop, shop_id).currency,
        "hold_days": hold_days(session, shop_id),
        "runs": [_run_json(r, by_run.get(r.id, [])) for r in runs],
    }


def _line_json(line: PayoutLine) -> dict:
    return {
        "order": line.order_name,
        "order_created_at": iso(line.order_created_at),
        "kind": line.kind,
        "revenue": str(line.revenue),
        "returns": str(line.returns),
        "net_revenue": str(line.revenue - line.returns),
        "rate": str(line.rate),
        "commission": cents(line.commission),
        "amount": cents(line.amount),
    }


def run_detail(session: Session, shop_id: int, run_id: int) -> dict:
    """One run: its totals, then per creator the statement and its lines (by order date)."""
    run = get_run(session, shop_id, run_id)
    statements = statements_of(session, shop_id, [run.id]).get(run.id, [])
    creators = {c.id: c for c in session.scalars(select(Creator).where(Creator.shop_id == shop_id))}
    lines: dict[int, list[PayoutLine]] = defaultdict(list)
    for line in session.scalars(
        select(PayoutLine)
        .where(PayoutLine.shop_id == shop_id, PayoutLine.run_id == run.id)
        .order_by(PayoutLine.order_created_at, PayoutLine.id)
    ):
        lines[line.creator_id].append(line)
    out = _run_json(run, statements)
    out["currency"] = session.get(Shop, shop_id).currency
    out["statements"] = [
        {
            "handle": creators[s.creator_id].handle,
            "name": creators[s.creator_id].name,
            **{k: cents(getattr(s, k)) for k in MONEY},
            **{k: getattr(s, k) for k in COUNTS},
            "lines": [_line_json(x) for x in lines.get(s.creator_id, [])],
        }
        for s in statements
    ]
    return out
