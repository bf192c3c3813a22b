"""METRICS.md's worked examples, placed as data for the tests that check the figures against them.

Example 3 is a set of orders in the stand-in, which builds Shopify's payloads and sends the webhooks;
examples 1 and 2 are rows written straight into the facts (`attributed_creator`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import factories


def worked_example_3(stand_in, shop) -> dict[str, dict]:
    """METRICS.md worked example 3, placed in the stand-in (which builds Shopify's payloads)."""
    item = lambda price, qty=1: [{"title": "Trail shoe", "price": price, "quantity": qty}]  # noqa: E731
    code = lambda text: {"code": text, "type": "percentage", "value": "15.0"}  # noqa: E731
    place = stand_in.control.create_order
    orders = {
        "jan": place(
            shop, created_at="2026-01-15T12:00:00-05:00", customer_id=2002, line_items=item("50.00")
        ),
        "1001": place(
            shop,
            created_at="2026-03-03T12:00:00-05:00",
            customer_id=2001,
            line_items=item("100.00"),
            discount_code=code("anna15"),
        ),
        "1002": place(
            shop,
            created_at="2026-03-04T12:00:00-05:00",
            customer_id=2002,
            line_items=item("40.00", 2),
            discount_code=code("ANNA15"),
        ),
        "1003": place(
            shop,
            created_at="2026-03-05T12:00:00-05:00",
            customer_id=2003,
            line_items=item("60.00"),
            discount_code={"code": "WELCOME10", "type": "percentage", "value": "10.0"},
            landing_site="/?ref=anna&utm_content=anna",
        ),
        "1004": place(
            shop,
            created_at="2026-03-06T12:00:00-05:00",
            customer_id=2004,
            line_items=item("50.00"),
            discount_code=code("ANNA15"),
        ),
        "1005": place(
            shop, created_at="2026-05-01T12:00:00-04:00", customer_id=2001, line_items=item("70.00")
        ),
    }
    line = orders["1002"]["line_items"][0]["id"]
    stand_in.control.refund_order(
        shop,
        orders["1002"]["id"],
        created_at="2026-03-20T12:00:00-04:00",
        line_items=[{"line_item_id": line, "quantity": 1}],
    )
    stand_in.control.cancel_order(shop, orders["1004"]["id"], refund=True)
    return orders


def attributed_creator(
    db, shop_domain: str, handle: str, orders: int, revenue_each: Decimal, day: str
) -> None:
    """A creator with `orders` attributed orders (by code) at noon UTC of `day`, written straight into the
    facts (worked examples 1-2: figures too many to place as webhooks)."""
    with db.session() as session:
        shop = factories.shop_named(session, shop_domain)
        creator = factories.creator(session, shop, handle=handle)
        at = datetime.fromisoformat(f"{day}T12:00:00+00:00").astimezone(UTC)
        factories.orders(session, shop, orders, revenue_each, at=at, creator_id=creator.id, rule="code")
