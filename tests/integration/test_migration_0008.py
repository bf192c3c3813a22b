"""Migration 0008 fills the read facts of orders already stored, by the rules the app keeps them by."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from migration_support import engine as _engine
from sqlalchemy.orm import Session

from shopify_roi.migrate import upgrade
from shopify_roi.models import Order
from shopify_roi.services.orders.read_facts import refresh_facts

D = Decimal
T0 = datetime(2026, 3, 1, 10, tzinfo=UTC)


def _money(amount: str) -> int:
    return int(D(amount) * 10_000)


def test_0008_fills_returns_cohort_facts_and_leak_signals_of_stored_orders(fresh_url):
    upgrade(fresh_url, "0007")
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
        people = {}
        for handle in ("anna", "ben"):
            people[handle] = conn.execute(
                sa.insert(t["creators"])
                .values(
                    shop_id=shop,
                    handle=handle,
                    name=handle.title(),
                    platform="instagram",
                    commission_rate=0,
                    notes="",
                    status="active",
                    **stamps,
                )
                .returning(t["creators"].c.id)
            ).scalar()
        conn.execute(
            sa.insert(t["discount_codes"]).values(
                shop_id=shop,
                creator_id=people["anna"],
                code="ANNA15",
                attribution_key="ANNA15",
                status="active",
                value_type="percentage",
                value=1500,
                once_per_customer=False,
                combines_with_order=False,
                combines_with_product=False,
                combines_with_shipping=False,
                **stamps,
            )
        )

        def order(
            oid,
            customer,
            at,
            revenue,
            signals="{}",
            creator=None,
            rule="none",
            counted=True,
            taxes_included=False,
        ):
            conn.execute(
                sa.insert(t["orders"]).values(
                    shop_id=shop,
                    shopify_id=oid,
                    name=f"#{oid}",
                    created_at=at,
                    shopify_updated_at=at,
                    financial_status="paid",
                    test=not counted,
                    seeding=False,
                    counted=counted,
                    taxes_included=taxes_included,
                    currency="EUR",
                    customer_id=customer,
                    gross=_money(revenue),
                    discounts=0,
                    line_tax=0,
                    revenue=_money(revenue),
                    signals=signals,
                    creator_id=creator,
                    rule=rule,
                    contested="[]",
                    source="webhook",
                    stored_at=now,
                )
            )

        def refund(rid, oid, subtotal, tax="0", lines=True):
            conn.execute(
                sa.insert(t["refunds"]).values(
                    shop_id=shop,
                    shopify_id=rid,
                    order_shopify_id=oid,
                    created_at=now,
                    subtotal=_money(subtotal),
                    line_tax=_money(tax),
                    has_lines=lines,
                )
            )

        order(
            "1",
            "C1",
            T0,
            "100.00",
            '{"codes": ["anna15"], "ref": "anna", "referring_site": "https://www.retailmenot.com/x"}',
            people["anna"],
            "code",
        )
        order(
            "2",
            "C1",
            T0 + timedelta(days=10),
            "50.00",
            '{"codes": ["ANNA15", "SALE"]}',
            people["anna"],
            "code",
        )
        order("3", "C1", T0 + timedelta(days=111), "30.00")
        order(
            "4",
            "C2",
            T0 + timedelta(days=4),
            "110.00",
            '{"utm_content": "ben", "referring_site": "instagram.com"}',
            people["ben"],
            "link",
            taxes_included=True,
        )
        order("5", None, T0, "20.00")
        order(
            "6", "C3", T0 - timedelta(days=30), "99.00", counted=False
        )  # a test order is never a first order
        order("7", "C3", T0 + timedelta(days=1), "40.00")
        refund("r1", "2", "20.00")
        refund("r2", "4", "11.00", tax="1.00", lines=False)  # prices include tax: 10.00 returned

    upgrade(fresh_url, "head")
    with Session(engine) as session:
        rows = {o.shopify_id: o for o in session.scalars(sa.select(Order))}
        assert {k: o.returns for k, o in rows.items()} == {
            "1": 0,
            "2": D("20.00"),
            "3": 0,
            "4": D("10.00"),
            "5": 0,
            "6": 0,
            "7": 0,
        }
        assert {k for k, o in rows.items() if o.refunded_lines} == {"2"}
        day = 86_400_000_000
        # C1: 100.00, then 50.00 - 20.00 after 10 days, then 30.00 after 111 days.
        assert {
            k: (o.next_gap_us, o.ltv_30, o.ltv_90, o.ltv_180, o.ltv_365)
            for k, o in rows.items()
            if o.is_first
        } == {
            "1": (10 * day, D("130.00"), D("130.00"), D("160.00"), D("160.00")),
            "4": (None, D("100.00"), D("100.00"), D("100.00"), D("100.00")),
            "7": (None, D("40.00"), D("40.00"), D("40.00"), D("40.00")),
        }
        assert rows["5"].is_first is None and rows["6"].is_first is False
        assert {
            k: (o.signal_code, o.signal_link, o.referrer_host) for k, o in rows.items() if k in "1234"
        } == {
            "1": ("ANNA15", True, "www.retailmenot.com"),
            "2": ("ANNA15", False, ""),
            "3": ("", False, ""),
            "4": ("", True, "instagram.com"),
        }
        # The app's own refresh agrees with the migration: nothing to change.
        before = {k: (o.is_first, o.next_gap_us, o.ltv_30, o.ltv_365, o.returns) for k, o in rows.items()}
        refresh_facts(session, rows["1"].shop_id, {"C1", "C2", "C3"}, set(rows))
        session.commit()
        session.expire_all()
        after = {
            o.shopify_id: (o.is_first, o.next_gap_us, o.ltv_30, o.ltv_365, o.returns)
            for o in session.scalars(sa.select(Order))
        }
        assert after == before
    engine.dispose()
