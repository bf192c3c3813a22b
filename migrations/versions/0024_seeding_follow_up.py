"""seeding follow-up: orders marked as seeding, seeding entries sent and linked to posts

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 05:58:59.295929
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("creator_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seeding_entry_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_creator_posts_seeding_entry_id_spend_entries"),
            "spend_entries",
            ["seeding_entry_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("seeding_marked", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("seeding_handle", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("seeding_issue", sa.Text(), server_default="", nullable=False))
        batch_op.create_index(
            "ix_orders_seeding",
            ["shop_id"],
            unique=False,
            postgresql_where=sa.text("seeding OR seeding_marked"),
            sqlite_where=sa.text("seeding OR seeding_marked"),
        )

    with op.batch_alter_table("shop_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("seeding_follow_up_days", sa.Integer(), server_default="21", nullable=False)
        )

    with op.batch_alter_table("spend_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("order_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sent_on", sa.Date(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_spend_entries_shop_id_order_id"), ["shop_id", "order_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_spend_entries_order_id_orders"),
            "orders",
            ["order_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("spend_entries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_spend_entries_order_id_orders"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_spend_entries_shop_id_order_id"), type_="unique")
        batch_op.drop_column("sent_on")
        batch_op.drop_column("order_id")

    with op.batch_alter_table("shop_settings", schema=None) as batch_op:
        batch_op.drop_column("seeding_follow_up_days")

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_orders_seeding",
            postgresql_where=sa.text("seeding OR seeding_marked"),
            sqlite_where=sa.text("seeding OR seeding_marked"),
        )
        batch_op.drop_column("seeding_issue")
        batch_op.drop_column("seeding_handle")
        batch_op.drop_column("seeding_marked")

    with op.batch_alter_table("creator_posts", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_creator_posts_seeding_entry_id_spend_entries"), type_="foreignkey"
        )
        batch_op.drop_column("seeding_entry_id")
