"""creators in Shopify's reports: what was written to the app's metafields, and the per-shop switch

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 20:55:00
"""
import sqlalchemy as sa
from alembic import op

import shopify_roi.db

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'metafield_writes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('owner', sa.String(length=8), nullable=False),
        sa.Column('shopify_id', sa.String(length=32), nullable=False),
        sa.Column('written', sa.Text(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('updated_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_metafield_writes_shop_id_shops'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_metafield_writes')),
        sa.UniqueConstraint('shop_id', 'owner', 'shopify_id', name=op.f('uq_metafield_writes_shop_id_owner_shopify_id')),
    )
    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('metafields', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('metafields_checked_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.drop_column('metafields_checked_at')
        batch_op.drop_column('metafields')
    op.drop_table('metafield_writes')
