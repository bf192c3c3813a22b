"""A day's rollup is recomputed without making its writers wait (rollups.py, "Concurrency"): an order
stored while the day is being recomputed is committed at once, its day stays marked, and the next
refresh counts it. Two recomputations of one day take turns, and the second finds nothing left to do.

PostgreSQL only: these are its row and advisory locks. SQLite runs one writing transaction at a time, so
there a writer always waits for a refreshing read (the zero-set-up default serves one small shop)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import factories
import pytest
from sqlalchemy import func, select, text

from shopify_roi.models import DirtyDay, OrderDay, Shop
from shopify_roi.services.metrics import rollup_days, rollups

DAY = date(2026, 6, 3)
NOON = datetime(2026, 6, 3, 12, tzinfo=UTC)


@pytest.fixture
def postgres(runtime):
    if runtime.db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's row and advisory locks (DATABASE_URL=postgresql://…; CI's second pass)")
    return runtime


@pytest.fixture
def shop_with_two_orders(postgres):
    """A UTC shop whose rollup is built, with two orders of 100.00 on 3 June; the day marked dirty."""
    with postgres.db.session() as session:
        shop = factories.shop(session)
        rollups.refresh(session, shop)  # builds the rollup (its time zone noted)
        factories.orders(session, shop, 2, at=NOON)
        rollups.mark(session, shop.id, [DAY])
        session.commit()
        return shop.id


class PausedRecompute:
    """rollup_days.recompute that, on its first call, computes the day and then waits for `release`."""

    def __init__(self, monkeypatch):
        self.real, self.calls = rollup_days.recompute, 0
        self.inside, self.release = threading.Event(), threading.Event()
        monkeypatch.setattr(rollup_days, "recompute", self)

    def __call__(self, session, shop_id, tz, day):
        self.calls += 1
        self.real(session, shop_id, tz, day)
        if self.calls == 1:
            self.inside.set()
            assert self.release.wait(60), "the test never released the recomputation"


def _refresh_in_thread(runtime, shop_id: int, errors: list) -> threading.Thread:
    def run():
        try:
            with runtime.db.session() as session:
                rollups.refresh(session, session.get(Shop, shop_id))
                session.commit()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _day(runtime, shop_id: int) -> tuple[int, Decimal, bool]:
    """(orders, revenue) of the day's rollup, and whether the day is still marked dirty. The rollup keeps
    money in Money's raw units (money.py: the amount x 10,000)."""
    with runtime.db.session() as session:
        orders, revenue = session.execute(
            select(
                func.coalesce(func.sum(OrderDay.orders), 0), func.coalesce(func.sum(OrderDay.revenue), 0)
            ).where(OrderDay.shop_id == shop_id, OrderDay.day == DAY)
        ).one()
        version = session.scalar(
            select(DirtyDay.version).where(DirtyDay.shop_id == shop_id, DirtyDay.day == DAY)
        )
    return int(orders), Decimal(revenue) / 10_000, version is not None


def test_an_order_stored_while_its_day_is_recomputed_never_waits_and_is_counted_next(
    postgres, shop_with_two_orders, monkeypatch
):
    shop_id, paused, errors = shop_with_two_orders, PausedRecompute(monkeypatch), []
    reader = _refresh_in_thread(postgres, shop_id, errors)
    assert paused.inside.wait(60)  # the read has summed 3 June's two orders and has not committed

    with postgres.db.session() as session:  # a webhook's order of 100.00 on the same day, and its mark
        session.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting for the read fails the test
        factories.orders(session, session.get(Shop, shop_id), 1, at=NOON)
        rollups.mark(session, shop_id, [DAY])
        session.commit()

    paused.release.set()
    reader.join(60)
    assert errors == []
    # The read wrote what it summed (2 orders, 200.00) and left the mark: the writer marked it again.
    assert _day(postgres, shop_id) == (2, Decimal("200.00"), True)

    with postgres.db.session() as session:  # the next refresh (a read, or the worker's pass)
        rollups.refresh(session, session.get(Shop, shop_id))
        session.commit()
    assert _day(postgres, shop_id) == (3, Decimal("300.00"), False)  # 3 orders of 100.00, nothing left dirty


def test_two_recomputations_of_a_day_take_turns_and_the_second_finds_it_done(
    postgres, shop_with_two_orders, monkeypatch
):
    shop_id, paused, errors = shop_with_two_orders, PausedRecompute(monkeypatch), []
    first = _refresh_in_thread(postgres, shop_id, errors)
    assert paused.inside.wait(60)
    second = _refresh_in_thread(postgres, shop_id, errors)
    with postgres.db.session() as session:  # the second waits for the first's turn on 3 June
        waiting = 0
        for _ in range(600):
            waiting = session.scalar(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            )
            if waiting:
                break
            threading.Event().wait(0.05)
    paused.release.set()
    first.join(60)
    second.join(60)
    assert (waiting, errors) == (1, [])
    assert paused.calls == 1  # the second found the mark gone: nothing recomputed twice
    assert _day(postgres, shop_id) == (2, Decimal("200.00"), False)
