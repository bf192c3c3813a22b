"""The webhook receive path under load and faults: a burst is stored once per webhook id and drained
once every answer is in; dead pooled connections (pg_terminate_backend, a PostgreSQL restart) are
replaced without an error and without a ping per request; a statement whose connection dies is
retried once."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import exc, select, text
from support import API_SECRET

from shopify_roi.jobs.orders import drain_flag
from shopify_roi.models import WebhookDelivery
from shopify_roi.services.webhooks import inbox
from shopify_roi.shopify_client.webhook_hmac import sign


def _post_order(app_url: str, shop: str, webhook_id: str, n: int = 1) -> requests.Response:
    raw = json.dumps({"id": 5000 + n, "created_at": "2026-03-04T12:00:00Z", "line_items": []}).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-Hmac-Sha256": sign(raw, API_SECRET),
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": webhook_id,
    }
    return requests.post(f"{app_url}/webhooks/orders", data=raw, headers=headers, timeout=30)


def _statuses(runtime, shop: str) -> dict[str, str]:
    with runtime.db.session() as session:
        return dict(
            session.execute(
                select(WebhookDelivery.webhook_id, WebhookDelivery.status).where(
                    WebhookDelivery.shop_domain == shop
                )
            ).all()
        )


def _on_postgres(runtime) -> bool:
    return runtime.db.engine.dialect.name == "postgresql"


def _terminate_other_backends(runtime) -> int:
    """Cut every connection of the app's pool (as a PostgreSQL restart does) and wait until they are gone."""
    with runtime.db.engine.connect() as conn:
        pids = list(
            conn.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
            ).scalars()
        )
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:pids AS int[])) AS pid"), {"pids": pids}
        )
        deadline = time.time() + 10
        while (
            time.time() < deadline
            and conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(CAST(:pids AS int[]))"),
                {"pids": pids},
            ).scalar()
        ):
            time.sleep(0.05)
        conn.rollback()
    return len(pids)


def test_a_burst_of_order_webhooks_is_stored_once_each_and_drained_once_every_answer_is_in(
    app_server, runtime, monkeypatch
):
    shop = f"burst-{uuid.uuid4().hex[:8]}.myshopify.com"
    ids = [f"burst-{n}" for n in range(48)]
    runtime.jobs.redis.delete(drain_flag(runtime))  # the flag is per queue: each test has its own
    asked = []
    real_set = runtime.jobs.redis.set
    monkeypatch.setattr(runtime.jobs.redis, "set", lambda *a, **kw: asked.append(a[0]) or real_set(*a, **kw))
    with ThreadPoolExecutor(12) as pool:  # concurrent requests: most drain requests are coalesced
        answers = list(pool.map(lambda n: _post_order(app_server.url, shop, ids[n], n), range(len(ids))))
        again = list(pool.map(lambda n: _post_order(app_server.url, shop, ids[n], n), range(0, len(ids), 4)))
    assert [(a.status_code, a.json()) for a in answers] == [(200, {"status": "queued"})] * len(ids)
    assert [(a.status_code, a.json()) for a in again] == [(200, {"status": "duplicate"})] * len(again)
    assert sorted(_statuses(runtime, shop)) == sorted(ids)  # one row per webhook id
    assert 1 <= len(asked) < len(ids)  # drain requests coalesced: not one Redis round trip per webhook
    # Every answer is in, so every drain request has been made (the last request out of the burst
    # asks before it answers): draining the queue now processes all of them.
    runtime.jobs.drain()
    statuses = _statuses(runtime, shop)
    assert "received" not in statuses.values() and set(statuses.values()) == {
        "skipped"
    }  # (the shop is not installed)


def test_dead_pooled_connections_are_replaced_without_an_error_and_without_a_ping_per_request(
    app_server, runtime, monkeypatch, caplog
):
    if not _on_postgres(runtime):
        pytest.skip("PostgreSQL only (DATABASE_URL)")
    dialect = runtime.db.engine.dialect
    pings = []
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(1) or real_ping(conn))
    shop = f"cut-{uuid.uuid4().hex[:8]}.myshopify.com"
    with ThreadPoolExecutor(4) as pool:
        assert {
            r.status_code
            for r in pool.map(lambda n: _post_order(app_server.url, shop, f"warm-{n}", n), range(40))
        } == {200}
    assert pings == []  # busy connections are not pinged: no extra round trip per webhook
    assert _terminate_other_backends(runtime) >= 1
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda n: _post_order(app_server.url, shop, f"after-{n}", n), range(40)))
    assert [a.status_code for a in answers] == [200] * 40  # none failed: the dead ones were seen on checkout
    assert len(pings) >= 1
    assert "retrying on a new connection" not in caplog.text  # seen on checkout, not by a failed statement
    runtime.jobs.drain()  # leaves no drain flag set for the next test
    assert len([w for w in _statuses(runtime, shop) if w.startswith("after-")]) == 40


def test_a_connection_that_dies_before_its_insert_is_retried_once_and_the_row_stored_once(runtime):
    if not _on_postgres(runtime):
        pytest.skip("PostgreSQL only (DATABASE_URL)")
    shop = f"retry-{uuid.uuid4().hex[:8]}.myshopify.com"
    attempts = []

    def store():
        with runtime.db.autocommit() as conn:
            if not attempts:  # killed after the checkout's check, before the statement
                with runtime.db.engine.connect() as admin:
                    admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": conn.info.backend_pid})
                time.sleep(0.3)
            attempts.append(1)
            return inbox.receive(
                conn, shop_domain=shop, webhook_id="w-1", topic="orders/create", raw_body=b"{}"
            )

    receipt = runtime.db.retrying(store)
    assert len(attempts) == 2 and receipt.delivery_id is not None and not receipt.duplicate
    assert _statuses(runtime, shop) == {"w-1": "received"}
    again = runtime.db.retrying(lambda: store())
    assert again.duplicate and len(attempts) == 3


def test_only_a_disconnect_is_retried(runtime):
    calls = []

    def failing(invalidated: bool):
        def work():
            calls.append(invalidated)
            raise exc.OperationalError("INSERT", {}, Exception("boom"), connection_invalidated=invalidated)

        return work

    with pytest.raises(exc.OperationalError):
        runtime.db.retrying(failing(False))
    assert calls == [False]
    with pytest.raises(exc.OperationalError):
        runtime.db.retrying(failing(True))  # retried once, then raised
    assert calls == [False, True, True]


def test_autocommit_connections_are_reused_and_a_pinged_pooled_one_can_become_one(runtime, monkeypatch):
    if not _on_postgres(runtime):
        pytest.skip("PostgreSQL only (DATABASE_URL)")
    from shopify_roi import db_connections
    from shopify_roi.db import Database

    database = Database(runtime.db.url)
    try:
        monkeypatch.setattr(db_connections, "PING_IDLE_SECONDS", -1.0)  # every checkout pings
        with database.session() as session:  # leaves an idle connection in the pool
            session.execute(text("SELECT 1"))
        with database.autocommit() as first:  # made from that pooled connection, pinged on checkout
            assert first.autocommit and first.info.transaction_status == first.info.transaction_status.IDLE
            receipt = inbox.receive(
                first,
                shop_domain="reuse.myshopify.com",
                webhook_id=uuid.uuid4().hex,
                topic="orders/create",
                raw_body=b"{}",
            )
        with database.autocommit() as second:
            assert second is first  # from the free list, not the pool
        with runtime.db.session() as session:  # committed on its own: another connection sees it
            assert session.get(WebhookDelivery, (receipt.delivery_id, "reuse.myshopify.com")) is not None
    finally:
        database.dispose()
