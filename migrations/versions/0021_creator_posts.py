"""creator posts and their dated figures

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 03:12:52.158510
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('creator_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('creator_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('posted_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('posted_tz', sa.String(length=64), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_creator_posts_campaign_id_campaigns'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_creator_posts_creator_id_creators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_creator_posts_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creator_posts'))
    )
    with op.batch_alter_table('creator_posts', schema=None) as batch_op:
        batch_op.create_index('ix_creator_posts_shop_id_creator_id_posted_at', ['shop_id', 'creator_id', 'posted_at'], unique=False)

    op.create_table('post_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reach', sa.Integer(), nullable=True),
    sa.Column('impressions', sa.Integer(), nullable=True),
    sa.Column('views', sa.Integer(), nullable=True),
    sa.Column('likes', sa.Integer(), nullable=True),
    sa.Column('comments', sa.Integer(), nullable=True),
    sa.Column('shares', sa.Integer(), nullable=True),
    sa.Column('saves', sa.Integer(), nullable=True),
    sa.Column('link_clicks', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['creator_posts.id'], name=op.f('fk_post_figures_post_id_creator_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_post_figures_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_figures'))
    )
    with op.batch_alter_table('post_figures', schema=None) as batch_op:
        batch_op.create_index('ix_post_figures_shop_id_post_id_reported_at', ['shop_id', 'post_id', 'reported_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('post_figures', schema=None) as batch_op:
        batch_op.drop_index('ix_post_figures_shop_id_post_id_reported_at')

    op.drop_table('post_figures')
    with op.batch_alter_table('creator_posts', schema=None) as batch_op:
        batch_op.drop_index('ix_creator_posts_shop_id_creator_id_posted_at')

    op.drop_table('creator_posts')
