"""order facts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 23:27:50.515765
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db
import shopify_roi.money


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attribution_policies',
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('precedence', sa.String(length=32), nullable=False),
    sa.Column('updated_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_attribution_policies_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', name=op.f('pk_attribution_policies'))
    )
    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('shopify_id', sa.String(length=32), nullable=False),
    sa.Column('order_shopify_id', sa.String(length=32), nullable=False),
    sa.Column('created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('subtotal', shopify_roi.money.Money(), nullable=False),
    sa.Column('line_tax', shopify_roi.money.Money(), nullable=False),
    sa.Column('has_lines', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_refunds_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('shop_id', 'shopify_id', name=op.f('uq_refunds_shop_id_shopify_id'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index('ix_refunds_shop_id_order_shopify_id', ['shop_id', 'order_shopify_id'], unique=False)

    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('shopify_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('shopify_updated_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('financial_status', sa.String(length=32), nullable=False),
    sa.Column('test', sa.Boolean(), nullable=False),
    sa.Column('seeding', sa.Boolean(), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.Column('taxes_included', sa.Boolean(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('customer_id', sa.String(length=32), nullable=True),
    sa.Column('gross', shopify_roi.money.Money(), nullable=False),
    sa.Column('discounts', shopify_roi.money.Money(), nullable=False),
    sa.Column('line_tax', shopify_roi.money.Money(), nullable=False),
    sa.Column('revenue', shopify_roi.money.Money(), nullable=False),
    sa.Column('signals', sa.Text(), nullable=False),
    sa.Column('creator_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=8), nullable=False),
    sa.Column('contested', sa.Text(), nullable=False),
    sa.Column('is_first', sa.Boolean(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('stored_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_orders_creator_id_creators'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_orders_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('shop_id', 'shopify_id', name=op.f('uq_orders_shop_id_shopify_id'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_shop_id_created_at', ['shop_id', 'created_at'], unique=False)
        batch_op.create_index('ix_orders_shop_id_creator_id_created_at', ['shop_id', 'creator_id', 'created_at'], unique=False)
        batch_op.create_index('ix_orders_shop_id_customer_id_created_at', ['shop_id', 'customer_id', 'created_at'], unique=False)

    op.create_table('refund_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('refund_id', sa.Integer(), nullable=False),
    sa.Column('shopify_id', sa.String(length=32), nullable=False),
    sa.Column('line_shopify_id', sa.String(length=32), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('subtotal', shopify_roi.money.Money(), nullable=False),
    sa.Column('tax', shopify_roi.money.Money(), nullable=False),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_refund_lines_refund_id_refunds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_refund_lines_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_lines')),
    sa.UniqueConstraint('refund_id', 'shopify_id', name=op.f('uq_refund_lines_refund_id_shopify_id'))
    )
    with op.batch_alter_table('refund_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_lines_shop_id'), ['shop_id'], unique=False)

    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('shopify_id', sa.String(length=32), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('price', shopify_roi.money.Money(), nullable=False),
    sa.Column('discount', shopify_roi.money.Money(), nullable=False),
    sa.Column('tax', shopify_roi.money.Money(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lines_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_order_lines_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines')),
    sa.UniqueConstraint('order_id', 'shopify_id', name=op.f('uq_order_lines_order_id_shopify_id'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_shop_id'), ['shop_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lines_shop_id'))

    op.drop_table('order_lines')
    with op.batch_alter_table('refund_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_lines_shop_id'))

    op.drop_table('refund_lines')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_shop_id_customer_id_created_at')
        batch_op.drop_index('ix_orders_shop_id_creator_id_created_at')
        batch_op.drop_index('ix_orders_shop_id_created_at')

    op.drop_table('orders')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index('ix_refunds_shop_id_order_shopify_id')

    op.drop_table('refunds')
    op.drop_table('attribution_policies')
