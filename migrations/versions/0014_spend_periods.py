"""spend periods: an entry may cover start..end (both included), its amount spread over the days

METRICS.md "Spend": a fee for a campaign covers the campaign's dates, a retainer its month; a range takes
the share of the period's days inside it. Existing entries have none (NULL: they count on their date).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 17:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('spend_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('period_end', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('spend_entries', schema=None) as batch_op:
        batch_op.drop_column('period_end')
        batch_op.drop_column('period_start')
