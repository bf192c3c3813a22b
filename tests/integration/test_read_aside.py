"""The ROI table reads its code-leak warnings on a second connection beside the creators' sums where that
connection reads what the request's would (PostgreSQL, no rollup row written by the request): the table
is the same, to the last figure and warning, as when it reads them in turn (read_aside.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from support import Merchant, install

from shopify_roi.models import DirtyDay, Shop
from shopify_roi.services.metrics import read_aside, rollups, table

CODE = {"code": "MAYA20", "type": "percentage", "value": "20.0"}
ITEM = [{"title": "Trail shoe", "price": "80.00", "quantity": 1}]


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _leaky_june(merchant, stand_in, shop_domain, runtime) -> None:
    """Maya: 4 orders through her link in June, then 12 with her code from coupon sites (a high warning);
    Ben: 2 orders through his link (no warning: too few)."""
    merchant.create_creator("maya", "MAYA20", "20")
    merchant.create_creator("ben", "BEN10", "10")
    june = [  # (days of June, first customer id, what the orders carry)
        (range(1, 5), 5001, {"discount_code": CODE, "landing_site": "/?ref=maya&utm_content=maya"}),
        (
            range(10, 22),
            6000,
            {"discount_code": CODE, "referring_site": "https://www.retailmenot.com/view/shop"},
        ),
        (range(20, 22), 7000, {"landing_site": "/?ref=ben"}),
    ]
    for days, first_customer, fields in june:
        for n, day in enumerate(days):
            stand_in.control.create_order(
                shop_domain,
                created_at=f"2026-06-{day:02d}T12:00:00+00:00",
                customer_id=first_customer + n,
                line_items=ITEM,
                **fields,
            )
    runtime.jobs.drain()


def test_the_table_read_beside_equals_the_table_read_in_turn(
    merchant, runtime, stand_in, shop_domain, monkeypatch
):
    _leaky_june(merchant, stand_in, shop_domain, runtime)
    june = (date(2026, 6, 1), date(2026, 6, 30), date(2026, 6, 30))
    postgres = runtime.db.engine.dialect.name == "postgresql"

    with runtime.db.session() as session:  # a day is dirty (a late refund, say): this read writes it...
        shop = session.scalar(select(Shop).where(Shop.domain == shop_domain))
        session.merge(DirtyDay(shop_id=shop.id, day=date(2026, 6, 12), version=99))
        session.flush()
        rollups.refresh(session, shop)
        # ...so nothing reads beside it: another connection would not see the uncommitted rows
        assert read_aside.start(session, lambda s: 1) is None
        first = table.compute(session, shop, *june)

    with runtime.db.session() as session:  # the rollup is current: nothing written by this request
        shop = session.scalar(select(Shop).where(Shop.domain == shop_domain))
        assert rollups.refresh(session, shop) == []
        aside = read_aside.start(session, lambda s: s.scalar(select(Shop.domain).where(Shop.id == shop.id)))
        if postgres:  # a second connection, in its own thread
            assert aside is not None and aside.result() == shop_domain
        else:  # SQLite reads in turn
            assert aside is None
        beside = table.compute(session, shop, *june)
        monkeypatch.setattr(read_aside, "start", lambda session, work: None)
        in_turn = table.compute(session, shop, *june)

    assert beside == in_turn == first
    maya = next(r for r in beside["creators"] if r["handle"] == "maya")
    ben = next(r for r in beside["creators"] if r["handle"] == "ben")
    # 12 of Maya's 16 code orders came from a coupon site (75 %, over the 40 % of a high warning)
    assert maya["leak_warning"]["level"] == "high" and maya["leak_warning"]["code_orders"] == 16
    assert ben["leak_warning"] is None and ben["orders"] == 2
