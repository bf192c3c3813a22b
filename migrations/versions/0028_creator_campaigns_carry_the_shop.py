"""creator_campaigns carry the shop (README "Scale-out", issue 21 item 5)

A creator's campaigns named their shop only through the creator. Under Citus, distributed by `shop_id`,
each row must carry it to live on its shop's node: the column is added, filled from the row's creator, and
joins the primary key, last, so the key's index still serves the lookups by creator. No row is lost or
changed; the relationship writes the column from both sides (shopify_roi/models/creator.py).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 03:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("creator_campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shop_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE creator_campaigns SET shop_id = "
        "(SELECT creators.shop_id FROM creators WHERE creators.id = creator_campaigns.creator_id)"
    )
    with op.batch_alter_table("creator_campaigns", schema=None) as batch_op:
        batch_op.alter_column("shop_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(op.f("pk_creator_campaigns"), type_="primary")
        batch_op.create_primary_key(op.f("pk_creator_campaigns"), ["creator_id", "campaign_id", "shop_id"])
        batch_op.create_foreign_key(
            op.f("fk_creator_campaigns_shop_id_shops"), "shops", ["shop_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("creator_campaigns", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_creator_campaigns_shop_id_shops"), type_="foreignkey")
        batch_op.drop_constraint(op.f("pk_creator_campaigns"), type_="primary")
        batch_op.create_primary_key(op.f("pk_creator_campaigns"), ["creator_id", "campaign_id"])
        batch_op.drop_column("shop_id")
