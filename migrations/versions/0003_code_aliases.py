"""extra codes on a discount

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 23:19:33.106557
"""
from alembic import op
import sqlalchemy as sa
import shopify_roi.db
import shopify_roi.money


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('discount_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alias_of_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_discount_codes_alias_of_id_discount_codes'), 'discount_codes', ['alias_of_id'], ['id'], ondelete='CASCADE')



def downgrade() -> None:
    with op.batch_alter_table('discount_codes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_discount_codes_alias_of_id_discount_codes'), type_='foreignkey')
        batch_op.drop_column('alias_of_id')

