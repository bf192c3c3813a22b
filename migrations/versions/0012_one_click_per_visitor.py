"""one counted click per visitor per link per day

A tracked link counts a visitor (the daily-rotating visitor hash) once a day. Clicks already stored
that repeat a visitor's click of the same link and day are removed (the first is kept), the rollups of
the shops that had any are rebuilt (their state row is removed: the worker rebuilds them within 30 s,
or the first page load), and a unique constraint keeps it so.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 15:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_REPEATS = (
    "SELECT c.id FROM clicks c WHERE EXISTS (SELECT 1 FROM clicks f WHERE f.link_id = c.link_id "
    "AND f.visitor_hash = c.visitor_hash AND f.id < c.id)"
)


def upgrade() -> None:
    op.execute(f"DELETE FROM rollup_states WHERE shop_id IN (SELECT shop_id FROM clicks WHERE id IN ({_REPEATS}))")
    op.execute(f"DELETE FROM clicks WHERE id IN ({_REPEATS})")
    with op.batch_alter_table('clicks', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_clicks_link_id_visitor_hash'), ['link_id', 'visitor_hash'])


def downgrade() -> None:
    with op.batch_alter_table('clicks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_clicks_link_id_visitor_hash'), type_='unique')
