"""Poison deliveries (#16): one order the app cannot use, or one whose processing raises, fails alone with
its reason; every other delivery, of its shop and of any other, is processed, and the figures are right.

The drain takes the oldest deliveries first, so each poison here is delivered before the healthy ones."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from poison_support import (
    finish_backfills,
    hold_orders,
    inbox_rows,
    installed_shop,
    march_totals,
    order_spec,
    send_again,
    send_with_dates,
)
from sqlalchemy import func, select, update

from shopify_roi.db import utcnow
from shopify_roi.jobs import orders as order_jobs
from shopify_roi.jobs.schedules import sweep_inbox
from shopify_roi.models import Order, Shop, WebhookDelivery
from shopify_roi.services.orders import ingest, read_facts
from shopify_roi.services.orders.facts import OrderFacts
from shopify_roi.services.webhooks import retries


def _order_ids(runtime, shop: str) -> set[str]:
    with runtime.db.session() as session:
        shop_id = session.scalar(select(Shop.id).where(Shop.domain == shop))
        return set(session.scalars(select(Order.shopify_id).where(Order.shop_id == shop_id)))


def _time_passes(runtime, shop: str) -> None:
    """Every retry of the shop's deliveries is due now (as it is once its wait is over), and the sweeper
    runs, as it does every few seconds."""
    with runtime.db.session() as session:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.shop_domain == shop, WebhookDelivery.retry_at.is_not(None))
            .values(retry_at=utcnow() - timedelta(seconds=1), received_at=utcnow() - timedelta(hours=1))
        )
    sweep_inbox(runtime, older_than=timedelta(seconds=30))
    runtime.jobs.drain()


def test_a_year_1_and_a_year_9999_order_fail_alone_with_their_reason_and_every_healthy_one_counts(
    app_server, runtime, stand_in
):
    """Before #16 the year-9999 order (its local day is in year 10000 in Berlin) and the year-1 order (year 0
    in New York) raised OverflowError in the rollups: every drain batch failed, both shops' included."""
    berlin = installed_shop(app_server, stand_in, "Europe/Berlin")
    new_york = installed_shop(app_server, stand_in, "America/New_York")
    _, berlin_held = hold_orders(stand_in, berlin.shop, [order_spec("40.00", 1), order_spec("25.00", 2)])
    _, new_york_held = hold_orders(stand_in, new_york.shop, [order_spec("30.00", 3)])
    send_with_dates(stand_in, berlin.shop, berlin_held[0], 9_000_001, "9999-12-31T23:30:00Z", "poison-9999")
    send_with_dates(stand_in, new_york.shop, new_york_held[0], 9_000_002, "0001-01-01T02:00:00Z", "poison-1")
    send_again(stand_in, berlin.shop, berlin_held)
    send_again(stand_in, new_york.shop, new_york_held)
    runtime.jobs.drain()

    for shop, poison, healthy in (
        (berlin.shop, "poison-9999", berlin_held),
        (new_york.shop, "poison-1", new_york_held),
    ):
        rows = inbox_rows(runtime, shop)
        status, error, _ = rows.pop(poison)
        assert status == "failed"
        assert "`created_at`" in error and "2000-01-01" in error, error
        assert rows == {d["webhook_id"]: ("processed", None, 1) for d in healthy}
    assert "9000001" not in _order_ids(runtime, berlin.shop)
    assert "9000002" not in _order_ids(runtime, new_york.shop)
    # Berlin: 40.00 + 25.00 = 65.00 in 2 orders; New York: 30.00 in 1.
    assert march_totals(berlin) == (2, Decimal("65.00"))
    assert march_totals(new_york) == (1, Decimal("30.00"))


def _raise_for(order_id: str, monkeypatch) -> list[str]:
    """Make refreshing the read facts raise for this order, after its rows were written (an unexpected bug
    half-way through a delivery); returns the log of the ids it raised for."""
    real, raised = read_facts.refresh_for, []

    def refresh_for(session, shop_id, applied):
        applied = list(applied)
        if any(isinstance(f, OrderFacts) and f.shopify_id == order_id for f in applied):
            raised.append(order_id)
            raise RuntimeError(f"unexpected trouble with order {order_id}")
        return real(session, shop_id, applied)

    monkeypatch.setattr(read_facts, "refresh_for", refresh_for)
    return raised


