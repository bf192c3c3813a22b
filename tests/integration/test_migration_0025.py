"""Migration 0025 (the unique keys of order_lines, refund_lines and clicks carry `shop_id`, README
"Scale-out") upgrades a database holding two shops' lines, refund lines and clicks without losing a row,
and the new keys still refuse what the old ones refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from migration_support import NOW, filled, insert_row, reflected

from shopify_roi.migrate import upgrade


def _shop_rows(conn, t, domain: str) -> dict[str, int]:
    shop = insert_row(conn, t["shops"], domain=domain, token_generation=1, scopes="read_orders")
    creator = insert_row(conn, t["creators"], shop_id=shop, handle="anna", name="Anna", status="active")
    order = insert_row(
        conn, t["orders"], shop_id=shop, shopify_id="1001", created_at=NOW, shopify_updated_at=NOW
    )
    for n in ("1", "2"):
        insert_row(conn, t["order_lines"], shop_id=shop, order_id=order, shopify_id=n, quantity=1, price=100)
    refund = insert_row(conn, t["refunds"], shop_id=shop, shopify_id="501", order_shopify_id="1001")
    insert_row(conn, t["refund_lines"], shop_id=shop, refund_id=refund, shopify_id="7", line_shopify_id="1")
    link = insert_row(
        conn, t["tracked_links"], shop_id=shop, creator_id=creator, short_id=f"s{shop}", destination_url="/"
    )
    for visitor in ("a" * 32, "b" * 32):
        insert_row(conn, t["clicks"], shop_id=shop, creator_id=creator, link_id=link, visitor_hash=visitor)
    return {"shop": shop, "order": order, "refund": refund, "link": link, "creator": creator}


def _rows(conn) -> dict[str, list[tuple]]:
    return {
        "order_lines": conn.execute(
            sa.text("SELECT shop_id, order_id, shopify_id FROM order_lines ORDER BY id")
        ).all(),
        "refund_lines": conn.execute(
            sa.text("SELECT shop_id, refund_id, shopify_id FROM refund_lines ORDER BY id")
        ).all(),
        "clicks": conn.execute(
            sa.text("SELECT shop_id, link_id, visitor_hash FROM clicks ORDER BY id")
        ).all(),
    }


def test_0025_keeps_every_line_refund_line_and_click_and_the_keys_still_refuse_a_repeat(fresh_url):
    upgrade(fresh_url, "0024")
    engine, t = reflected(fresh_url)
    with engine.begin() as conn:
        anna = _shop_rows(conn, t, "a.myshopify.com")
        bea = _shop_rows(conn, t, "b.myshopify.com")
        before = _rows(conn)
    engine.dispose()
    # by hand: two shops, each with 2 order lines, 1 refund line and 2 clicks
    assert [len(before[k]) for k in ("order_lines", "refund_lines", "clicks")] == [4, 2, 4]

    upgrade(fresh_url, "head")
    engine, t = reflected(fresh_url)
    with engine.connect() as conn:
        assert _rows(conn) == before
    keys = {
        name: {tuple(u["column_names"]) for u in sa.inspect(engine).get_unique_constraints(name)}
        for name in ("order_lines", "refund_lines", "clicks")
    }
    assert ("order_id", "shopify_id", "shop_id") in keys["order_lines"]
    assert ("order_id", "shopify_id") not in keys["order_lines"]
    assert ("refund_id", "shopify_id", "shop_id") in keys["refund_lines"]
    assert ("link_id", "visitor_hash", "shop_id") in keys["clicks"]
    repeats = [
        (t["order_lines"], {"shop_id": anna["shop"], "order_id": anna["order"], "shopify_id": "1"}),
        (t["refund_lines"], {"shop_id": bea["shop"], "refund_id": bea["refund"], "shopify_id": "7"}),
        (
            t["clicks"],
            {
                "shop_id": anna["shop"],
                "creator_id": anna["creator"],
                "link_id": anna["link"],
                "visitor_hash": "a" * 32,
            },
        ),
    ]
    for table, row in repeats:
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(sa.insert(table).values(filled(table, row)))
    with engine.connect() as conn:
        assert _rows(conn) == before  # the refused repeats left nothing
    engine.dispose()
