"""rollup months: the daily rollup summed per calendar month, for long ranges

Every shop's rollup is rebuilt (its state row is removed): the worker does it within 30 s, or the first
page load (PostgreSQL: seconds for a million orders).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 19:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

SUMS = ("orders", "revenue", "discounts", "returns", "with_refund", "firsts", "code_orders", "acquired", "repeat_30",
        "repeat_90", "repeat_180", "repeat_365", "ltv_30", "ltv_90", "ltv_180", "ltv_365", "clicks", "link_orders", "contested")
BIG = {"revenue", "discounts", "returns", "ltv_30", "ltv_90", "ltv_180", "ltv_365", "contested"}


def upgrade() -> None:
    op.create_table('order_months',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('creator_key', sa.Integer(), nullable=False),
    *(sa.Column(name, sa.BigInteger() if name in BIG else sa.Integer(), nullable=False) for name in SUMS),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_order_months_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_months')),
    sa.UniqueConstraint('shop_id', 'month', 'creator_key', name=op.f('uq_order_months_shop_id_month_creator_key'))
    )
    op.create_table('code_months',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('creator_key', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('has_link', sa.Boolean(), nullable=False),
    sa.Column('referrer_host', sa.String(length=255), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_code_months_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_months'))
    )
    op.create_index('ix_code_months_shop_id_month', 'code_months', ['shop_id', 'month'], unique=False)
    op.execute("DELETE FROM rollup_states")  # every shop's rollup is rebuilt, its months included


def downgrade() -> None:
    op.drop_index('ix_code_months_shop_id_month', table_name='code_months')
    op.drop_table('code_months')
    op.drop_table('order_months')
