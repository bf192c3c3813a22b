"""backfill runs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 23:41:09.036970
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db
import shopify_roi.money


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('backfill_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('search', sa.Text(), nullable=False),
    sa.Column('range_note', sa.Text(), nullable=False),
    sa.Column('bulk_operation_id', sa.String(length=128), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('object_count', sa.Integer(), nullable=False),
    sa.Column('orders_seen', sa.Integer(), nullable=False),
    sa.Column('orders_repaired', sa.Integer(), nullable=False),
    sa.Column('refunds_repaired', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('started_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_backfill_runs_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backfill_runs'))
    )
    with op.batch_alter_table('backfill_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_backfill_runs_bulk_operation_id'), ['bulk_operation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_backfill_runs_shop_id'), ['shop_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('backfill_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_backfill_runs_shop_id'))
        batch_op.drop_index(batch_op.f('ix_backfill_runs_bulk_operation_id'))

    op.drop_table('backfill_runs')
