"""A storm: while the stand-in streams order webhooks (duplicated, reordered, some dropped), Redis
restarts, a worker is SIGKILLed mid-batch, PostgreSQL cuts every connection (pg_terminate_backend),
and the app answers some webhooks too slowly, so the stand-in retries them. After recovery and one
reconciliation the app's orders, revenue and returns equal the stand-in's, per code, to the cent;
no job is left "started" for ever (an abandoned job is retried, not failed); the failed registry
holds nothing (nothing was really bad).

Runs its own redis-server (it restarts it), two real `shopify-roi worker` processes, its own
stand-in (a short webhook timeout), the app over HTTP; PostgreSQL when DATABASE_URL names it (CI).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import factories
import pytest
import requests
from faults_support import REDIS, WORKER, free_port, start_redis, worker_env
from sqlalchemy import func, select, text
from support import API_KEY, API_SECRET, LiveServer, Merchant, app_totals_by_code, install

from devstore.config import DevstoreConfig
from devstore.testing import DevstoreServer
from shopify_roi.models import Order, WebhookDelivery

pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed here")
ORDERS = int(os.environ.get("FAULT_ORDERS", "1200"))
ROOT = Path(__file__).resolve().parents[2]


class SlowWebhooks:
    """WSGI middleware: some order webhooks are handled, then answered after the stand-in gave up."""

    def __init__(self, app, share: float, delay: float, seed: int = 7):
        self.app, self.share, self.delay = app, share, delay
        self.rng, self.lock, self.slowed = random.Random(seed), threading.Lock(), 0

    def __call__(self, environ, start_response):
        result = self.app(environ, start_response)
        if environ.get("PATH_INFO") == "/webhooks/orders":
            with self.lock:
                slow = self.rng.random() < self.share
                self.slowed += slow
            if slow:
                time.sleep(self.delay)  # stored and acknowledged, but too late: Shopify will send it again
        return result


def _count(database, model, shop_domain=None, **where) -> int:
    with database.session() as session:
        query = select(func.count()).select_from(model)
        if shop_domain:
            query = query.where(model.shop_id == factories.shop_named(session, shop_domain).id)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return session.scalar(query)


def _until(condition, seconds: float, what: str, step: float = 0.1):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def test_storm_of_faults_loses_nothing_and_counts_nothing_twice(settings, tmp_path):
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    from shopify_roi.app import create_app

    on_postgres = settings.database_url.startswith("postgres")
    redis_port = free_port()
    redis_proc = start_redis(redis_port)
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    stand_config = DevstoreConfig(
        api_key=API_KEY,
        api_secret=API_SECRET,
        app_url="http://127.0.0.1:9",
        app_toml=str(ROOT / "shopify.app.toml"),
        webhook_timeout=(1.0, 0.6),
    )
    shopify = DevstoreServer(stand_config).start()
    server = LiveServer()
    settings = settings.with_(
        app_url=server.url,
        redis_url=redis_url,
        run_inprocess_worker=False,
        origin_template=shopify.origin_template,
        sweep_interval=0.5,
        inbox_stale_after=2.0,
    )
    app = create_app(settings, start_worker=False)
    runtime = app.extensions["shopify_roi"]
    slow = SlowWebhooks(app, share=0.01, delay=1.0)
    server.app = slow
    shopify.set_app_url(server.url)
    shop = f"storm-{uuid.uuid4().hex[:8]}.myshopify.com"
    env = worker_env(settings, inbox_stale_seconds="2", orders_batch="200")
    logs = [open(tmp_path / f"worker-{i}.log", "w") for i in range(3)]  # noqa: SIM115 - closed in finally
    workers: list[subprocess.Popen] = []
    faults = {"redis_restarts": 0, "workers_killed": 0, "postgres_connections_cut": 0}
    try:
        shopify.control.create_shop(
            shop,
            name="Storm",
            currency="EUR",
            timezone="Europe/Berlin",
            scopes="read_orders,write_discounts,read_customers",
        )
        install(server.url, shop)
        merchant = Merchant(server.url, shopify, shop)
        assert merchant.create_creator("anna", "ANNA15").status_code == 201
        workers = [
            subprocess.Popen(WORKER, env=env, stdout=logs[i], stderr=subprocess.STDOUT) for i in range(2)
        ]
        # Let the install backfill (an empty shop) finish, so the reconciliation below is the only other run.
        _until(
            lambda: all(
                r.get("status") in ("done", "failed")
                for r in merchant.get("/api/freshness").json()["backfills"] or [{}]
            ),
            60,
            "the install backfill",
            0.3,
        )

        shopify.control.faults(
            shop,
            webhooks={
                "duplicate": 0.1,
                "reorder": 0.1,
                "drop": 0.02,
                "seed": 3,
                "retries": 6,
                "retry_ms": 300,
            },
        )
        start = (
            date.today() - timedelta(days=50)
        ).isoformat()  # inside the 60 days Shopify shows without read_all_orders
        generated = shopify.control.generate(
            shop,
            seed=9,
            orders=ORDERS,
            start=start,
            days=45,
            deliver=True,
            sitewide_codes=["WELCOME10"],
            **{"async": True},
            creators=[
                {"handle": "anna", "code": "ANNA15", "percent": "15", "weight": 3, "return_rate": 0.3},
                {"handle": "ben", "code": "BEN10", "percent": "10", "weight": 2, "repeat_rate": 0.4},
            ],
        )

        stored = lambda: _count(runtime.db, Order, shop)  # noqa: E731
        _until(lambda: stored() >= ORDERS // 8, 120, "the first orders")
        redis_proc.terminate()  # every queued job, the drain flag and the started registry are gone
        redis_proc.wait(10)
        redis_proc = start_redis(redis_port)
        faults["redis_restarts"] += 1

        _until(lambda: stored() >= ORDERS // 3, 180, "orders after the Redis restart")
        workers[0].send_signal(
            signal.SIGKILL
        )  # mid-batch: its transaction rolls back, its job stays "started"
        workers[0].wait(10)
        faults["workers_killed"] += 1
        workers.append(subprocess.Popen(WORKER, env=env, stdout=logs[2], stderr=subprocess.STDOUT))

        if on_postgres:
            _until(lambda: stored() >= ORDERS // 2, 180, "orders after the worker was killed")
            with runtime.db.engine.connect() as conn:
                cut = conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar()
            faults["postgres_connections_cut"] = int(cut or 0)

        # The stream ends: everything sent, held-back deliveries flushed, every retry done.
        requests.post(f"{shopify.url}/_devstore/shops/{shop}/webhooks/flush", timeout=600).raise_for_status()
        _until(
            lambda: shopify.control.webhook_stats(shop)["retry_pending"] == 0, 120, "the stand-in's retries"
        )
        stats = shopify.control.webhook_stats(shop)
        _until(
            lambda: _count(runtime.db, WebhookDelivery, status="received") == 0,
            180,
            "the inbox to drain",
            0.3,
        )
        before = app_totals_by_code(runtime.db, shop)

        assert merchant.post("/api/backfill", {}).status_code == 202
        runs = _until(
            lambda: (
                lambda r: r if len(r) >= 2 and all(x["status"] in ("done", "failed") for x in r) else None
            )(merchant.get("/api/freshness").json()["backfills"]),
            300,
            "the reconciliation",
            0.5,
        )
        expected = {
            k: {"orders": v["orders"], "revenue": Decimal(v["revenue"]), "returns": Decimal(v["returns"])}
            for k, v in shopify.control.totals(shop)["by_code"].items()
        }
        after = app_totals_by_code(runtime.db, shop)
        truth_orders = sum(v["orders"] for v in expected.values())
        held = sum(v["orders"] for v in after.values())
        lost = sum(max(0, v["orders"] - after.get(k, {"orders": 0})["orders"]) for k, v in expected.items())
        doubled = sum(
            max(0, v["orders"] - expected.get(k, {"orders": 0})["orders"]) for k, v in after.items()
        )

        # Abandoned jobs: the killed worker's job is still "started"; RQ's maintenance finds it once its
        # heartbeat has expired and, since it has retries left, schedules it again instead of failing it.
        started = StartedJobRegistry(settings.queue_name, connection=runtime.jobs.redis)
        started.cleanup(time.time() + 3600)
        failed = FailedJobRegistry(settings.queue_name, connection=runtime.jobs.redis)
        failed_webhooks = _count(runtime.db, WebhookDelivery, status="failed")
        print(
            f"\nfault storm: {generated['orders']} orders generated; webhooks sent {stats['sent']}, "
            f"duplicated {stats['duplicated']}, reordered {stats['reordered']}, dropped {stats['dropped']}, "
            f"answered too slowly {slow.slowed} and retried by the stand-in {stats['retried']}; "
            f"faults injected: Redis restarted {faults['redis_restarts']}, "
            f"worker SIGKILLed {faults['workers_killed']}, PostgreSQL connections cut "
            f"{faults['postgres_connections_cut'] if on_postgres else 'n/a (SQLite)'}; "
            f"reconciliation repaired {runs[0]['orders_repaired']} orders and "
            f"{runs[0]['refunds_repaired']} refunds; "
            f"orders lost {lost}, double-counted {doubled}; jobs left started {started.count}, failed jobs "
            f"{failed.count}, failed webhooks {failed_webhooks}"
        )
        assert stats["duplicated"] > 0 and stats["reordered"] > 0 and stats["dropped"] > 0
        assert slow.slowed > 0 and stats["retried"] > 0
        assert before != expected, "the drops did not show: the reconciliation was not tested"
        assert held == truth_orders and lost == 0 and doubled == 0
        assert after == expected  # per code: orders, revenue and returns to the cent
        assert started.count == 0 and failed.count == 0 and failed_webhooks == 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)
        for log in logs:
            log.close()
        server.stop()
        runtime.close()
        shopify.stop()
        redis_proc.kill()
