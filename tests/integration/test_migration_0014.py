"""Migration 0014 (spend periods) upgrades a database with spend entries without losing a row: each keeps
its date and amount, and has no period (it counts on its date, as before)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from migration_support import engine as _engine

from shopify_roi.migrate import upgrade


def test_0014_keeps_every_spend_entry_with_no_period(fresh_url):
    upgrade(fresh_url, "0013")
    engine = _engine(fresh_url)
    meta = sa.MetaData()
    meta.reflect(engine)
    t = meta.tables
    now = datetime(2026, 11, 1, tzinfo=UTC)
    stamps = {"created_at": now, "updated_at": now}
    with engine.begin() as conn:
        shop = conn.execute(
            sa.insert(t["shops"])
            .values(domain="m.myshopify.com", token_generation=1, scopes="read_orders", **stamps)
            .returning(t["shops"].c.id)
        ).scalar()
        anna = conn.execute(
            sa.insert(t["creators"])
            .values(
                shop_id=shop,
                handle="anna",
                name="Anna",
                platform="instagram",
                commission_rate=0,
                notes="",
                status="active",
                **stamps,
            )
            .returning(t["creators"].c.id)
        ).scalar()
        for day, amount in ((date(2026, 3, 1), 3_000_000), (date(2026, 3, 2), 320_000)):  # 300.00, 32.00
            conn.execute(
                sa.insert(t["spend_entries"]).values(
                    shop_id=shop,
                    creator_id=anna,
                    kind="fee",
                    spent_on=day,
                    amount=amount,
                    note="",
                    created_at=now,
                )
            )
    engine.dispose()

    upgrade(fresh_url, "head")
    engine = _engine(fresh_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT spent_on, amount, period_start, period_end FROM spend_entries ORDER BY id")
        ).all()
    engine.dispose()
    assert [(str(r[0]), r[1], r[2], r[3]) for r in rows] == [
        ("2026-03-01", 3_000_000, None, None),
        ("2026-03-02", 320_000, None, None),
    ]
