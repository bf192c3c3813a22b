"""The shop filter audit (tests/shop_filter_audit.py) tells a query that names its shop from one that does
not: statements written by hand, as the app's would be sent."""

from __future__ import annotations

import pytest
import shop_filter_audit as audit


@pytest.fixture(autouse=True)
def _tables():
    audit.SHOP_COLUMN.update(audit._shop_tables())


@pytest.mark.parametrize(
    ("sql", "found"),
    [
        ("SELECT orders.id FROM orders WHERE orders.shop_id = %(s)s AND orders.id = %(i)s", ()),
        ("SELECT orders.id FROM orders WHERE orders.id = %(i)s", ("SELECT orders",)),
        # a join whose other table is left without its shop
        (
            "SELECT o.id, c.handle FROM orders AS o JOIN creators AS c ON c.id = o.creator_id "
            "WHERE o.shop_id = %(s)s",
            ("SELECT creators",),
        ),
        (
            "SELECT o.id, c.handle FROM orders AS o JOIN creators AS c ON c.id = o.creator_id "
            "AND c.shop_id = o.shop_id WHERE o.shop_id = %(s)s",
            (),
        ),
        ("UPDATE orders SET rule = %(r)s WHERE orders.id = %(i)s", ("UPDATE orders",)),
        ("DELETE FROM clicks WHERE clicks.id = ? AND clicks.shop_id = ?", ()),
        ("INSERT INTO orders (shop_id, shopify_id) VALUES (%(s)s, %(i)s)", ()),  # writes, reads nothing
        ("INSERT INTO order_days (day) SELECT orders.created_at FROM orders", ("SELECT orders",)),
        (
            "SELECT webhook_deliveries.id FROM webhook_deliveries WHERE webhook_deliveries.id = 1",
            ("SELECT webhook_deliveries",),
        ),
        ("SELECT id FROM webhook_deliveries WHERE id = 1 AND shop_domain = 'a.myshopify.com'", ()),
        ("SELECT shops.id FROM shops WHERE shops.domain = 'a'", ()),  # not a shop's rows: the shop itself
        ("SELECT link_routes.shop_id FROM link_routes WHERE short_id = 'x'", ()),  # a reference table
        ("CREATE TEMPORARY TABLE s AS SELECT id FROM orders WITH NO DATA", ()),
    ],
)
def test_a_query_naming_no_shop_is_found(sql, found):
    assert audit.unfiltered(sql, "postgresql") == found


def test_an_allowed_pass_is_named_with_its_reason():
    assert audit._allowed("SELECT webhook_deliveries", "services/orders/ingest.py:79 claim")
    assert not audit._allowed("SELECT orders", "services/orders/ingest.py:79 claim")
    assert all(reason for reason in audit.ALLOWED.values())
