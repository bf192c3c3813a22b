"""Refunds stored once, set-based: Shopify's refunds are immutable, so a refund held already changes
nothing. A refund is stored by its own id with its order's id, so one that arrives before its order
simply waits: returns are summed by order id when read (read_facts.py).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.db_rows import among, chunked, insert_or_ignore, insert_rows
from shopify_roi.models import Refund, RefundLine
from shopify_roi.services.orders.facts import RefundFacts


def stored(session: Session, shop_id: int, ids: list[str]) -> set[str]:
    """Which of these refunds are already stored."""
    found: set[str] = set()
    for chunk in chunked(sorted(set(ids))):
        found.update(
            session.scalars(
                select(Refund.shopify_id).where(
                    Refund.shop_id == shop_id, among(session, Refund.shopify_id, chunk)
                )
            )
        )
    return found


def insert_once(session: Session, shop_id: int, refunds: list[RefundFacts], held: set[str]) -> set[str]:
    """Insert those of `refunds` whose id is not in `held` (the ids the caller knows are stored), each id
    once, in one statement for the refunds and one for their lines; ON CONFLICT skips a refund another
    worker stores meanwhile (from refunds/create, or inside an order body): the second waits for the first
    and stores nothing. Adds every id to `held`; returns the ids inserted."""
    todo = {r.shopify_id: r for r in refunds if r.shopify_id not in held}
    if not todo:
        return set()
    held |= set(todo)
    rows = [
        {
            "shop_id": shop_id,
            "shopify_id": r.shopify_id,
            "order_shopify_id": r.order_shopify_id,
            "created_at": r.created_at,
            "subtotal": sum((line.subtotal for line in r.lines), start=0),
            "line_tax": sum((line.tax for line in r.lines), start=0),
            "has_lines": bool(r.lines),
        }
        for r in todo.values()
    ]
    ids = dict(
        insert_or_ignore(session, Refund.__table__, rows, ["shop_id", "shopify_id"], ["shopify_id", "id"])
    )
    lines = [
        {
            "shop_id": shop_id,
            "refund_id": ids[r.shopify_id],
            "shopify_id": line.shopify_id,
            "line_shopify_id": line.line_shopify_id,
            "quantity": line.quantity,
            "subtotal": line.subtotal,
            "tax": line.tax,
        }
        for r in todo.values()
        if r.shopify_id in ids
        for line in r.lines
    ]
    insert_rows(session, RefundLine.__table__, lines)
    return set(ids)
