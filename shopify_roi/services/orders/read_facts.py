"""The read facts of stored orders, brought up to date after every batch written (store.py): each
touched order's returns (its refunds summed), each touched customer's first counted order with its
cohort facts (cohorts.py), and the rollup days whose sums those change marked dirty (services/metrics/
rollups.py), so the ROI table always equals what the stored orders say.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import BigInteger, case, exists, func, select, type_coerce, update
from sqlalchemy.orm import Session

from shopify_roi.db_rows import among, chunked
from shopify_roi.models import Order, Refund, Shop
from shopify_roi.services.metrics import rollups
from shopify_roi.services.metrics.window import shop_zone
from shopify_roi.services.orders import cohorts
from shopify_roi.services.orders.facts import OrderFacts, RefundFacts


def refresh_for(session: Session, shop_id: int, applied: Iterable[OrderFacts | RefundFacts]) -> None:
    """`refresh_facts` for what a batch applied: each order's customer and the order itself, each
    refund's order (one applied as stale or unchanged too: refreshing is idempotent)."""
    customers, orders = set(), set()
    for facts in applied:
        if isinstance(facts, RefundFacts):
            orders.add(facts.order_shopify_id)
        else:
            customers.add(facts.customer_id)
            orders.add(facts.shopify_id)
    refresh_facts(session, shop_id, customers, orders)


def refresh_facts(
    session: Session, shop_id: int, customer_ids: set[str], order_ids: set[str] = frozenset()
) -> None:
    """Bring the read facts up to date after a batch: `order_ids` (Shopify ids of orders applied or
    refunded) get their returns summed again; their customers and `customer_ids` get their first
    counted order (by created_at, then id) marked, with its cohort facts, and the rest unmarked.

    Rows are locked in id order before they are written, so two workers refreshing the same
    customers wait for each other instead of deadlocking.
    """
    customers = {c for c in customer_ids if c}
    moments = []  # created_at of every order whose rollup contribution may have changed
    for chunk in chunked(sorted({o for o in order_ids if o})):
        _refresh_returns(session, shop_id, chunk)
        for customer, created in session.execute(
            select(Order.customer_id, Order.created_at).where(
                Order.shop_id == shop_id, among(session, Order.shopify_id, chunk)
            )
        ):
            moments.append(created)
            if customer:
                customers.add(customer)
    for chunk in chunked(sorted(customers)):
        moments.extend(cohorts.refresh_first_orders(session, shop_id, chunk))
    if moments:
        tz = shop_zone(session.get(Shop, shop_id))
        rollups.mark(session, shop_id, rollups.local_days(tz, moments))


def _refresh_returns(session: Session, shop_id: int, order_ids: list[str]) -> None:
    """Each order's returns: its refunds' subtotals, less their tax where the order's prices include tax."""
    of_order = (Refund.shop_id == Order.shop_id, Refund.order_shopify_id == Order.shopify_id)
    net = type_coerce(Refund.subtotal, BigInteger) - case(
        (Order.taxes_included, type_coerce(Refund.line_tax, BigInteger)), else_=0
    )
    returns = select(func.coalesce(func.sum(net), 0)).where(*of_order).scalar_subquery()
    with_lines = exists().where(*of_order, Refund.has_lines.is_(True))
    any_refund = exists().where(*of_order)
    # Only orders with a refund, or with returns to clear: an order without refunds is not written again.
    session.execute(
        update(Order)
        .where(
            Order.shop_id == shop_id,
            among(session, Order.shopify_id, order_ids),
            any_refund | (type_coerce(Order.returns, BigInteger) != 0) | Order.refunded_lines.is_(True),
        )
        .values(returns=type_coerce(returns, BigInteger), refunded_lines=with_lines),
        execution_options={"synchronize_session": False},
    )
