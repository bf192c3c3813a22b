"""link routes: the public short link finds its shop in a table of its own (README "Scale-out", issue 21 item 5)

`/l/<short_id>` brings no shop. Under Citus, distributed by `shop_id`, a unique key must carry the shop, so
`tracked_links.short_id` alone could not stay unique there, nor be found without asking every node. The
short id's route (`link_routes`: short id -> shop, link) is a reference table under Citus; the short id is
unique by its primary key, and `tracked_links`' key becomes (shop_id, short_id). Every existing link gets
its route, so every link already printed in a creator's bio keeps leading where it did.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_routes",
        sa.Column("short_id", sa.String(length=16), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("short_id", name=op.f("pk_link_routes")),
    )
    op.execute("INSERT INTO link_routes (short_id, shop_id, link_id) SELECT short_id, shop_id, id FROM tracked_links")
    with op.batch_alter_table("tracked_links", schema=None) as batch_op:
        batch_op.create_unique_constraint(op.f("uq_tracked_links_shop_id_short_id"), ["shop_id", "short_id"])
        batch_op.drop_constraint(op.f("uq_tracked_links_short_id"), type_="unique")


def downgrade() -> None:
    with op.batch_alter_table("tracked_links", schema=None) as batch_op:
        batch_op.create_unique_constraint(op.f("uq_tracked_links_short_id"), ["short_id"])
        batch_op.drop_constraint(op.f("uq_tracked_links_shop_id_short_id"), type_="unique")
    op.drop_table("link_routes")
