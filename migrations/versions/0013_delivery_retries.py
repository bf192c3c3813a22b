"""delivery retries: when a delivery that failed unexpectedly is tried again

A delivery whose processing raised something unexpected stays `received` until `retry_at` (its batch goes
on without it), and is `quarantined` with its reason after its last attempt (services/webhooks/inbox.py).
Existing rows have none (NULL: due now).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 15:40:00
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retry_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_column('retry_at')
