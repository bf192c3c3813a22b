"""customer histories: what Shopify counts of a customer's orders beyond the app's 60 days

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 17:30:00
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_histories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=32), nullable=False),
    sa.Column('shopify_orders', sa.Integer(), nullable=True),
    sa.Column('checked_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_customer_histories_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_histories')),
    sa.UniqueConstraint('shop_id', 'customer_id', name=op.f('uq_customer_histories_shop_id_customer_id'))
    )


def downgrade() -> None:
    op.drop_table('customer_histories')
