"""Migration 0029 (a shop's rows keyed by `(id, shop_id)`, their references carrying the shop; README
"Scale-out"): on a database holding two shops' rows in every table it re-keys, no row is lost or changed,
PostgreSQL's keys and foreign keys carry the shop, a row can no longer point at another shop's row, a
deleted creator leaves its orders in their shop, and the app reads and writes through the new keys.
SQLite keeps its keys (the migration's docstring): there the rows are checked, and the keys as before."""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa
from migration_support import NOW, insert_row, reflected
from sqlalchemy.orm import Session

from shopify_roi.migrate import downgrade, upgrade
from shopify_roi.models import Order, OrderLine

MIGRATION = importlib.import_module("migrations.versions.0029_shop_rows_keyed_by_shop")

# A shop's chain of rows, parents first: (table, {column: the table whose row of this shop it names}).
CHAIN = (
    ("creators", {}),
    ("campaigns", {}),
    ("creator_campaigns", {"creator_id": "creators", "campaign_id": "campaigns"}),
    ("discount_codes", {"creator_id": "creators"}),
    ("orders", {"creator_id": "creators"}),
    ("order_lines", {"order_id": "orders"}),
    ("refunds", {}),
    ("refund_lines", {"refund_id": "refunds"}),
    ("spend_entries", {"creator_id": "creators", "campaign_id": "campaigns", "order_id": "orders"}),
    ("tracked_links", {"creator_id": "creators", "campaign_id": "campaigns"}),
    ("clicks", {"creator_id": "creators", "link_id": "tracked_links"}),
    (
        "creator_posts",
        {"creator_id": "creators", "campaign_id": "campaigns", "seeding_entry_id": "spend_entries"},
    ),
    ("post_figures", {"post_id": "creator_posts"}),
    ("creator_report_links", {"creator_id": "creators"}),
    ("payout_runs", {}),
    ("payout_statements", {"run_id": "payout_runs", "creator_id": "creators"}),
    ("payout_lines", {"run_id": "payout_runs", "creator_id": "creators", "order_id": "orders"}),
)
GIVEN = {  # the columns a table's unique keys or checks need (the rest plain)
    "creators": {"handle": "anna", "name": "Anna", "status": "active"},
    "campaigns": {"name": "Spring", "slug": "spring", "status": "active"},
    "discount_codes": {"code": "ANNA10", "code_key": "ANNA10"},
    "orders": {"shopify_id": "1001"},
    "order_lines": {"shopify_id": "5001", "quantity": 1},
    "refunds": {"shopify_id": "7001", "order_shopify_id": "1001"},
    "refund_lines": {"shopify_id": "8001", "line_shopify_id": "5001", "quantity": 1},
    "tracked_links": {},
    "clicks": {"visitor_hash": "v" * 32},
}


def _fill(conn, t, domain: str) -> dict[str, int]:
    shop = insert_row(conn, t["shops"], domain=domain, token_generation=1, scopes="read_orders")
    ids = {"shops": shop}
    for table, parents in CHAIN:
        given = {"shop_id": shop, **GIVEN.get(table, {}), **{c: ids[p] for c, p in parents.items()}}
        if table == "tracked_links":
            given["short_id"] = f"s{shop}"
        if table == "creator_campaigns":
            conn.execute(sa.insert(t[table]).values(**given))
            continue
        ids[table] = insert_row(conn, t[table], **given)
    # a code replaced by another and an alias of it (the discount codes' references to their own table)
    ids["replacement"] = insert_row(
        conn, t["discount_codes"], shop_id=shop, creator_id=ids["creators"], code="ANNA15", code_key="ANNA15"
    )
    conn.execute(
        sa.update(t["discount_codes"])
        .where(t["discount_codes"].c.id == ids["discount_codes"])
        .values(replaced_by_id=ids["replacement"])
    )
    insert_row(
        conn,
        t["discount_codes"],
        shop_id=shop,
        creator_id=ids["creators"],
        code="ANNA",
        code_key="ANNA",
        alias_of_id=ids["replacement"],
    )
    for table in MIGRATION.KEYED:  # every other re-keyed table: one plain row of this shop
        if table not in ids and table != "discount_codes" and table != "webhook_deliveries":
            ids[table] = insert_row(conn, t[table], shop_id=shop)
    insert_row(
        conn, t["webhook_deliveries"], shop_domain=domain, webhook_id=f"w-{domain}", topic="orders/create"
    )
    return ids


