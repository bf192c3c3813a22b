"""A large history import read by two processes at once (services/orders/backfill_shares.py): on
PostgreSQL the file is cut in slices, and the job's process and a forked child each take the next slice
left. The merchant must not see the difference: every order, return and code counted once, and every
customer's first order and cohort facts (LTV, the gap to the next order) what one process would have
written, for the repeat customers whose orders fall in slices of both processes too."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factories
import pytest
from sqlalchemy import select
from support import Merchant, app_totals_by_code, install

from shopify_roi.models import Order, Shop
from shopify_roi.services.orders import backfill, backfill_shares, read_facts, store
from shopify_roi.services.orders.facts import OrderFacts

ORDERS = 400
FACTS = ("is_first", "next_gap_us", "ltv_30", "ltv_90", "ltv_180", "ltv_365", "returns")


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def _until_done(runtime, merchant, kind: str) -> dict:
    deadline = time.time() + 600
    while time.time() < deadline:
        runtime.jobs.drain()
        runs = merchant.get("/api/freshness").json()["backfills"]
        if runs and runs[0]["kind"] == kind and runs[0]["status"] in ("done", "failed"):
            return runs[0]
        time.sleep(0.2)
    raise AssertionError(f"the {kind} import did not finish: {merchant.get('/api/freshness').json()}")


def _facts(runtime, shop_id: int) -> dict[str, tuple]:
    with runtime.db.session() as session:
        rows = session.execute(
            select(Order.shopify_id, *(getattr(Order, name) for name in FACTS)).where(
                Order.shop_id == shop_id
            )
        ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_two_processes_import_what_one_process_would(
    merchant, runtime, stand_in, shop_domain, monkeypatch, tmp_path
):
    _until_done(runtime, merchant, "install")  # the install's import of an empty shop
    day = (date.today() - timedelta(days=50)).isoformat()
    generated = stand_in.control.generate(  # no webhooks: the import brings every order
        shop_domain,
        seed=23,
        orders=ORDERS,
        start=day,
        days=45,
        deliver=False,
        creators=[
            {"handle": "anna", "code": "ANNA15", "percent": "15", "weight": 3, "return_rate": 0.3},
            {"handle": "ben", "code": "BEN10", "percent": "10", "weight": 2, "repeat_rate": 0.6},
        ],
    )
    assert generated["orders"] == ORDERS
    # A small file is shared too, in slices of 40 orders written in batches of 20.
    monkeypatch.setattr(backfill_shares, "PARALLEL_FROM", 100)
    monkeypatch.setattr(backfill_shares, "SLICE_ORDERS", 40)
    monkeypatch.setattr(backfill, "BATCH", 20)
    slices = tmp_path / "slices.txt"
    ingest_share, parent = backfill._ingest_share, os.getpid()

    def noted_share(*args, **kwargs):
        ingest_share(*args, **kwargs)
        with slices.open("a") as out:  # each process notes each slice it wrote
            out.write(f"{os.getpid()} {os.nice(0)}\n")  # and its CPU priority
        time.sleep(0.1)  # however slowly one child starts on a loaded machine, slices are left for it

    monkeypatch.setattr(backfill, "_ingest_share", noted_share)

    assert merchant.post("/api/backfill", {}).status_code == 202
    run = _until_done(runtime, merchant, "manual")

    assert (run["status"], run["orders_seen"], run["orders_repaired"], run["error"]) == (
        "done",
        ORDERS,
        ORDERS,
        None,
    )
    noted = [line.split() for line in slices.read_text().splitlines()]
    writers = [pid for pid, _ in noted]
    if runtime.db.engine.dialect.name == "postgresql":  # 400 orders: 10 slices, each written once
        # by the two children (IMPORT_PROCESSES=2) at a lower priority; the job's own process writes none
        assert len(writers) == ORDERS // 40 and len(set(writers)) == 2 and str(parent) not in writers
        assert {int(niceness) for _, niceness in noted} == {os.nice(0) + backfill_shares.CHILD_NICENESS}
    else:  # SQLite: one writer at a time, so one process and the whole file as one slice
        assert writers == [str(parent)]
    expected = stand_in.control.totals(shop_domain)["by_code"]
    assert app_totals_by_code(runtime.db, shop_domain) == {
        k: {"orders": v["orders"], "revenue": Decimal(v["revenue"]), "returns": Decimal(v["returns"])}
        for k, v in expected.items()
    }
    # The read facts the two processes wrote equal those one process recomputes from the stored orders.
    with runtime.db.session() as session:
        shop_id = session.scalar(select(Shop.id).where(Shop.domain == shop_domain))
    written = _facts(runtime, shop_id)
    with runtime.db.session() as session:
        customers = set(session.scalars(select(Order.customer_id).where(Order.shop_id == shop_id)))
        read_facts.refresh_facts(session, shop_id, {c for c in customers if c}, set(written))
    assert _facts(runtime, shop_id) == written
    firsts = sum(1 for facts in written.values() if facts[0])
    repeaters = len(written) - firsts
    print(
        f"\nshares: {len(writers)} writers, {len(written)} orders, {firsts} first orders, {repeaters} others"
    )
    assert firsts > 0 and repeaters > 0  # repeat customers were there to get wrong


def _write(runtime, shop_id: int, facts: OrderFacts, written: threading.Event, go_on: threading.Event):
    with runtime.db.session() as session:
        store.apply_batch(session, shop_id, [facts], source="backfill")
        read_facts.refresh_for(session, shop_id, [facts])
        written.set()
        assert go_on.wait(30)


def test_two_writers_of_one_new_customer_wait_for_each_other(runtime):
    """Two transactions each insert an order of the same new customer (two shares, or two workers): the
    second waits for the first to commit, then reads both, so the customer has one first order whose
    cohort facts count both orders. Without the customer's lock neither sees the other's order and both
    orders are marked first, each with its own revenue only."""
    if runtime.db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's concurrent writers (SQLite has one writer at a time)")
    with runtime.db.session() as session:
        shop_id = factories.shop(session).id
    day1 = datetime(2026, 11, 2, 12, tzinfo=UTC)
    day5 = day1 + timedelta(days=4)
    events = [threading.Event() for _ in range(4)]
    first = threading.Thread(
        target=_write,
        args=(runtime, shop_id, factories.order_facts("9001", "c-7", day1, "10.00"), events[0], events[1]),
    )
    second = threading.Thread(
        target=_write,
        args=(runtime, shop_id, factories.order_facts("9002", "c-7", day5, "20.00"), events[2], events[3]),
    )
    first.start()
    assert events[0].wait(30)  # the first transaction wrote its order and its facts, not committed yet
    second.start()
    events[3].set()  # the second may commit as soon as it has written
    assert not events[2].wait(1.5), "the second writer did not wait for the first"
    events[1].set()  # the first commits
    first.join(30)
    second.join(30)
    assert events[2].is_set()
    facts = _facts(runtime, shop_id)
    # The first order (day 1): first, the next order 4 days later, LTV 10.00 + 20.00 within every window.
    four_days_us = 4 * 24 * 3600 * 1_000_000
    thirty = Decimal("30.00")
    assert facts["9001"][:6] == (True, four_days_us, thirty, thirty, thirty, thirty)
    assert facts["9002"][:6] == (False, None, None, None, None, None)
