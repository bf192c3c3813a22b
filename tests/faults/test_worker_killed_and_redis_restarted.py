"""A worker SIGKILLed mid-batch and Redis restarted after webhooks were acknowledged:
afterwards nothing is missing and nothing is counted twice.

The test runs its own redis-server (it restarts it), a real `shopify-roi worker` process, and
the app and stand-in over HTTP; on PostgreSQL when DATABASE_URL names it (CI), else SQLite.
"""

from __future__ import annotations

import signal
import subprocess
import time
from decimal import Decimal

import factories
import pytest
from faults_support import REDIS, WORKER, free_port, start_redis, worker_env
from sqlalchemy import func, select
from support import LiveServer, Merchant, install

from shopify_roi.models import Order, Refund

pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed here")
ORDERS = 600


def _stored(runtime, shop_domain) -> tuple[int, Decimal, Decimal]:
    # A read session: on SQLite it reads without waiting for the worker's write lock (which the worker
    # takes again as soon as it commits a batch), so the loop below sees the first batch and kills mid-work.
    with runtime.db.read_session() as session:
        shop_id = factories.shop_named(session, shop_domain).id
        count, revenue = session.execute(
            select(func.count(), func.coalesce(func.sum(Order.revenue), 0)).where(Order.shop_id == shop_id)
        ).one()
        returns = session.scalar(
            select(func.coalesce(func.sum(Refund.subtotal), 0)).where(Refund.shop_id == shop_id)
        )
    return count, Decimal(revenue), Decimal(returns)


def test_worker_killed_mid_batch_and_redis_restarted_lose_and_double_nothing(
    settings, stand_in, shop_domain, tmp_path
):
    from shopify_roi.app import create_app

    redis_port = free_port()
    redis_proc = start_redis(redis_port)
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    server = LiveServer()
    settings = settings.with_(
        app_url=server.url,
        redis_url=redis_url,
        run_inprocess_worker=False,
        sweep_interval=0.5,
        inbox_stale_after=1.0,
    )
    server.app = create_app(settings, start_worker=False)
    runtime = server.app.extensions["shopify_roi"]
    stand_in.set_app_url(server.url)
    worker = None
    try:
        install(server.url, shop_domain)
        Merchant(server.url, stand_in, shop_domain).create_creator("anna", "ANNA15")
        runtime.jobs.queue.empty()
        # Webhooks acknowledged by the app (inbox rows + a drain job in Redis), no worker yet.
        expected_revenue, expected_returns = Decimal(0), Decimal(0)
        for i in range(ORDERS):
            price = Decimal(10 + i % 7) + Decimal("0.99")
            spec = {
                "created_at": f"2026-03-{1 + i % 28:02d}T12:00:00-05:00",
                "customer_id": 5000 + i % 150,
                "line_items": [{"title": "t", "price": str(price), "quantity": 1 + i % 2}],
            }
            if i % 3 == 0:
                spec["discount_code"] = {"code": "ANNA15", "type": "percentage", "value": "15.0"}
            order = stand_in.control.create_order(shop_domain, **spec)
            expected_revenue += Decimal(order["subtotal_price"])
            if i % 10 == 0:
                refund = stand_in.control.refund_order(
                    shop_domain,
                    order["id"],
                    line_items=[{"line_item_id": order["line_items"][0]["id"], "quantity": 1}],
                )
                expected_returns += sum(
                    Decimal(line["subtotal_set"]["shop_money"]["amount"])
                    for line in refund["refund"]["refund_line_items"]
                )
        assert runtime.jobs.depth() >= 1

        env = worker_env(settings, inbox_stale_seconds="1", orders_batch="400")
        worker = subprocess.Popen(WORKER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while _stored(runtime, shop_domain)[0] == 0 and time.time() < deadline:
            time.sleep(0.01)
        worker.send_signal(signal.SIGKILL)  # in the middle of the work: a batch is open
        worker.wait(10)
        stored_before = _stored(runtime, shop_domain)[0]
        assert stored_before < ORDERS, "the worker finished before it was killed: nothing was tested"

        redis_proc.terminate()  # Redis restarts empty: every queued job is gone
        redis_proc.wait(10)
        redis_proc = start_redis(redis_port)

        worker = subprocess.Popen(WORKER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while _stored(runtime, shop_domain)[0] < ORDERS and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # let a last batch of refunds land
        count, revenue, returns = _stored(runtime, shop_domain)
        print(
            f"\nfaults: {ORDERS} orders, worker killed after {stored_before} stored, Redis restarted; "
            f"after recovery {count} orders, revenue {revenue}, returns {returns}; lost {ORDERS - count}"
        )
        assert count == ORDERS  # nothing lost, and the unique key makes a second copy impossible
        assert revenue == expected_revenue and returns == expected_returns  # nothing counted twice
    finally:
        if worker and worker.poll() is None:
            worker.kill()
        server.stop()
        runtime.close()
        redis_proc.kill()
