"""unique keys carry the shop: order_lines, refund_lines and clicks (README "Scale-out", issue 21 item 5)

Under Citus, distributed by `shop_id`, every unique constraint must include the distribution column. The
three keys that did not are made again with `shop_id` last: each key's index still serves the lookups by
its first column (an order's lines, the foreign key's cascade), and no row can break the new key that kept
the old one (a line's order, a refund line's refund and a click's link belong to one shop).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 23:00:00
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

KEYS = {  # table: (the old key's columns, the new key's columns)
    "order_lines": (["order_id", "shopify_id"], ["order_id", "shopify_id", "shop_id"]),
    "refund_lines": (["refund_id", "shopify_id"], ["refund_id", "shopify_id", "shop_id"]),
    "clicks": (["link_id", "visitor_hash"], ["link_id", "visitor_hash", "shop_id"]),
}


def _name(table: str, columns: list[str]) -> str:
    return f"uq_{table}_{'_'.join(columns)}"  # the metadata's naming convention (shopify_roi/db.py)


def upgrade() -> None:
    for table, (old, new) in KEYS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_unique_constraint(_name(table, new), new)
            batch_op.drop_constraint(_name(table, old), type_="unique")


def downgrade() -> None:
    for table, (old, new) in KEYS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_unique_constraint(_name(table, old), old)
            batch_op.drop_constraint(_name(table, new), type_="unique")
