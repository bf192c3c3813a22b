"""install generations and bounded OAuth states

`shops.granted_at`: when the merchant last granted access; a lifecycle event triggered before it belongs
to an earlier install and is not applied (services/shops/install_generations.py). An installed shop's
current install is taken to start at its `installed_at`.

`oauth_states.client_key` (a keyed hash of the client's address) and indexes to purge expired states and
cap the live ones per client and per shop (services/shops/oauth_states.py).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 15:00:00
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('granted_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE shops SET granted_at = installed_at WHERE uninstalled_at IS NULL")
    with op.batch_alter_table('oauth_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_key', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_oauth_states_client_key', ['client_key'], unique=False)
        batch_op.create_index('ix_oauth_states_expires_at', ['expires_at'], unique=False)
        batch_op.create_index('ix_oauth_states_shop_domain', ['shop_domain'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('oauth_states', schema=None) as batch_op:
        batch_op.drop_index('ix_oauth_states_shop_domain')
        batch_op.drop_index('ix_oauth_states_expires_at')
        batch_op.drop_index('ix_oauth_states_client_key')
        batch_op.drop_column('client_key')
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.drop_column('granted_at')
