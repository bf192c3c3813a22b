"""Transactions that keep rows and statuses in agreement (#16): on SQLite, a savepoint released inside a
transaction is undone with it, so a drain batch that fails leaves no order rows behind while its
deliveries stay `received`; and the drain writing while a webhook is stored never meets `database is
locked`. Both also run on PostgreSQL, where they held already."""

from __future__ import annotations

import threading
import time
import uuid

import factories
import pytest
from poison_support import hold_orders, inbox_rows, installed_shop, order_spec, send_again
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from shopify_roi.db import Database
from shopify_roi.jobs.orders import drain_orders
from shopify_roi.models import Order, Shop, WebhookDelivery
from shopify_roi.services.orders import read_facts, store
from shopify_roi.services.webhooks import inbox


def _deliveries_of(db: Database, domain: str) -> int:
    with db.session() as session:
        return session.scalar(
            select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.shop_domain == domain)
        )


def test_a_released_savepoint_is_undone_when_its_transaction_rolls_back(clean_db):
    """Before #16, on SQLite, the row written in the savepoint stayed: pysqlite began no transaction for
    SAVEPOINT, so the savepoint was the transaction and releasing it committed."""
    db = Database(clean_db)
    domain = f"savepoint-{uuid.uuid4().hex[:8]}.myshopify.com"
    with pytest.raises(RuntimeError), db.session() as session:
        with session.begin_nested():
            factories.webhook_delivery(session, domain)
        raise RuntimeError("the batch fails after its savepoint")
    assert _deliveries_of(db, domain) == 0
    with db.session() as session:  # and a savepoint rolled back undoes only its own writes
        factories.webhook_delivery(session, domain, webhook_id="kept")
        with pytest.raises(RuntimeError), session.begin_nested():
            factories.webhook_delivery(session, domain, webhook_id="undone")
            raise RuntimeError("one delivery fails")
    assert _deliveries_of(db, domain) == 1
    db.dispose()


def test_a_batch_the_database_fails_midway_leaves_no_order_rows_and_its_deliveries_received(
    app_server, runtime, stand_in, monkeypatch
):
    """The database fails the batch after its orders were written (here: refreshing the read facts meets
    a disk error). Before #16, on SQLite, the two orders stayed stored while the inbox said their
    deliveries were never processed."""
    berlin = installed_shop(app_server, stand_in, "Europe/Berlin")
    _, held = hold_orders(stand_in, berlin.shop, [order_spec("40.00", 1), order_spec("25.00", 2)])

    def disk_error(*_args, **_kwargs):
        raise OperationalError("UPDATE orders SET returns=…", {}, Exception("disk I/O error"))

    monkeypatch.setattr(read_facts, "refresh_for", disk_error)
    send_again(stand_in, berlin.shop, held)
    runtime.jobs.drain()  # the drain job fails; its batch is rolled back whole

    assert set(inbox_rows(runtime, berlin.shop).values()) == {("received", None, 0)}
    with runtime.db.session() as session:
        shop_id = session.scalar(select(Shop.id).where(Shop.domain == berlin.shop))
        assert session.scalar(select(func.count()).select_from(Order).where(Order.shop_id == shop_id)) == 0

    monkeypatch.undo()  # the disk is fine again: the next drain processes both
    runtime.jobs.enqueue(drain_orders)
    runtime.jobs.drain()
    assert set(inbox_rows(runtime, berlin.shop).values()) == {("processed", None, 1)}


def test_the_drain_writing_while_a_webhook_is_stored_never_meets_database_is_locked(
    app_server, runtime, stand_in, monkeypatch
):
    """The demo's `database is locked` from a drain job. Before #16, on SQLite, pysqlite began no
    transaction for the drain's SAVEPOINT: the savepoint's first read took a snapshot, a webhook stored
    meanwhile by the web process committed a newer one, and the drain's first write then failed at once
    (SQLITE_BUSY_SNAPSHOT: a busy timeout does not wait for it). Each transaction now takes the write lock
    when it begins, so the webhook waits for the drain's commit instead."""
    if runtime.db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's locking (PostgreSQL locks rows, and never fails a writer this way)")
    berlin = installed_shop(app_server, stand_in, "Europe/Berlin")
    orders, held = hold_orders(stand_in, berlin.shop, [order_spec("40.00", 1)])
    send_again(stand_in, berlin.shop, held)
    runtime.jobs.drain()
    real, outcome = store.update_rows, {}

    def webhook_stored_meanwhile(*args, **kwargs):
        """Before the drain rewrites the order, the web process stores a webhook (another connection)."""

        def receive():
            try:
                with runtime.db.autocommit() as conn:
                    inbox.receive(
                        conn,
                        shop_domain=berlin.shop,
                        webhook_id=f"meanwhile-{uuid.uuid4().hex[:8]}",
                        topic="app/scopes_update",
                        raw_body=b"{}",
                    )
                outcome["webhook"] = "stored"
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                outcome["webhook"] = repr(exc)

        writer = threading.Thread(target=receive)
        writer.start()
        writer.join(timeout=2)  # it stores at once, or waits for the drain's write lock
        outcome["writer"] = writer
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "update_rows", webhook_stored_meanwhile)
    cancelled = stand_in.control.cancel_order(berlin.shop, orders[0]["id"])  # a newer version: a rewrite
    assert cancelled
    runtime.jobs.drain()
    outcome["writer"].join()
    assert outcome["webhook"] == "stored"
    rows = inbox_rows(runtime, berlin.shop)
    assert {status for status, _, _ in rows.values()} == {"processed"}, rows
    with runtime.db.session() as session:
        shop_id = session.scalar(select(Shop.id).where(Shop.domain == berlin.shop))
        assert session.scalar(select(Order.cancelled_at).where(Order.shop_id == shop_id)) is not None


def test_a_read_session_reads_while_a_writer_holds_the_lock(clean_db):
    """On SQLite every other transaction takes the write lock when it begins (so a read-then-write never
    fails with `database is locked`); a read session must not: it reads the last committed rows at once,
    while a writer's transaction is open (in WAL a reader never waits for the writer)."""
    db = Database(clean_db)
    domain = f"reader-{uuid.uuid4().hex[:8]}.myshopify.com"
    with db.session() as session:
        factories.webhook_delivery(session, domain, webhook_id="committed")
    seen: dict = {}

    def read() -> None:
        started = time.monotonic()
        with db.read_session() as session:
            seen["count"] = session.scalar(
                select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.shop_domain == domain)
            )
        seen["seconds"] = time.monotonic() - started

    with db.session() as writer:  # open, with an uncommitted write, for as long as the reader takes
        factories.webhook_delivery(writer, domain, webhook_id="uncommitted")
        writer.flush()
        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=60)
    assert seen["count"] == 1  # the committed row only, not the writer's
    assert seen["seconds"] < 5  # it did not wait for the writer (a busy wait would last the 30 s timeout)
    db.dispose()
