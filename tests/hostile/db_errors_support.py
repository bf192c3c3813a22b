"""A job for test_database_errors_in_logs: it writes the same order twice in the app's database (the
second is refused: a duplicate key), as a worker's job would, so the worker logs the database's error.
RQ imports a job by its module's name, hence a module of its own (never a test module)."""

from __future__ import annotations

from decimal import Decimal

import factories

from shopify_roi.runtime import current

# The order's and customer's values the log must never show.
ORDER_ID, CUSTOMER_ID, ORDER_NAME, REVENUE = "5550001234", "7003123456", "#RED-99127", Decimal("1234.56")


def write_the_same_order_twice(shop_domain: str) -> None:
    with current().db.session() as session:
        shop = factories.shop_named(session, shop_domain)
        for _ in range(2):
            factories.order(
                session,
                shop,
                shopify_id=ORDER_ID,
                customer_id=CUSTOMER_ID,
                name=ORDER_NAME,
                revenue_each=REVENUE,
            )
