"""foundation: shops, oauth states, webhook inbox

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 22:50:33.516332
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db
import shopify_roi.money


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('oauth_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('shop_domain', sa.String(length=255), nullable=False),
    sa.Column('created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oauth_states')),
    sa.UniqueConstraint('nonce', name=op.f('uq_oauth_states_nonce'))
    )
    op.create_table('shops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=255), nullable=False),
    sa.Column('shopify_id', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('iana_timezone', sa.String(length=64), nullable=True),
    sa.Column('access_token_enc', sa.Text(), nullable=True),
    sa.Column('access_token_expires_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('refresh_token_enc', sa.Text(), nullable=True),
    sa.Column('refresh_token_expires_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('token_generation', sa.BigInteger(), nullable=False),
    sa.Column('scopes', sa.Text(), nullable=False),
    sa.Column('installed_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('uninstalled_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shops')),
    sa.UniqueConstraint('domain', name=op.f('uq_shops_domain'))
    )
    op.create_table('webhook_deliveries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_domain', sa.String(length=255), nullable=False),
    sa.Column('webhook_id', sa.String(length=128), nullable=False),
    sa.Column('event_id', sa.String(length=128), nullable=True),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('api_version', sa.String(length=16), nullable=True),
    sa.Column('triggered_at', sa.String(length=40), nullable=True),
    sa.Column('received_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('processed_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    sa.UniqueConstraint('shop_domain', 'webhook_id', name=op.f('uq_webhook_deliveries_shop_domain_webhook_id'))
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_shop_domain'), ['shop_domain'], unique=False)
        batch_op.create_index('ix_webhook_deliveries_status_received_at', ['status', 'received_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_deliveries_status_received_at')
        batch_op.drop_index(batch_op.f('ix_webhook_deliveries_shop_domain'))

    op.drop_table('webhook_deliveries')
    op.drop_table('shops')
    op.drop_table('oauth_states')
