"""The webhook inbox's group commit on PostgreSQL (services/webhooks/inbox_writer.py): the deliveries of
requests arriving together are stored in one INSERT and one commit, each exactly once, each request told
whether its delivery was new or a duplicate, and a row the server refuses fails alone."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from shopify_roi.models import WebhookDelivery
from shopify_roi.services.webhooks import inbox
from shopify_roi.services.webhooks.inbox_writer import InboxWriter


@pytest.fixture
def writer(runtime):
    if runtime.db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL): SQLite writes each row in its own transaction")
    return InboxWriter(runtime.db)


def _stored(runtime, shop: str) -> dict[str, tuple[int, str]]:
    with runtime.db.session() as session:
        rows = session.execute(
            select(WebhookDelivery.webhook_id, WebhookDelivery.id, WebhookDelivery.payload).where(
                WebhookDelivery.shop_domain == shop
            )
        ).all()
    return {webhook_id: (row_id, payload) for webhook_id, row_id, payload in rows}


def _held_first_write(writer: InboxWriter) -> tuple[list[int], threading.Event]:
    """Make the writer's first batch wait until released, so that the next requests queue behind it;
    the sizes of the batches written are recorded."""
    write, sizes, release = writer._write, [], threading.Event()

    def held(rows):
        sizes.append(len(rows))
        if len(sizes) == 1:
            assert release.wait(10)
        return write(rows)

    writer._group._write = held
    return sizes, release


def _delivery(shop: str, webhook_id: str, body: str = '{"id": 1}') -> dict:
    return dict(shop_domain=shop, webhook_id=webhook_id, topic="orders/create", raw_body=body.encode())


def test_deliveries_arriving_together_are_stored_once_each_in_one_statement(runtime, writer):
    shop = f"group-{uuid.uuid4().hex[:8]}.myshopify.com"
    earlier = writer.receive(
        **_delivery(shop, "w-old", '{"id": 0}')
    )  # stored before: its repeat is a duplicate
    sizes, release = _held_first_write(writer)
    later = [
        _delivery(shop, "w-2", '{"id": 2}'),
        _delivery(shop, "w-old", '{"id": 99}'),  # Shopify's retry of a delivery already stored
        _delivery(shop, "w-3", '{"id": 3}'),
        _delivery(shop, "w-2", '{"id": 2}'),  # the same delivery twice in one batch
        _delivery(f"other-{shop}", "w-2", '{"id": 7}'),  # another shop's delivery with the same id
    ]
    with ThreadPoolExecutor(max_workers=len(later) + 1) as pool:
        first = pool.submit(writer.receive, **_delivery(shop, "w-1", '{"id": 1}'))
        deadline = time.monotonic() + 10
        while not sizes:
            assert time.monotonic() < deadline
            time.sleep(0.001)
        futures = []
        for fields in later:  # one at a time, so the batch keeps their order
            futures.append(pool.submit(writer.receive, **fields))
            while writer._group.waiting() < len(futures):
                assert time.monotonic() < deadline
                time.sleep(0.001)
        release.set()
        receipts = [first.result(10)] + [f.result(10) for f in futures]

    assert sizes == [1, 5]  # the five that waited went in one INSERT
    assert [r.duplicate for r in receipts] == [False, False, True, False, True, False]
    stored = _stored(runtime, shop)
    assert set(stored) == {"w-old", "w-1", "w-2", "w-3"}
    assert stored["w-old"] == (earlier.delivery_id, '{"id": 0}')  # the repeat changed nothing
    assert receipts[0].delivery_id == stored["w-1"][0]
    assert receipts[1].delivery_id == stored["w-2"][0]
    assert receipts[3].delivery_id == stored["w-3"][0]
    other = _stored(runtime, f"other-{shop}")
    assert other == {"w-2": (receipts[5].delivery_id, '{"id": 7}')}


def test_a_row_the_server_refuses_fails_alone_and_the_rest_of_its_batch_is_stored(runtime, writer):
    shop = f"refused-{uuid.uuid4().hex[:8]}.myshopify.com"
    sizes, release = _held_first_write(writer)
    bad = _delivery("x" * 300 + ".myshopify.com", "w-bad")  # longer than the column: PostgreSQL refuses it

    def receive(fields):
        try:
            return writer.receive(**fields)
        except Exception as error:  # noqa: BLE001 - which request raised is what is tested
            return error

    with ThreadPoolExecutor(max_workers=4) as pool:
        first = pool.submit(receive, _delivery(shop, "w-1"))
        deadline = time.monotonic() + 10
        while not sizes:
            assert time.monotonic() < deadline
            time.sleep(0.001)
        futures = [pool.submit(receive, f) for f in (_delivery(shop, "w-2"), bad, _delivery(shop, "w-3"))]
        while writer._group.waiting() < 3:
            assert time.monotonic() < deadline
            time.sleep(0.001)
        release.set()
        outcomes = [first.result(10)] + [f.result(10) for f in futures]

    assert isinstance(outcomes[2], Exception) and "too long" in str(outcomes[2])
    assert all(isinstance(o, inbox.Receipt) and not o.duplicate for i, o in enumerate(outcomes) if i != 2)
    assert set(_stored(runtime, shop)) == {"w-1", "w-2", "w-3"}
    assert sizes[:2] == [1, 3]  # the batch of three failed, then its rows were written one by one