def _everything(conn, tables) -> dict[str, list]:
    return {
        name: conn.execute(sa.select(tables[name]).order_by(*tables[name].columns)).all()
        for name in sorted(set(MIGRATION.KEYED) | {"creator_campaigns", "shops"})
    }


def test_0029_keeps_every_row_and_keys_a_shops_rows_by_the_shop(fresh_url):
    upgrade(fresh_url, "0028")
    engine, t = reflected(fresh_url)
    with engine.begin() as conn:
        shops = [_fill(conn, t, domain) for domain in ("a.myshopify.com", "b.myshopify.com")]
        before = _everything(conn, t)
    engine.dispose()
    # by hand: two shops; each has a row in every re-keyed table, three discount codes
    assert {name: len(rows) for name, rows in before.items()} == {
        name: (6 if name == "discount_codes" else 2) for name in before
    }

    upgrade(fresh_url, "head")
    engine, t = reflected(fresh_url)
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as conn:
        assert _everything(conn, t) == before
    inspector = sa.inspect(engine)
    for table, shop in MIGRATION.KEYED.items():
        key = inspector.get_pk_constraint(table)["constrained_columns"]
        assert key == (["id", shop] if postgres else ["id"]), table
    references = {
        (table, tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
        for table in {table for table, *_ in MIGRATION.REFERENCES}
        for fk in inspector.get_foreign_keys(table)
        if fk["referred_table"] != "shops"
    }
    assert references == {
        (
            table,
            (column, "shop_id") if postgres else (column,),
            parent,
            ("id", "shop_id") if postgres else ("id",),
        )
        for table, column, parent, _ in MIGRATION.REFERENCES
    }

    a, b = shops
    if postgres:
        # an attacker's row: shop b's line on shop a's order is refused, and nothing is written
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            insert_row(
                conn, t["order_lines"], shop_id=b["shops"], order_id=a["orders"], shopify_id="9", quantity=1
            )
    with engine.begin() as conn:
        if not postgres:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")  # as the app's connections (shopify_roi/db.py)
        # a creator deleted: its order stays in its shop, attributed to no one (SET NULL empties the column
        # only); its spend entries, links and codes go with it (CASCADE); shop b is untouched
        conn.execute(sa.delete(t["payout_lines"]).where(t["payout_lines"].c.shop_id == a["shops"]))
        conn.execute(sa.delete(t["payout_statements"]).where(t["payout_statements"].c.shop_id == a["shops"]))
        conn.execute(sa.delete(t["creators"]).where(t["creators"].c.id == a["creators"]))
        order = conn.execute(sa.select(t["orders"]).where(t["orders"].c.id == a["orders"])).one()
        assert (order.creator_id, order.shop_id) == (None, a["shops"])
        left = {
            name: conn.execute(sa.select(sa.func.count()).select_from(t[name])).scalar()
            for name in ("discount_codes", "spend_entries", "tracked_links", "clicks", "order_lines")
        }
    assert left == {
        "discount_codes": 3,
        "spend_entries": 1,
        "tracked_links": 1,
        "clicks": 1,
        "order_lines": 2,
    }

    with Session(engine) as session:  # the app reads by id and writes new rows through the new keys
        assert session.get(Order, (b["orders"], b["shops"])).shop_id == b["shops"]
        assert session.get(Order, (b["orders"], a["shops"])) is None  # not shop a's
        order = Order(shop_id=b["shops"], shopify_id="1002", created_at=NOW, shopify_updated_at=NOW)
        session.add(order)
        session.flush()
        session.add(OrderLine(shop_id=b["shops"], order_id=order.id, shopify_id="5002", quantity=2, price=1))
        session.commit()
        assert order.id not in (a["orders"], b["orders"])
        assert [
            line.quantity
            for line in session.scalars(sa.select(OrderLine).where(OrderLine.order_id == order.id))
        ] == [2]
    engine.dispose()


def test_0029_goes_back_keeping_every_row(fresh_url):
    upgrade(fresh_url, "0028")
    engine, t = reflected(fresh_url)
    with engine.begin() as conn:
        for domain in ("a.myshopify.com", "b.myshopify.com"):
            _fill(conn, t, domain)
        before = _everything(conn, t)
    engine.dispose()
    upgrade(fresh_url, "head")
    downgrade(fresh_url, "0028")
    engine, t = reflected(fresh_url)
    with engine.connect() as conn:
        assert _everything(conn, t) == before
    assert sa.inspect(engine).get_pk_constraint("orders")["constrained_columns"] == ["id"]
    engine.dispose()
