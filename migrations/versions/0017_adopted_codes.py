"""codes adopted from the shop: the discount existed before the app, which only linked it to a creator

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 21:00:00
"""
import sqlalchemy as sa
from alembic import op

import shopify_roi.db

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('discount_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adopted_at', shopify_roi.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('discount_codes', schema=None) as batch_op:
        batch_op.drop_column('adopted_at')
