"""spend ledger

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 00:10:38.265908
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db
import shopify_roi.money


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('spend_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('creator_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('amount', shopify_roi.money.Money(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=True),
    sa.Column('unit_cost', shopify_roi.money.Money(), nullable=True),
    sa.Column('shipping', shopify_roi.money.Money(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_spend_entries_campaign_id_campaigns'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_spend_entries_creator_id_creators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_spend_entries_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spend_entries'))
    )
    with op.batch_alter_table('spend_entries', schema=None) as batch_op:
        batch_op.create_index('ix_spend_entries_shop_id_creator_id_spent_on', ['shop_id', 'creator_id', 'spent_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('spend_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_spend_entries_shop_id_creator_id_spent_on')

    op.drop_table('spend_entries')
