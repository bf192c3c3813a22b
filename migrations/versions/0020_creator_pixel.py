"""creator pixel: settings, events; order lines' product and title; precedence default with pixel

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 02:36:26.670072
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pixel_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=2), nullable=False),
    sa.Column('received_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('visitor_hash', sa.String(length=32), nullable=False),
    sa.Column('session_hash', sa.String(length=32), nullable=False),
    sa.Column('handle', sa.String(length=64), nullable=False),
    sa.Column('session_start', sa.Boolean(), nullable=False),
    sa.Column('landed', sa.Boolean(), nullable=False),
    sa.Column('product_id', sa.String(length=32), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_pixel_events_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pixel_events')),
    sa.UniqueConstraint('shop_id', 'event_id', name=op.f('uq_pixel_events_shop_id_event_id'))
    )
    with op.batch_alter_table('pixel_events', schema=None) as batch_op:
        batch_op.create_index('ix_pixel_events_shop_id_order_id', ['shop_id', 'order_id'], unique=False)
        batch_op.create_index('ix_pixel_events_shop_id_received_at', ['shop_id', 'received_at'], unique=False)

    op.create_table('pixel_settings',
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('web_pixel_id', sa.String(length=128), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('updated_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_pixel_settings_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', name=op.f('pk_pixel_settings'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('product_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('title', sa.String(length=255), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_column('title')
        batch_op.drop_column('product_id')

    op.drop_table('pixel_settings')
    with op.batch_alter_table('pixel_events', schema=None) as batch_op:
        batch_op.drop_index('ix_pixel_events_shop_id_received_at')
        batch_op.drop_index('ix_pixel_events_shop_id_order_id')

    op.drop_table('pixel_events')
