"""Each customer's first counted order and its cohort facts (METRICS.md "New customer order", "90-day
repeat rate", "LTV"): the gap to the customer's next counted order and their net revenue within 30, 90,
180 and 365 days, kept on the first order's row so the ROI table reads no customer's history.

A customer Shopify counted more orders for than the app holds (customer_checks.py: the app sees only 60
days without read_all_orders) is returning: none of their held orders is a first order.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopify_roi.db_rows import among, chunked, update_rows
from shopify_roi.models import CustomerHistory, Order
from shopify_roi.models.rollup import COHORT_DAYS
from shopify_roi.services.orders import order_times
from shopify_roi.services.orders.facts import OrderFacts

NOT_FIRST = (False, None, None, None, None, None)
_FIRST_ORDER_FACTS = (
    Order.is_first,
    Order.next_gap_us,
    Order.ltv_30,
    Order.ltv_90,
    Order.ltv_180,
    Order.ltv_365,
)


def cohort_facts(history: list[tuple]) -> dict[int, tuple]:
    """One customer's orders as (id, created_at, counted, net) -> {first order id: (True, gap to the next
    counted order in microseconds or None, net revenue within 30, 90, 180, 365 days, the first included)}.
    A repeat is a counted order strictly after the first; LTV-N takes every counted order at most N days
    after it (METRICS.md). An order at a time no order may carry (order_times.py: stored before it was
    checked) counts in no cohort, as in no figure."""
    counted = sorted(
        (created, oid, net)
        for oid, created, is_counted, net in history
        if is_counted and order_times.allowed(created)
    )
    if not counted:
        return {}
    first_at, first_id, _ = counted[0]
    later = [created for created, _, _ in counted if created > first_at]
    gap = (later[0] - first_at) // timedelta(microseconds=1) if later else None
    ltv = tuple(
        sum((net for created, _, net in counted if created - first_at <= timedelta(days=n)), Decimal(0))
        for n in COHORT_DAYS
    )
    return {first_id: (True, gap, *ltv)}


def refresh_first_orders(session: Session, shop_id: int, customer_ids: list[str]) -> list[datetime]:
    """Mark these customers' first counted orders (by created_at, then id) with their cohort facts and
    unmark the rest, writing only rows that change; returns the created_at of the rows written (their
    rollup days changed). Rows are locked in id order first, so two workers refreshing the same customers
    wait for each other instead of deadlocking."""
    rows = session.execute(
        select(Order.id, Order.customer_id, Order.created_at, Order.counted, Order.revenue, Order.returns)
        .add_columns(*_FIRST_ORDER_FACTS)
        .where(Order.shop_id == shop_id, among(session, Order.customer_id, customer_ids))
        .order_by(Order.id)
        .with_for_update()
    ).all()
    by_customer: dict[str, list] = {}
    for row in rows:
        by_customer.setdefault(row.customer_id, []).append(row)
    counted_by_shopify = shopify_counts(session, shop_id, customer_ids)
    changes, moments = [], []
    for customer, history in by_customer.items():
        returning = customer in counted_by_shopify and is_returning(
            *counted_by_shopify[customer], [r.created_at for r in history]
        )
        wanted = (
            {}
            if returning
            else cohort_facts(
                [(r.id, r.created_at, r.counted, r.revenue - (r.returns or 0)) for r in history]
            )
        )
        for row in history:
            facts = wanted.get(row.id, NOT_FIRST)
            if tuple(row[6:]) != facts:
                changes.append(
                    {"id": row.id, **dict(zip((c.key for c in _FIRST_ORDER_FACTS), facts, strict=True))}
                )
                moments.append(row.created_at)
    update_rows(session, Order.__table__, shop_id, changes)
    return moments


def shopify_counts(
    session: Session, shop_id: int, customer_ids: list[str]
) -> dict[str, tuple[int | None, datetime]]:
    """customer id -> (Shopify's lifetime order count, when it was read), for the checked ones among these
    (customer_checks.py)."""
    return {
        c: (n, at)
        for c, n, at in session.execute(
            select(
                CustomerHistory.customer_id, CustomerHistory.shopify_orders, CustomerHistory.checked_at
            ).where(
                CustomerHistory.shop_id == shop_id, among(session, CustomerHistory.customer_id, customer_ids)
            )
        )
    }


def is_returning(shopify_orders: int | None, checked_at: datetime, held_created: list[datetime]) -> bool:
    """A customer has orders the app cannot see (older than its 60 days) while Shopify counted more of
    their orders up to `checked_at` than the app holds from up to then; none of their held orders is
    then a first order (METRICS.md: "New customer order")."""
    return shopify_orders is not None and shopify_orders > sum(
        1 for created in held_created if created <= checked_at
    )


def returning_customers(session: Session, shop_id: int, customer_ids: list[str]) -> set[str]:
    """Of these customers, the checked ones that are returning by `is_returning`."""
    counts = shopify_counts(session, shop_id, customer_ids)
    held: dict[str, list[datetime]] = {}
    for customer, created in session.execute(
        select(Order.customer_id, Order.created_at).where(
            Order.shop_id == shop_id, among(session, Order.customer_id, counts)
        )
    ):
        held.setdefault(customer, []).append(created)
    return {c for c, (n, at) in counts.items() if is_returning(n, at, held.get(c, []))}


FIRST_ORDER_COLUMNS = tuple(column.key for column in _FIRST_ORDER_FACTS)


def new_customers_first_orders(
    session: Session, shop_id: int, orders: list[OrderFacts], rows: list[dict]
) -> dict[int, tuple]:
    """The first-order facts of these new orders (`rows`: their columns, in the order they are inserted in,
    which is their row ids' order) whose customer the shop holds no order of and has no Shopify count for:
    index -> the facts `refresh_first_orders` computes for them once they are stored (their refunds are the
    ones they carry). Written with the row, they make the refresh after the batch find the row right and
    write nothing: a new customer's order is written once, not inserted and then updated (half of a large
    history import's database work). Every other customer is left to the refresh, which stays the judge:
    a value computed here that the refresh would not compute (a refund stored before its order) is
    rewritten there."""
    by_customer: dict[str, list[int]] = {}
    for index, facts in enumerate(orders):
        if facts.customer_id:
            by_customer.setdefault(facts.customer_id, []).append(index)
    if not by_customer:
        return {}
    customers = sorted(by_customer)
    held = set()
    for chunk in chunked(customers):
        held.update(
            session.scalars(
                select(Order.customer_id)
                .where(Order.shop_id == shop_id, among(session, Order.customer_id, chunk))
                .distinct()
            )
        )
    held.update(shopify_counts(session, shop_id, customers))
    out: dict[int, tuple] = {}
    for customer, indexes in by_customer.items():
        if customer in held:
            continue
        out.update(
            cohort_facts(
                [
                    (
                        i,
                        orders[i].created_at,
                        rows[i]["counted"],
                        rows[i]["revenue"] - _carried_returns(orders[i]),
                    )
                    for i in indexes
                ]
            )
        )
    return out


def _carried_returns(facts: OrderFacts) -> Decimal:
    """The returns of the refunds the order carries, as read_facts sums them once stored."""
    return sum(
        (
            sum((line.subtotal for line in refund.lines), Decimal(0))
            - (sum((line.tax for line in refund.lines), Decimal(0)) if facts.taxes_included else Decimal(0))
            for refund in facts.refunds
        ),
        Decimal(0),
    )
