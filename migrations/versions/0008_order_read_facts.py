"""order read facts (returns, cohort facts of first orders, code-leak signals) and the daily rollup

The ROI table becomes one scan of the range's orders: no GROUP BY over all refunds, no walk of
the acquired customers' histories, no JSON parsing of every code order. The values are filled
here for the orders already stored, with the same rules the app keeps them by
(services/orders.py: refresh_facts, cohort_facts, Attributor.leak_signals), written out again so
this migration does not depend on later code. The daily rollup starts empty: a shop without a
rollup state is rebuilt on its first read (services/rollups.py).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 09:40:00
"""
import json
from collections import defaultdict
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

import shopify_roi.db
import shopify_roi.money

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

COHORT_DAYS = (30, 90, 180, 365)

orders = sa.table(
    "orders", sa.column("id", sa.Integer), sa.column("shop_id", sa.Integer), sa.column("customer_id", sa.String),
    sa.column("created_at", shopify_roi.db.UTCDateTime()), sa.column("counted", sa.Boolean),
    sa.column("revenue", sa.BigInteger), sa.column("returns", sa.BigInteger), sa.column("signals", sa.Text),
    sa.column("creator_id", sa.Integer), sa.column("is_first", sa.Boolean), sa.column("next_gap_us", sa.BigInteger),
    *(sa.column(f"ltv_{n}", sa.BigInteger) for n in COHORT_DAYS), sa.column("signal_code", sa.String),
    sa.column("signal_link", sa.Boolean), sa.column("referrer_host", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('returns', shopify_roi.money.Money(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('refunded_lines', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('next_gap_us', sa.BigInteger(), nullable=True))
        for n in COHORT_DAYS:
            batch_op.add_column(sa.Column(f'ltv_{n}', shopify_roi.money.Money(), nullable=True))
        batch_op.add_column(sa.Column('signal_code', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('signal_link', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('referrer_host', sa.String(length=255), nullable=False, server_default=''))
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_contested', ['shop_id', 'created_at'], unique=False,
                              postgresql_where=sa.text("contested <> '[]'"), sqlite_where=sa.text("contested <> '[]'"))
    with op.batch_alter_table('clicks', schema=None) as batch_op:
        batch_op.create_index('ix_clicks_shop_id_clicked_at', ['shop_id', 'clicked_at'], unique=False)
    op.create_table('order_days',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('creator_key', sa.Integer(), nullable=False),
    *(sa.Column(name, sa.Integer(), nullable=False) for name in ('orders',)),
    sa.Column('revenue', sa.BigInteger(), nullable=False),
    sa.Column('discounts', sa.BigInteger(), nullable=False),
    sa.Column('returns', sa.BigInteger(), nullable=False),
    sa.Column('with_refund', sa.Integer(), nullable=False),
    sa.Column('firsts', sa.Integer(), nullable=False),
    sa.Column('code_orders', sa.Integer(), nullable=False),
    sa.Column('acquired', sa.Integer(), nullable=False),
    *(sa.Column(f'repeat_{n}', sa.Integer(), nullable=False) for n in COHORT_DAYS),
    *(sa.Column(f'ltv_{n}', sa.BigInteger(), nullable=False) for n in COHORT_DAYS),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.Column('link_orders', sa.Integer(), nullable=False),
    sa.Column('contested', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_order_days_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_days')),
    sa.UniqueConstraint('shop_id', 'day', 'creator_key', name=op.f('uq_order_days_shop_id_day_creator_key'))
    )
    op.create_table('code_days',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('creator_key', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('has_link', sa.Boolean(), nullable=False),
    sa.Column('referrer_host', sa.String(length=255), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_code_days_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_days'))
    )
    with op.batch_alter_table('code_days', schema=None) as batch_op:
        batch_op.create_index('ix_code_days_shop_id_day', ['shop_id', 'day'], unique=False)
    op.create_table('order_days_dirty',
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_order_days_dirty_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'day', name=op.f('pk_order_days_dirty'))
    )
    op.create_table('rollup_states',
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_rollup_states_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', name=op.f('pk_rollup_states'))
    )
    bind = op.get_bind()
    bind.execute(sa.text(
        "UPDATE orders SET returns = COALESCE((SELECT SUM(r.subtotal - CASE WHEN orders.taxes_included THEN r.line_tax"
        " ELSE 0 END) FROM refunds r WHERE r.shop_id = orders.shop_id AND r.order_shopify_id = orders.shopify_id), 0),"
        " refunded_lines = EXISTS (SELECT 1 FROM refunds r WHERE r.shop_id = orders.shop_id"
        " AND r.order_shopify_id = orders.shopify_id AND r.has_lines)"))
    _fill_cohort_facts(bind)
    _fill_leak_signals(bind)


def _fill_cohort_facts(bind) -> None:
    query = (sa.select(orders.c.id, orders.c.shop_id, orders.c.customer_id, orders.c.created_at, orders.c.counted,
                       orders.c.revenue, orders.c.returns)
             .where(orders.c.customer_id.is_not(None)).order_by(orders.c.shop_id, orders.c.customer_id))
    updates, key, history = [], None, []

    def close() -> None:
        counted = sorted((created, oid, revenue - returns) for oid, created, ok, revenue, returns in history if ok)
        if not counted:
            return
        first_at, first_id, _ = counted[0]
        later = [c for c, _, _ in counted if c > first_at]
        gap = (later[0] - first_at) // timedelta(microseconds=1) if later else None
        ltv = {f"ltv_{n}": sum(net for c, _, net in counted if c <= first_at + timedelta(days=n)) for n in COHORT_DAYS}
        updates.append({"oid": first_id, "gap": gap, **ltv})

    for oid, shop_id, customer, created, counted, revenue, returns in bind.execute(query):
        if (shop_id, customer) != key:
            close()
            key, history = (shop_id, customer), []
        history.append((oid, created, counted, int(revenue or 0), int(returns or 0)))
    close()
    bind.execute(sa.update(orders).where(orders.c.customer_id.is_not(None)).values(is_first=False))
    if updates:
        bind.execute(sa.update(orders).where(orders.c.id == sa.bindparam("oid")).values(
            is_first=True, next_gap_us=sa.bindparam("gap"), **{f"ltv_{n}": sa.bindparam(f"ltv_{n}") for n in COHORT_DAYS}),
            updates)


def _host(url) -> str:
    if not url:
        return ""
    text = str(url).strip()
    return (urlsplit(text if "//" in text else "//" + text).hostname or "").lower()


def _fill_leak_signals(bind) -> None:
    owners: dict[int, dict[str, int]] = defaultdict(dict)
    for shop_id, key, cid in bind.execute(sa.text(
            "SELECT shop_id, attribution_key, creator_id FROM discount_codes WHERE status <> 'pending' ORDER BY id")):
        owners[shop_id][key] = cid
    handles = {cid: handle for cid, handle in bind.execute(sa.text("SELECT id, handle FROM creators"))}
    updates = []
    for oid, shop_id, raw, winner in bind.execute(sa.select(orders.c.id, orders.c.shop_id, orders.c.signals,
                                                            orders.c.creator_id)):
        try:
            signals = json.loads(raw or "{}")
        except ValueError:
            signals = {}
        used = [str(c).strip().upper() for c in signals.get("codes") or []]
        code = next((c for c in used if winner is not None and owners[shop_id].get(c) == winner), used[0] if used else "")
        named = {str(signals.get(k) or "").strip().lower() for k in ("ref", "utm_content")}
        updates.append({"oid": oid, "code": code[:64], "link": winner is not None and handles.get(winner) in named,
                        "host": _host(signals.get("referring_site"))[:255]})
        if len(updates) >= 5000:
            _write_leak(bind, updates)
            updates = []
    _write_leak(bind, updates)


def _write_leak(bind, updates: list[dict]) -> None:
    if updates:
        bind.execute(sa.update(orders).where(orders.c.id == sa.bindparam("oid")).values(
            signal_code=sa.bindparam("code"), signal_link=sa.bindparam("link"), referrer_host=sa.bindparam("host")),
            updates)


def downgrade() -> None:
    op.drop_table('rollup_states')
    op.drop_table('order_days_dirty')
    op.drop_table('code_days')
    op.drop_table('order_days')
    with op.batch_alter_table('clicks', schema=None) as batch_op:
        batch_op.drop_index('ix_clicks_shop_id_clicked_at')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_contested')
        for name in ('referrer_host', 'signal_link', 'signal_code', *(f'ltv_{n}' for n in reversed(COHORT_DAYS)),
                     'next_gap_us', 'refunded_lines', 'returns'):
            batch_op.drop_column(name)
