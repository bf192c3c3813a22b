"""creators in Shopify's Marketing reports: what was sent, the days to compare again, and the per-shop switch

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 21:05:00
"""
import sqlalchemy as sa
from alembic import op

import shopify_roi.db

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'marketing_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('remote_id', sa.String(length=64), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('sent', sa.Text(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('updated_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_marketing_sent_shop_id_shops'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_marketing_sent')),
        sa.UniqueConstraint('shop_id', 'remote_id', 'day', name=op.f('uq_marketing_sent_shop_id_remote_id_day')),
    )
    op.create_table(
        'marketing_days_due',
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_marketing_days_due_shop_id_shops'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('shop_id', 'day', name=op.f('pk_marketing_days_due')),
    )
    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marketing', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.drop_column('marketing')
    op.drop_table('marketing_days_due')
    op.drop_table('marketing_sent')
