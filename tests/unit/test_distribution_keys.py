"""Ready for Citus, distributed by `shop_id` (README, "Scale-out"): read from the SQLAlchemy metadata.

The rule: a shop-owned table (one with a `shop_id`) has `shop_id` in its primary key and in every unique
constraint, and every foreign key to another shop-owned table carries `shop_id`; a table without one is
named below with what it would be under Citus.

The schema does not follow the rule yet (issue 21, item 5). What breaks it today is listed here, table by
table, as the migrations' to-do list, so that this test is a ratchet: a new table, constraint or foreign
key that breaks the rule fails it, and so does a listed one that no longer does (take it off the list).
Once the migrations land, the lists are empty.
"""

from __future__ import annotations

from sqlalchemy import UniqueConstraint

from shopify_roi.models import Base

# Tables without a `shop_id`, each with what it would be under Citus.
SHOP_LESS = {
    "shops": "distributed by its `id`, co-located with every table's `shop_id`",
    "oauth_states": "a local table on the coordinator: install states that live ten minutes",
}
# Tables with a `shop_id` that are not distributed by it: reference tables under Citus (a copy on every node),
# read by a key that brings no shop. Their keys need not carry the shop; they must not refer to a
# distributed table (Citus refuses a foreign key from a reference table to a distributed one).
REFERENCE = {
    "link_routes": "the public link /l/<short_id> brings no shop: its route names the shop and the link",
}
# To do: tables that hold one shop's rows but name the shop otherwise.
SHOP_LESS_TO_DO = {
    "webhook_deliveries": (
        "names its shop by `shop_domain`: the plan is to distribute it by `shop_domain`, a co-location group"
        " of its own (a delivery can come before its shop is installed and after it is erased, and no query"
        " joins it to a shop's table); its unique key (shop_domain, webhook_id) carries that column, its"
        " primary key `id` does not yet"
    ),
}
# To do: shop-owned tables whose primary key is `id` alone.
PRIMARY_KEY_TO_DO = {
    "analytics_marks",
    "backfill_runs",
    "campaigns",
    "clicks",
    "code_days",
    "code_months",
    "creator_imports",
    "creator_posts",
    "creator_report_links",
    "creators",
    "customer_histories",
    "discount_codes",
    "flow_action_runs",
    "flow_trigger_sends",
    "flow_trigger_usage",
    "marketing_sent",
    "metafield_writes",
    "order_days",
    "order_lines",
    "order_months",
    "orders",
    "payout_lines",
    "payout_runs",
    "payout_statements",
    "pixel_events",
    "post_figures",
    "refund_lines",
    "refunds",
    "shop_settings",
    "spend_entries",
    "tracked_links",
}
# To do: unique constraints without `shop_id` (table, columns).
UNIQUE_TO_DO: set[tuple[str, tuple[str, ...]]] = set()
# To do: foreign keys between shop-owned tables without `shop_id` (table, columns, the table referred to).
FOREIGN_KEY_TO_DO = {
    ("creator_campaigns", ("campaign_id",), "campaigns"),
    ("creator_campaigns", ("creator_id",), "creators"),
    ("clicks", ("creator_id",), "creators"),
    ("clicks", ("link_id",), "tracked_links"),
    ("creator_posts", ("campaign_id",), "campaigns"),
    ("creator_posts", ("creator_id",), "creators"),
    ("creator_posts", ("seeding_entry_id",), "spend_entries"),
    ("creator_report_links", ("creator_id",), "creators"),
    ("discount_codes", ("alias_of_id",), "discount_codes"),
    ("discount_codes", ("creator_id",), "creators"),
    ("discount_codes", ("replaced_by_id",), "discount_codes"),
    ("order_lines", ("order_id",), "orders"),
    ("orders", ("creator_id",), "creators"),
    ("payout_lines", ("creator_id",), "creators"),
    ("payout_lines", ("order_id",), "orders"),
    ("payout_lines", ("run_id",), "payout_runs"),
    ("payout_statements", ("creator_id",), "creators"),
    ("payout_statements", ("run_id",), "payout_runs"),
    ("post_figures", ("post_id",), "creator_posts"),
    ("refund_lines", ("refund_id",), "refunds"),
    ("spend_entries", ("campaign_id",), "campaigns"),
    ("spend_entries", ("creator_id",), "creators"),
    ("spend_entries", ("order_id",), "orders"),
    ("tracked_links", ("campaign_id",), "campaigns"),
    ("tracked_links", ("creator_id",), "creators"),
}


def _shop_owned() -> list:
    return [t for t in Base.metadata.sorted_tables if "shop_id" in t.c and t.name not in REFERENCE]


def _names(columns) -> tuple[str, ...]:
    return tuple(c.name for c in columns)


def test_every_table_without_a_shop_id_is_named_with_its_place():
    shop_less = {t.name for t in Base.metadata.sorted_tables if "shop_id" not in t.c}
    assert shop_less == set(SHOP_LESS) | set(SHOP_LESS_TO_DO)
    assert not set(SHOP_LESS) & set(SHOP_LESS_TO_DO)


def test_reference_tables_refer_to_no_distributed_table():
    tables = Base.metadata.tables
    assert set(REFERENCE) <= set(tables)
    assert all("shop_id" in tables[name].c for name in REFERENCE)  # erased with the shop (shop/redact)
    assert {
        name: [fk.referred_table.name for fk in tables[name].foreign_key_constraints] for name in REFERENCE
    } == {name: [] for name in REFERENCE}


def test_primary_keys_carry_the_shop_except_the_listed_to_do():
    breaking = {t.name for t in _shop_owned() if "shop_id" not in _names(t.primary_key.columns)}
    assert breaking == PRIMARY_KEY_TO_DO


def test_unique_constraints_carry_the_shop_except_the_listed_to_do():
    breaking = set()
    for table in _shop_owned():
        uniques = [c.columns for c in table.constraints if isinstance(c, UniqueConstraint)]
        uniques += [ix.columns for ix in table.indexes if ix.unique]
        breaking |= {(table.name, _names(cols)) for cols in uniques if "shop_id" not in _names(cols)}
    assert breaking == UNIQUE_TO_DO


def test_foreign_keys_between_shop_owned_tables_carry_the_shop_except_the_listed_to_do():
    owned = {t.name for t in _shop_owned()}
    breaking = set()
    for table in _shop_owned():
        for fk in table.foreign_key_constraints:
            columns = _names(fk.columns)
            if fk.referred_table.name in owned and "shop_id" not in columns:
                breaking.add((table.name, columns, fk.referred_table.name))
    assert breaking == FOREIGN_KEY_TO_DO


def test_a_foreign_key_to_shops_is_the_shop_id_itself():
    """Under Citus a row's shop is its distribution column: a table refers to `shops` by `shop_id` only."""
    wrong = [
        (table.name, _names(fk.columns))
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_key_constraints
        if fk.referred_table.name == "shops" and _names(fk.columns) != ("shop_id",)
    ]
    assert wrong == []
