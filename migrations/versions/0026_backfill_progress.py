"""backfill runs: when the ingest last moved (progress_at)

The minutely poll queued every ingesting run again once it was 30 s old, beside the job still ingesting
it; it now does so only once the run has had no batch for a while (services/orders/backfill.py,
`unfinished`). A run ingesting during the upgrade has none: it is judged by its start, as before, until
its next batch.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 23:00:00
"""

import sqlalchemy as sa
from alembic import op

import shopify_roi.db

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("backfill_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progress_at", shopify_roi.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("backfill_runs", schema=None) as batch_op:
        batch_op.drop_column("progress_at")
