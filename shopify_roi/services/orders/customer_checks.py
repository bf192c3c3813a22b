"""Is a customer the app sees for the first time really new? (METRICS.md, "New customer order")

The app decides first orders from the orders it holds. Without `read_all_orders` Shopify shows it only
the last 60 days, so a customer whose earlier orders are older looks new. For such a shop, every
customer with a first order is checked once against Shopify's lifetime count (`numberOfOrders`), kept
with the moment it was read. While Shopify counted more orders up to that moment than the app holds
from up to then, the customer has orders the app cannot see: they are returning, none of their held
orders is a first order, and they are in no creator's cohort (cohorts.py).

The comparison is made again whenever the customer's orders change, so an order the app had merely
not received yet (a webhook on its way, one lost and repaired by the reconciliation) only delays the
answer: once it arrives the counts agree and the customer is new again. The moment is read after
Shopify answered, so an order placed during the request can only make a customer look new, never
returning. With `read_all_orders` the held history is complete and nothing is asked.

Where a check starts (jobs/customers.py): a customer's first order is a row the drain has just written,
so the check the drain asks for reads only the first orders after the last row an earlier check reached
(the shop's whole table again on every drain batch was ~0.6 s at 10,000 orders, and grew with them). An
older row can still be one the check has not seen: an order that was not counted becomes counted, or
two drain workers commit out of row order (a check that ran between their commits reached past the rows
of the later one). The check every ten minutes, and the one after a history import, read every first
order from the start, so such a customer's answer is late by at most that, never lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from shopify_roi.db import Database, utcnow
from shopify_roi.db_rows import insert_or_ignore
from shopify_roi.models import CustomerHistory, Order, Shop
from shopify_roi.models.order import REDACTED_PREFIX
from shopify_roi.services.orders import cohorts, read_facts
from shopify_roi.shopify_client import customers
from shopify_roi.shopify_client.admin import AdminClient

ROUND = 250  # customers per round of checks


def applies(shop: Shop) -> bool:
    """Whether the shop's held history may be incomplete (Shopify shows 60 days without read_all_orders)."""
    return "read_all_orders" not in shop.scope_set


def unchecked(session: Session, shop_id: int, after: int = 0, limit: int = ROUND) -> list[tuple[int, str]]:
    """(first order's row id, customer id) of customers not checked yet, by row id after `after`."""
    checked = exists().where(
        CustomerHistory.shop_id == Order.shop_id, CustomerHistory.customer_id == Order.customer_id
    )
    return [
        tuple(r)
        for r in session.execute(
            select(Order.id, Order.customer_id)
            .where(
                Order.shop_id == shop_id,
                Order.id > after,
                Order.is_first.is_(True),
                Order.customer_id.is_not(None),
                ~Order.customer_id.startswith(REDACTED_PREFIX),
                ~checked,
            )
            .order_by(Order.id)
            .limit(limit)
        )
    ]


def record(
    session: Session, shop_id: int, found: dict[str, customers.CustomerOrders], checked_at: datetime
) -> int:
    """Store Shopify's counts (once per customer: idempotent) and refresh these customers' first orders;
    returns how many of them are returning."""
    if not found:
        return 0
    rows = [
        {"shop_id": shop_id, "customer_id": c, "shopify_orders": a.number_of_orders, "checked_at": checked_at}
        for c, a in found.items()
    ]
    insert_or_ignore(session, CustomerHistory.__table__, rows, ["shop_id", "customer_id"])
    read_facts.refresh_facts(session, shop_id, set(found))
    return len(cohorts.returning_customers(session, shop_id, sorted(found)))


def check(
    db: Database,
    client: AdminClient,
    shop_id: int,
    budget_seconds: float = 120.0,
    after: int = 0,
    reached: Callable[[int], None] | None = None,
) -> dict:
    """Check the shop's unchecked customers, a round of ROUND at a time, for up to `budget_seconds`,
    reading first orders by row id from `after` on; `reached(row_id)` is told after each round how far
    it has checked. Returns counts; `more` when the budget ran out with customers left."""
    with db.session() as session:
        if not applies(session.get(Shop, shop_id)):
            return {"skipped": "the shop granted read_all_orders: its history is complete"}
    totals = {"checked": 0, "returning": 0, "more": False}
    started = time.monotonic()
    while True:
        if time.monotonic() - started > budget_seconds:
            totals["more"] = True
            return totals
        with db.session() as session:
            todo = unchecked(session, shop_id, after)
        if not todo:
            return totals
        after = todo[-1][0]
        found = customers.order_counts(client, [c for _, c in todo])
        checked_at = utcnow()  # after the answer: see the module's docstring
        with db.session() as session:
            totals["returning"] += record(session, shop_id, found, checked_at)
        totals["checked"] += len(found)
        if reached is not None:
            reached(after)


def shops_to_check(session: Session, domains: set[str]) -> list[str]:
    """Of these shops, the installed ones whose held history may be incomplete."""
    return sorted(
        s.domain
        for s in session.scalars(select(Shop).where(Shop.domain.in_(domains)))
        if s.is_installed and applies(s)
    )
