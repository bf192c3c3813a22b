"""A new customer's first order is written with its cohort facts (cohorts.new_customers_first_orders): the
row is inserted right, and the refresh after the batch, which stays the judge, finds nothing to change.
A customer the shop already holds an order of is left to the refresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import factories
from sqlalchemy import select

from shopify_roi.models import Order
from shopify_roi.services.orders import read_facts, store
from shopify_roi.services.orders.facts import RefundFacts, RefundLineFacts

DAY1 = datetime(2026, 11, 2, 12, tzinfo=UTC)
FACTS = ("is_first", "next_gap_us", "ltv_30", "ltv_90", "ltv_180", "ltv_365")


def _facts(session, shop_id: int) -> dict[str, tuple]:
    rows = session.execute(
        select(Order.shopify_id, *(getattr(Order, n) for n in FACTS)).where(Order.shop_id == shop_id)
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def test_a_new_customers_orders_are_inserted_with_their_cohort_facts(runtime):
    with runtime.db.session() as session:
        shop = factories.shop(session)
        factories.order(session, shop, customer_id="old-1", shopify_id="7001", at=DAY1 - timedelta(days=10))
        refund = RefundFacts(
            "8001", "7102", DAY1, [RefundLineFacts("8101", "71021", 1, Decimal("5.00"), Decimal(0))]
        )
        batch = [
            factories.order_facts("7101", "new-1", DAY1, "10.00"),
            factories.order_facts("7102", "new-1", DAY1 + timedelta(days=2), "25.00", [refund]),
            factories.order_facts("7103", "old-1", DAY1, "40.00"),
            factories.order_facts("7104", None, DAY1, "15.00"),  # a guest: no cohort
        ]
        store.apply_batch(session, shop.id, batch, source="backfill")
        inserted = _facts(session, shop.id)
        read_facts.refresh_for(session, shop.id, batch)
        refreshed = _facts(session, shop.id)

    two_days_us = 2 * 24 * 3600 * 1_000_000
    ltv = Decimal("10.00") + Decimal("25.00") - Decimal("5.00")  # both orders, less the returned 5.00
    not_first = (False, None, None, None, None, None)
    # As inserted: the new customer's first order with its facts; the held customer's order is left to
    # the refresh (not first until it judges), the guest's is no one's first.
    assert inserted["7101"] == (True, two_days_us, ltv, ltv, ltv, ltv)
    assert inserted["7102"] == inserted["7103"] == inserted["7104"] == not_first
    # The refresh agrees with what was inserted, and the held customer's first order is still the old one.
    assert refreshed["7101"] == inserted["7101"]
    assert refreshed["7102"] == refreshed["7103"] == refreshed["7104"] == not_first
    old = Decimal("100.00") + Decimal("40.00")  # the factory's order and the new one, 10 days later
    assert refreshed["7001"] == (True, 10 * 24 * 3600 * 1_000_000, old, old, old, old)
