"""The lines of the refunds a backfill batch's orders carry.

A bulk query cannot carry them (shopify_client/refunds.py says why), so they come from two places:
the refunds the app holds already (stored from `refunds/create` webhooks or an earlier run) are read
from the database, and only the others are read from Shopify, `refunds.REFUNDS_PER_REQUEST` a request.
No transaction stays open across those requests (CONVENTIONS.md: a service that calls Shopify commits
before the call and after it).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.db import Database
from shopify_roi.db_rows import among, chunked
from shopify_roi.models import Refund, RefundLine
from shopify_roi.services.orders.facts import RefundLineFacts
from shopify_roi.services.orders.parse_bulk import refund_ids, refund_line_facts
from shopify_roi.shopify_client import refunds
from shopify_roi.shopify_client.admin import AdminClient


def held_lines(session: Session, shop_id: int, ids: list[str]) -> dict[str, list[RefundLineFacts]]:
    """Refund id -> its stored lines, for the refunds of `ids` the shop's database holds."""
    found: dict[str, list[RefundLineFacts]] = {}
    for chunk in chunked(sorted(set(ids))):
        rows = session.execute(
            select(
                Refund.shopify_id,
                RefundLine.shopify_id,
                RefundLine.line_shopify_id,
                RefundLine.quantity,
                RefundLine.subtotal,
                RefundLine.tax,
            )
            .outerjoin(
                RefundLine, (RefundLine.refund_id == Refund.id) & (RefundLine.shop_id == Refund.shop_id)
            )
            .where(Refund.shop_id == shop_id, among(session, Refund.shopify_id, chunk))
            .order_by(Refund.shopify_id, RefundLine.id)
        )
        for refund_id, line_id, line_of, quantity, subtotal, tax in rows:
            lines = found.setdefault(refund_id, [])
            if line_id is not None:
                lines.append(RefundLineFacts(line_id, line_of, quantity, subtotal, tax))
    return found


def lines_of(
    db: Database, client: AdminClient, shop_id: int, nodes: list[dict]
) -> dict[str, list[RefundLineFacts]]:
    """Refund id -> lines for every refund of these bulk orders; only those the database does not hold
    are read from Shopify."""
    ids = [rid for node in nodes for rid in refund_ids(node)]
    if not ids:
        return {}
    with db.session() as session:
        found = held_lines(session, shop_id, ids)
    missing = [rid for rid in dict.fromkeys(ids) if rid not in found]
    fetched = refunds.refund_lines(client, [f"gid://shopify/Refund/{rid}" for rid in missing])
    for gid, items in fetched.items():
        found[gid.rsplit("/", 1)[-1]] = refund_line_facts(items)
    return found
