"""campaigns on Shopify's analytics charts: the annotations and targets written, and the per-shop switch

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 21:00:00
"""

import sqlalchemy as sa
from alembic import op

import shopify_roi.db

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("shopify_id", sa.String(length=80), nullable=True),
        sa.Column("written", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("updated_at", shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_analytics_marks_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_marks")),
        sa.UniqueConstraint("shop_id", "key", name=op.f("uq_analytics_marks_shop_id_key")),
    )
    with op.batch_alter_table("shop_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("analytics_marks", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("shop_settings", schema=None) as batch_op:
        batch_op.drop_column("analytics_marks")
    op.drop_table("analytics_marks")