def test_an_unexpected_error_in_one_delivery_is_retried_alone_then_quarantined_and_nothing_of_it_stored(
    app_server, runtime, stand_in, monkeypatch
):
    """Before #16 the RuntimeError failed the whole batch: no delivery was processed, and on SQLite the
    batch's order rows stayed behind (the released savepoint had committed them)."""
    berlin = installed_shop(app_server, stand_in, "Europe/Berlin")
    orders, held = hold_orders(
        stand_in, berlin.shop, [order_spec("10.00", 1), order_spec("40.00", 2), order_spec("25.00", 3)]
    )
    poison = str(orders[0]["id"])
    raised = _raise_for(poison, monkeypatch)
    # Its retries wait an hour here, however slow the test: `_time_passes` makes them due.
    monkeypatch.setattr(retries, "RETRY_AFTER", (timedelta(hours=1), timedelta(hours=1)))
    send_again(stand_in, berlin.shop, held)
    runtime.jobs.drain()

    rows = inbox_rows(runtime, berlin.shop)
    status, error, attempts = rows.pop(held[0]["webhook_id"])
    assert (status, attempts) == ("received", 1)  # waits for its retry
    assert "RuntimeError: unexpected trouble with order" in error and "attempt 1 of 3" in error, error
    assert set(rows.values()) == {("processed", None, 1)}
    assert _order_ids(runtime, berlin.shop) == {str(o["id"]) for o in orders[1:]}

    # A later delivery goes ahead while the poison waits for its retry.
    later_orders, later = hold_orders(stand_in, berlin.shop, [order_spec("5.00", 4)])
    send_again(stand_in, berlin.shop, later)
    runtime.jobs.drain()
    assert inbox_rows(runtime, berlin.shop)[later[0]["webhook_id"]] == ("processed", None, 1)
    assert inbox_rows(runtime, berlin.shop)[held[0]["webhook_id"]][2] == 1  # not tried again yet

    _time_passes(runtime, berlin.shop)
    assert inbox_rows(runtime, berlin.shop)[held[0]["webhook_id"]][:1] == ("received",)
    _time_passes(runtime, berlin.shop)
    status, error, attempts = inbox_rows(runtime, berlin.shop)[held[0]["webhook_id"]]
    assert (status, attempts) == ("quarantined", 3)
    assert error.startswith("quarantined after 3 attempts: ") and "RuntimeError" in error, error
    assert raised == [poison] * 4  # the batch, then alone three times
    _time_passes(runtime, berlin.shop)  # a quarantined delivery is not tried again
    assert raised == [poison] * 4
    assert poison not in _order_ids(runtime, berlin.shop)

    # The Store connection tab lists it with its reason; the figures hold the three healthy orders.
    fresh = berlin.get("/api/freshness").json()
    listed = [w for w in fresh["failed_webhooks"] if w["webhook_id"] == held[0]["webhook_id"]]
    assert len(listed) == 1 and listed[0]["status"] == "quarantined" and listed[0]["error"] == error
    # 40.00 + 25.00 + 5.00 = 70.00 in 3 orders.
    assert march_totals(berlin) == (3, Decimal("70.00"))
    assert later_orders


def test_a_poison_delivery_first_in_line_never_holds_back_the_ones_after_it(
    app_server, runtime, stand_in, monkeypatch
):
    """Batches of one: before #16 the first batch (the poison alone) failed and the drain stopped; every
    drain after it took the same oldest delivery first and failed again."""
    berlin = installed_shop(app_server, stand_in, "Europe/Berlin")
    orders, held = hold_orders(
        stand_in, berlin.shop, [order_spec("10.00", 1), order_spec("40.00", 2), order_spec("25.00", 3)]
    )
    _raise_for(str(orders[0]["id"]), monkeypatch)
    send_again(stand_in, berlin.shop, held)
    runtime.jobs.queue.empty()  # the drain the webhooks asked for is run here, one delivery a batch
    result = order_jobs.drain_orders(1)
    assert result.get("inserted") == 2
    rows = inbox_rows(runtime, berlin.shop)
    assert rows.pop(held[0]["webhook_id"])[::2] == ("received", 1)
    assert set(rows.values()) == {("processed", None, 1)}
    assert march_totals(berlin) == (2, Decimal("65.00"))


def test_a_shop_whose_deliveries_break_the_batch_never_stops_another_shops(
    app_server, runtime, stand_in, monkeypatch
):
    """An error outside any one order (here the shop's attribution rules cannot be read) fails that shop's
    deliveries, each alone; the other shop's, in the same batch, are processed. Before #16 the batch failed
    for both."""
    broken = installed_shop(app_server, stand_in, "Europe/Berlin")
    healthy = installed_shop(app_server, stand_in, "America/New_York")
    _, broken_held = hold_orders(stand_in, broken.shop, [order_spec("10.00", 1)])
    _, healthy_held = hold_orders(stand_in, healthy.shop, [order_spec("30.00", 2), order_spec("12.50", 3)])
    with runtime.db.session() as session:
        broken_id = session.scalar(select(Shop.id).where(Shop.domain == broken.shop))
    real = ingest.Attributor

    def attributor(session, shop_id):
        if shop_id == broken_id:
            raise ValueError("the stored attribution policy is not valid JSON")
        return real(session, shop_id)

    monkeypatch.setattr(ingest, "Attributor", attributor)
    send_again(stand_in, broken.shop, broken_held)
    send_again(stand_in, healthy.shop, healthy_held)
    runtime.jobs.drain()

    status, error, attempts = inbox_rows(runtime, broken.shop)[broken_held[0]["webhook_id"]]
    assert (status, attempts) == ("received", 1) and "not valid JSON" in error
    assert set(inbox_rows(runtime, healthy.shop).values()) == {("processed", None, 1)}
    # 30.00 + 12.50 = 42.50 in 2 orders.
    assert march_totals(healthy) == (2, Decimal("42.50"))


