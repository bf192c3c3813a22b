"""shop settings

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 01:21:45.198106
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db
import shopify_roi.money


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('shop_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('targets', sa.Text(), nullable=False),
    sa.Column('gross_margin', shopify_roi.money.Money(), nullable=True),
    sa.Column('updated_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_shop_settings_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_settings')),
    sa.UniqueConstraint('shop_id', name=op.f('uq_shop_settings_shop_id'))
    )


def downgrade() -> None:
    op.drop_table('shop_settings')
