"""creator report links

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 03:41:56.855120
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('creator_report_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('creator_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('expires_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_viewed_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_creator_report_links_creator_id_creators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_creator_report_links_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creator_report_links'))
    )
    with op.batch_alter_table('creator_report_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_creator_report_links_shop_id'), ['shop_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('creator_report_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_creator_report_links_shop_id'))

    op.drop_table('creator_report_links')
