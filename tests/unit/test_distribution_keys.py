"""Ready for Citus, distributed by `shop_id` (README, "Scale-out"): read from the SQLAlchemy metadata.

The rule: a shop-owned table (one with a `shop_id`) has `shop_id` in its primary key and in every unique
constraint, and every foreign key to another shop-owned table carries `shop_id`; a table without one is
named below with what it would be under Citus.

Migrations 0025, 0027, 0028 and 0029 moved the schema over (issue 21, item 5): the to-do lists are
empty, and this test is a ratchet: a new table, constraint or foreign key that breaks the rule fails it.
A shop's row is keyed by `(id, shop_id)` (shopify_roi/models/keys.py); SQLite, never distributed, keeps
its own keys (migration 0029), and PostgreSQL's hold these (the drift test in
tests/integration/test_schema_and_migrations.py compares them).
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
# Tables that hold one shop's rows but name the shop otherwise: distributed by that column instead, a
# co-location group of their own; their keys carry it.
OWN_GROUP = {
    "webhook_deliveries": (
        "shop_domain",
        "a delivery can come before its shop is installed and after it is erased, and no query joins it"
        " to a shop's table",
    ),
}
# The breaking keys still to move over (the migrations' to-do list; empty since migration 0029).
PRIMARY_KEY_TO_DO: set[str] = set()
UNIQUE_TO_DO: set[tuple[str, tuple[str, ...]]] = set()
FOREIGN_KEY_TO_DO: set[tuple[str, tuple[str, ...], str]] = set()


def _shop_owned() -> list:
    return [t for t in Base.metadata.sorted_tables if "shop_id" in t.c and t.name not in REFERENCE]


def _names(columns) -> tuple[str, ...]:
    return tuple(c.name for c in columns)


def test_every_table_without_a_shop_id_is_named_with_its_place():
    shop_less = {t.name for t in Base.metadata.sorted_tables if "shop_id" not in t.c}
    assert shop_less == set(SHOP_LESS) | set(OWN_GROUP)
    assert not set(SHOP_LESS) & set(OWN_GROUP)


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


def test_a_table_of_its_own_group_carries_its_column_in_every_key():
    tables = Base.metadata.tables
    for name, (column, _why) in OWN_GROUP.items():
        table = tables[name]
        assert column in _names(table.primary_key.columns)
        uniques = [c.columns for c in table.constraints if isinstance(c, UniqueConstraint)]
        uniques += [ix.columns for ix in table.indexes if ix.unique]
        assert all(column in _names(cols) for cols in uniques)
        assert not table.foreign_key_constraints  # nothing to co-locate with


def test_a_shops_row_is_keyed_by_its_id_and_shop_and_the_orm_knows_it_by_both():
    """`(id, shop_id)` with the id first (a lookup by id uses the key's index), the id generated; the ORM's
    identity is the whole key, so its lookups, refreshes, UPDATEs and DELETEs name the shop."""
    for table in _shop_owned():
        if "id" not in table.c:
            continue
        assert _names(table.primary_key.columns) == ("id", "shop_id"), table.name
        assert table.c.id.autoincrement is True, table.name
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        if "id" in table.c and len(table.primary_key.columns) == 2:
            assert [c.name for c in mapper.primary_key] == list(_names(table.primary_key.columns)), table.name


def test_set_null_empties_the_reference_and_keeps_the_shop():
    """Under a composite foreign key `SET NULL` would empty `shop_id` too (and fail, it is NOT NULL): each
    names the one column it empties (PostgreSQL 15)."""
    for table in _shop_owned():
        for fk in table.foreign_key_constraints:
            if fk.ondelete and fk.ondelete.startswith("SET NULL") and fk.referred_table.name != "shops":
                assert fk.ondelete == f"SET NULL ({fk.columns[0].name})", (table.name, fk.ondelete)
                assert _names(fk.columns)[1:] == ("shop_id",)
