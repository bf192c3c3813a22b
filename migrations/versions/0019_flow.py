"""Shopify Flow: action runs received (one per action_run_id), trigger events sent, trigger usage, the switch

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 21:10:00
"""

import sqlalchemy as sa
from alembic import op

import shopify_roi.db

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flow_action_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("action_run_id", sa.String(length=128), nullable=False),
        sa.Column("handle", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_at", shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_flow_action_runs_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_action_runs")),
        sa.UniqueConstraint(
            "shop_id", "action_run_id", name=op.f("uq_flow_action_runs_shop_id_action_run_id")
        ),
    )
    op.create_table(
        "flow_trigger_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("handle", sa.String(length=64), nullable=False),
        sa.Column("event_key", sa.String(length=128), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("sent_at", shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_flow_trigger_sends_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_trigger_sends")),
        sa.UniqueConstraint(
            "shop_id", "handle", "event_key", name=op.f("uq_flow_trigger_sends_shop_id_handle_event_key")
        ),
    )
    op.create_table(
        "flow_trigger_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=128), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("as_of", shopify_roi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_flow_trigger_usage_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_trigger_usage")),
        sa.UniqueConstraint("shop_id", "trigger", name=op.f("uq_flow_trigger_usage_shop_id_trigger")),
    )
    with op.batch_alter_table("shop_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("flow_triggers_since", shopify_roi.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("shop_settings", schema=None) as batch_op:
        batch_op.drop_column("flow_triggers_since")
    op.drop_table("flow_trigger_usage")
    op.drop_table("flow_trigger_sends")
    op.drop_table("flow_action_runs")
