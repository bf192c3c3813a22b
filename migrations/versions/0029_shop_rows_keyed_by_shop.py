"""A shop's rows keyed by (id, shop_id), their references carrying the shop (README "Scale-out", issue 21 item 5)

Citus, distributed by `shop_id`, wants the distribution column in every primary key of a distributed
table and in every foreign key between two of them. On PostgreSQL this migration:
- drops the foreign keys between shop-owned tables that leave `shop_id` out,
- re-keys each shop-owned table keyed by `id` alone as `(id, shop_id)` (`webhook_deliveries`, distributed
  by the shop's domain, as `(id, shop_domain)`); `id` first, so the key's index still serves a lookup by
  id; the ids and their sequences are kept,
- creates each foreign key again as `(column, shop_id) -> parent (id, shop_id)`, with the same action on
  delete; `SET NULL` empties the column only (PostgreSQL 15's column list), so the row keeps its shop.
PostgreSQL checks every existing row against the new keys as they are created: a row referring to
another shop's row (none should exist) stops the migration instead of being kept or dropped silently.
No row is changed, added or removed (tests/integration/test_migration_0029.py, on PostgreSQL with data).

SQLite (the zero-set-up default, never distributed) is left as it is: SQLite generates a key's value only
for a one-column `INTEGER PRIMARY KEY`, and its `SET NULL` empties every column of a foreign key, the shop
included (shopify_roi/models/keys.py).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

# table -> the column that joins `id` in its key
KEYED = {
    name: "shop_id"
    for name in (
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
    )
} | {"webhook_deliveries": "shop_domain"}

# (table, column, the table referred to, on delete)
REFERENCES = (
    ("creator_campaigns", "creator_id", "creators", "CASCADE"),
    ("creator_campaigns", "campaign_id", "campaigns", "CASCADE"),
    ("clicks", "creator_id", "creators", "CASCADE"),
    ("clicks", "link_id", "tracked_links", "CASCADE"),
    ("creator_posts", "campaign_id", "campaigns", "SET NULL"),
    ("creator_posts", "creator_id", "creators", "CASCADE"),
    ("creator_posts", "seeding_entry_id", "spend_entries", "SET NULL"),
    ("creator_report_links", "creator_id", "creators", "CASCADE"),
    ("discount_codes", "alias_of_id", "discount_codes", "CASCADE"),
    ("discount_codes", "creator_id", "creators", "CASCADE"),
    ("discount_codes", "replaced_by_id", "discount_codes", "SET NULL"),
    ("order_lines", "order_id", "orders", "CASCADE"),
    ("orders", "creator_id", "creators", "SET NULL"),
    ("payout_lines", "creator_id", "creators", None),
    ("payout_lines", "order_id", "orders", None),
    ("payout_lines", "run_id", "payout_runs", "CASCADE"),
    ("payout_statements", "creator_id", "creators", None),
    ("payout_statements", "run_id", "payout_runs", "CASCADE"),
    ("post_figures", "post_id", "creator_posts", "CASCADE"),
    ("refund_lines", "refund_id", "refunds", "CASCADE"),
    ("spend_entries", "campaign_id", "campaigns", "SET NULL"),
    ("spend_entries", "creator_id", "creators", "CASCADE"),
    ("spend_entries", "order_id", "orders", "SET NULL"),
    ("tracked_links", "campaign_id", "campaigns", "SET NULL"),
    ("tracked_links", "creator_id", "creators", "CASCADE"),
)


def _name(table: str, column: str, parent: str) -> str:
    return f"fk_{table}_{column}_{parent}"  # the naming convention's (shopify_roi/db.py)


def _on_delete(action: str | None, columns: str) -> str:
    if action is None:
        return ""
    if action == "SET NULL":
        return f" ON DELETE SET NULL ({columns})"
    return f" ON DELETE {action}"


def _drop_references(bind) -> None:
    """Drop the foreign keys of REFERENCES, whatever their names (read from the database)."""
    inspector = sa.inspect(bind)
    wanted = {(table, column, parent) for table, column, parent, _ in REFERENCES}
    for table in sorted({table for table, *_ in REFERENCES}):
        for fk in inspector.get_foreign_keys(table):
            key = (table, fk["constrained_columns"][0], fk["referred_table"])
            if key in wanted:
                op.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{fk["name"]}"')


def _rekey(bind, columns_of) -> None:
    inspector = sa.inspect(bind)
    for table, shop in KEYED.items():
        name = inspector.get_pk_constraint(table)["name"]
        op.execute(
            f'ALTER TABLE {table} DROP CONSTRAINT "{name}", '
            f"ADD CONSTRAINT pk_{table} PRIMARY KEY ({columns_of(shop)})"
        )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # SQLite keeps its keys (the docstring)
    _drop_references(bind)
    _rekey(bind, lambda shop: f"id, {shop}")
    for table, column, parent, action in REFERENCES:
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {_name(table, column, parent)} "
            f"FOREIGN KEY ({column}, shop_id) REFERENCES {parent} (id, shop_id)" + _on_delete(action, column)
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _drop_references(bind)
    _rekey(bind, lambda shop: "id")
    for table, column, parent, action in REFERENCES:
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {_name(table, column, parent)} "
            f"FOREIGN KEY ({column}) REFERENCES {parent} (id)" + _on_delete(action, column)
        )