def test_an_error_in_a_step_the_batch_shares_sends_it_one_delivery_at_a_time(
    app_server, runtime, stand_in, monkeypatch
):
    """A step no single delivery's isolation covers (here decoding the bodies, which the batch does for all
    its deliveries at once) raises for one body: the drain takes the batch one delivery at a time, each in
    a transaction of its own, so only that one fails (a failed attempt). Before #16 the batch failed."""
    berlin = installed_shop(app_server, stand_in, "Europe/Berlin")
    orders, held = hold_orders(
        stand_in, berlin.shop, [order_spec("10.00", 1), order_spec("40.00", 2), order_spec("25.00", 3)]
    )
    poison = f'"id":{orders[0]["id"]},'
    real = ingest.parse_payload

    def parse_payload(text):
        if poison in (text or "").replace(" ", ""):
            raise MemoryError("the body could not be decoded")
        return real(text)

    monkeypatch.setattr(ingest, "parse_payload", parse_payload)
    send_again(stand_in, berlin.shop, held)
    runtime.jobs.drain()

    rows = inbox_rows(runtime, berlin.shop)
    status, error, attempts = rows.pop(held[0]["webhook_id"])
    assert (status, attempts) == ("received", 1) and "MemoryError: the body could not be decoded" in error
    assert set(rows.values()) == {("processed", None, 1)}
    assert march_totals(berlin) == (2, Decimal("65.00"))  # 40.00 + 25.00


@pytest.mark.parametrize("batch", [1, 500])
def test_healthy_deliveries_of_many_shops_are_all_processed_whatever_the_batch(
    app_server, runtime, stand_in, batch
):
    """The isolation costs nothing to healthy deliveries: all processed once, none retried."""
    shops = [installed_shop(app_server, stand_in, tz) for tz in ("Europe/Berlin", "Asia/Tokyo")]
    held = {
        m.shop: hold_orders(stand_in, m.shop, [order_spec("20.00", 1), order_spec("7.25", 2)])[1]
        for m in shops
    }
    for m in shops:
        send_again(stand_in, m.shop, held[m.shop])
    runtime.jobs.queue.empty()
    assert order_jobs.drain_orders(batch) == {"inserted": 4}
    with runtime.db.session() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.retry_at.is_not(None))
            )
            == 0
        )
    for m in shops:
        # 20.00 + 7.25 = 27.25 in 2 orders.
        assert march_totals(m) == (2, Decimal("27.25"))


def test_a_reconciliation_whose_result_holds_a_year_9999_order_stores_every_other_one(
    app_server, runtime, stand_in
):
    """The bulk result goes through the same parser core as webhooks: the year-9999 order is refused
    with its reason and the run goes on. Before #16 the whole reconciliation failed (OverflowError in the
    new customer's cohort facts) and stayed `ingesting`, every night again."""
    utc = installed_shop(app_server, stand_in, "UTC")
    finish_backfills(runtime, utc)  # the install's backfill of an empty shop
    stand_in.control.faults(utc.shop, webhooks={"drop": 1.0, "seed": 2})  # only the reconciliation tells
    day = (date.today() - timedelta(days=3)).isoformat()
    for price, customer in (("10.00", 1), ("20.00", 2)):
        stand_in.control.create_order(utc.shop, **order_spec(price, customer, f"{day}T12:00:00Z"))
    bad = stand_in.control.create_order(utc.shop, **order_spec("99.00", 3, "9999-12-31T12:00:00Z"))
    stand_in.control.reset_faults(utc.shop)

    assert utc.post("/api/backfill", {}).status_code == 202
    run = finish_backfills(runtime, utc)[0]
    assert (run["status"], run["orders_seen"], run["orders_repaired"]) == ("done", 3, 2)
    bad_id = str(bad.get("order", bad)["id"])
    assert run["error"].startswith("1 orders refused and skipped: ") and bad_id in run["error"], run
    assert "`createdAt` (9999-12-31)" in run["error"], run
    assert bad_id not in _order_ids(runtime, utc.shop) and len(_order_ids(runtime, utc.shop)) == 2
