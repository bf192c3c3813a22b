"""creators, campaigns, discount codes, links, clicks, imports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 23:04:04.935874
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db
import shopify_roi.money


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('target_roas', shopify_roi.money.Money(), nullable=True),
    sa.Column('target_revenue', shopify_roi.money.Money(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_campaigns_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('shop_id', 'name', name=op.f('uq_campaigns_shop_id_name'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_shop_id'), ['shop_id'], unique=False)

    op.create_table('creator_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rows_json', sa.Text(), nullable=False),
    sa.Column('report_json', sa.Text(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_creator_imports_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creator_imports'))
    )
    with op.batch_alter_table('creator_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_creator_imports_shop_id'), ['shop_id'], unique=False)

    op.create_table('creators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('handle', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('followers', sa.Integer(), nullable=True),
    sa.Column('commission_rate', shopify_roi.money.Money(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_creators_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creators')),
    sa.UniqueConstraint('shop_id', 'handle', name=op.f('uq_creators_shop_id_handle'))
    )
    with op.batch_alter_table('creators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_creators_shop_id'), ['shop_id'], unique=False)

    op.create_table('creator_campaigns',
    sa.Column('creator_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_creator_campaigns_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_creator_campaigns_creator_id_creators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('creator_id', 'campaign_id', name=op.f('pk_creator_campaigns'))
    )
    op.create_table('discount_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('creator_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=255), nullable=False),
    sa.Column('code_key', sa.String(length=255), nullable=True),
    sa.Column('attribution_key', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('shopify_discount_id', sa.String(length=128), nullable=True),
    sa.Column('shopify_code_id', sa.String(length=128), nullable=True),
    sa.Column('value_type', sa.String(length=16), nullable=False),
    sa.Column('value', shopify_roi.money.Money(), nullable=False),
    sa.Column('starts_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ends_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('usage_limit', sa.Integer(), nullable=True),
    sa.Column('once_per_customer', sa.Boolean(), nullable=False),
    sa.Column('combines_with_order', sa.Boolean(), nullable=False),
    sa.Column('combines_with_product', sa.Boolean(), nullable=False),
    sa.Column('combines_with_shipping', sa.Boolean(), nullable=False),
    sa.Column('min_subtotal', shopify_roi.money.Money(), nullable=True),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('shopify_status', sa.String(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('synced_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_discount_codes_creator_id_creators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['discount_codes.id'], name=op.f('fk_discount_codes_replaced_by_id_discount_codes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_discount_codes_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discount_codes')),
    sa.UniqueConstraint('shop_id', 'code_key', name=op.f('uq_discount_codes_shop_id_code_key'))
    )
    with op.batch_alter_table('discount_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discount_codes_attribution_key'), ['attribution_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_discount_codes_creator_id'), ['creator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_discount_codes_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_discount_codes_shopify_discount_id'), ['shopify_discount_id'], unique=False)

    op.create_table('tracked_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('creator_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('short_id', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=16), nullable=False),
    sa.Column('target_handle', sa.String(length=255), nullable=False),
    sa.Column('placement', sa.String(length=32), nullable=False),
    sa.Column('destination_url', sa.Text(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_tracked_links_campaign_id_campaigns'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_tracked_links_creator_id_creators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_tracked_links_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracked_links')),
    sa.UniqueConstraint('short_id', name=op.f('uq_tracked_links_short_id'))
    )
    with op.batch_alter_table('tracked_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracked_links_creator_id'), ['creator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tracked_links_shop_id'), ['shop_id'], unique=False)

    op.create_table('clicks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('creator_id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('clicked_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('visitor_hash', sa.String(length=32), nullable=False),
    sa.Column('agent_class', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_clicks_creator_id_creators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['link_id'], ['tracked_links.id'], name=op.f('fk_clicks_link_id_tracked_links'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_clicks_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clicks'))
    )
    with op.batch_alter_table('clicks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clicks_link_id'), ['link_id'], unique=False)
        batch_op.create_index('ix_clicks_shop_id_creator_id_clicked_at', ['shop_id', 'creator_id', 'clicked_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('clicks', schema=None) as batch_op:
        batch_op.drop_index('ix_clicks_shop_id_creator_id_clicked_at')
        batch_op.drop_index(batch_op.f('ix_clicks_link_id'))

    op.drop_table('clicks')
    with op.batch_alter_table('tracked_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracked_links_shop_id'))
        batch_op.drop_index(batch_op.f('ix_tracked_links_creator_id'))

    op.drop_table('tracked_links')
    with op.batch_alter_table('discount_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discount_codes_shopify_discount_id'))
        batch_op.drop_index(batch_op.f('ix_discount_codes_shop_id'))
        batch_op.drop_index(batch_op.f('ix_discount_codes_creator_id'))
        batch_op.drop_index(batch_op.f('ix_discount_codes_attribution_key'))

    op.drop_table('discount_codes')
    op.drop_table('creator_campaigns')
    with op.batch_alter_table('creators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_creators_shop_id'))

    op.drop_table('creators')
    with op.batch_alter_table('creator_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_creator_imports_shop_id'))

    op.drop_table('creator_imports')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_shop_id'))

    op.drop_table('campaigns')
