"""commission payouts: settings, runs, statements, lines

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 03:15:56.415364
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db
import shopify_roi.money


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('payout_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('hold_days', sa.Integer(), nullable=False),
    sa.Column('created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('paid_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reference', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_payout_runs_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_runs'))
    )
    with op.batch_alter_table('payout_runs', schema=None) as batch_op:
        batch_op.create_index('ix_payout_runs_shop_id_created_at', ['shop_id', 'created_at'], unique=False)
        batch_op.create_index('uq_payout_runs_one_draft', ['shop_id'], unique=True, postgresql_where=sa.text("status = 'draft'"), sqlite_where=sa.text("status = 'draft'"))

    op.create_table('payout_settings',
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('hold_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_payout_settings_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', name=op.f('pk_payout_settings'))
    )
    op.create_table('payout_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('creator_id', sa.Integer(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('revenue', shopify_roi.money.Money(), nullable=False),
    sa.Column('returns', shopify_roi.money.Money(), nullable=False),
    sa.Column('accrued', shopify_roi.money.Money(), nullable=False),
    sa.Column('clawed_back', shopify_roi.money.Money(), nullable=False),
    sa.Column('brought_forward', shopify_roi.money.Money(), nullable=False),
    sa.Column('payable', shopify_roi.money.Money(), nullable=False),
    sa.Column('carried_forward', shopify_roi.money.Money(), nullable=False),
    sa.Column('held', shopify_roi.money.Money(), nullable=False),
    sa.Column('held_orders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_payout_statements_creator_id_creators')),
    sa.ForeignKeyConstraint(['run_id'], ['payout_runs.id'], name=op.f('fk_payout_statements_run_id_payout_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_payout_statements_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_statements'))
    )
    with op.batch_alter_table('payout_statements', schema=None) as batch_op:
        batch_op.create_index('ix_payout_statements_shop_id_run_id', ['shop_id', 'run_id'], unique=False)

    op.create_table('payout_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('creator_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('amount', shopify_roi.money.Money(), nullable=False),
    sa.Column('commission', shopify_roi.money.Money(), nullable=False),
    sa.Column('order_name', sa.String(length=64), nullable=False),
    sa.Column('order_created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revenue', shopify_roi.money.Money(), nullable=False),
    sa.Column('returns', shopify_roi.money.Money(), nullable=False),
    sa.Column('rate', shopify_roi.money.Money(), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_payout_lines_creator_id_creators')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_payout_lines_order_id_orders')),
    sa.ForeignKeyConstraint(['run_id'], ['payout_runs.id'], name=op.f('fk_payout_lines_run_id_payout_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_payout_lines_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_lines'))
    )
    with op.batch_alter_table('payout_lines', schema=None) as batch_op:
        batch_op.create_index('ix_payout_lines_shop_id_creator_id_order_id', ['shop_id', 'creator_id', 'order_id'], unique=False)
        batch_op.create_index('ix_payout_lines_shop_id_run_id', ['shop_id', 'run_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('payout_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_payout_lines_shop_id_run_id')
        batch_op.drop_index('ix_payout_lines_shop_id_creator_id_order_id')

    op.drop_table('payout_lines')
    with op.batch_alter_table('payout_statements', schema=None) as batch_op:
        batch_op.drop_index('ix_payout_statements_shop_id_run_id')

    op.drop_table('payout_statements')
    op.drop_table('payout_settings')
    with op.batch_alter_table('payout_runs', schema=None) as batch_op:
        batch_op.drop_index('uq_payout_runs_one_draft', postgresql_where=sa.text("status = 'draft'"), sqlite_where=sa.text("status = 'draft'"))
        batch_op.drop_index('ix_payout_runs_shop_id_created_at')

    op.drop_table('payout_runs')
