"""A storm: while the stand-in streams order webhooks (duplicated, reordered, some dropped), Redis
restarts, a worker is SIGKILLed mid-batch, PostgreSQL cuts every connection (pg_terminate_backend),
and the app answers some webhooks too slowly, so the stand-in retries them. After recovery and one
reconciliation the app's orders, revenue and returns equal the stand-in's, per code, to the cent;
no job is left "started" for ever (an abandoned job is retried, not failed); the failed registry
holds nothing (nothing was really bad).

Two more shops get orders in the same stream, and about 1 % poison (signed deliveries the app cannot use:
a year 9999 or year 1, a price of 1e400 or -5.00, 10**12 items, a body that is not JSON or is a JSON array;
storm_poison.py) reaches all three: each is answered 200 and ends failed or quarantined, alone, with its
reason; they are the only deliveries that do, and every shop's figures still equal the stand-in's. One extra
shop is uninstalled mid-stream and installed again at once, racing a late `app/uninstalled`: it ends
installed, its token working, every order counted. The summary says how long the healthy deliveries waited.

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
from storm_poison import (
    ENDED_ALONE,
    POISONS,
    PoisonSender,
    deliveries_of,
    healthy_delay_p99,
    order_template,
    race_uninstall_and_reinstall,
)
from support import API_KEY, API_SECRET, LiveServer, Merchant, app_totals_by_code, install

from devstore.config import DevstoreConfig
from devstore.testing import DevstoreServer
from shopify_roi.models import Order, Shop, WebhookDelivery
from shopify_roi.models.delivery import PROCESSED, RECEIVED

pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed here")
ORDERS = int(os.environ.get("FAULT_ORDERS", "1200"))
OTHER_ORDERS = ORDERS // 4  # each of the two other shops
SCOPES = "read_orders,write_discounts,read_customers"
CREATORS = [
    {"handle": "anna", "code": "ANNA15", "percent": "15", "weight": 3, "return_rate": 0.3},
    {"handle": "ben", "code": "BEN10", "percent": "10", "weight": 2, "repeat_rate": 0.4},
]
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


def _runs_settled(merchant: Merchant, known: set[int] | None = None) -> list[dict] | None:
    """The shop's backfill runs once all have finished (and, with `known`, one not in it is there)."""
    runs = merchant.get("/api/freshness").json()["backfills"]
    if not runs or not all(r["status"] in ("done", "failed") for r in runs):
        return None
    if known is not None and not any(r["id"] not in known for r in runs):
        return None
    return runs


def _expected(shopify, shop: str) -> dict:
    return {
        k: {"orders": v["orders"], "revenue": Decimal(v["revenue"]), "returns": Decimal(v["returns"])}
        for k, v in shopify.control.totals(shop)["by_code"].items()
    }


def _lost_and_doubled(expected: dict, after: dict) -> tuple[int, int]:
    lost = sum(max(0, v["orders"] - after.get(k, {"orders": 0})["orders"]) for k, v in expected.items())
    doubled = sum(max(0, v["orders"] - expected.get(k, {"orders": 0})["orders"]) for k, v in after.items())
    return lost, doubled


def _only_abandoned_jobs_started(jobs, live_pids: set[int]) -> bool:
    """Nothing queued, and every job still "started" was taken by a worker that is no longer alive
    (twice in a row, 0.3 s apart: a job moving from the scheduler to the queue is seen)."""
    from rq import Worker

    def once() -> bool:
        if jobs.queue.count:
            return False
        live_names = {w.name for w in Worker.all(queue=jobs.queue) if w.pid in live_pids}
        started = jobs.queue.started_job_registry
        for job_id in started.get_job_ids():
            job = jobs.queue.fetch_job(job_id)
            if job is not None and job.worker_name in live_names:
                return False
        return True

    if not once():
        return False
    time.sleep(0.3)
    return once()


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
    others = [f"storm-{name}-{uuid.uuid4().hex[:8]}.myshopify.com" for name in ("other", "raced")]
    raced = others[1]
    shops = [shop, *others]
    race_ready = threading.Event()  # poison goes to the raced shop only once it is installed again
    poison = None
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
            scopes=SCOPES,
        )
        install(server.url, shop)
        merchant = Merchant(server.url, shopify, shop)
        for other in others:
            shopify.control.create_shop(
                other, name=other.split(".")[0], currency="EUR", timezone="America/New_York", scopes=SCOPES
            )
            assert install(server.url, other).status_code == 302
        merchants = {s: Merchant(server.url, shopify, s) for s in shops}
        assert merchant.create_creator("anna", "ANNA15").status_code == 201
        workers = [
            subprocess.Popen(WORKER, env=env, stdout=logs[i], stderr=subprocess.STDOUT) for i in range(2)
        ]
        # Let the install backfills (empty shops) finish, so the reconciliation below is the only other run.
        for one in merchants.values():
            _until(
                lambda one=one: all(
                    r.get("status") in ("done", "failed")
                    for r in one.get("/api/freshness").json()["backfills"] or [{}]
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
            creators=CREATORS,
        )
        for n, other in enumerate(others):
            shopify.control.faults(other, webhooks={"duplicate": 0.05, "reorder": 0.05, "seed": 11 + n})
            shopify.control.generate(
                other,
                seed=19 + 10 * n,
                orders=OTHER_ORDERS,
                start=start,
                days=45,
                deliver=True,
                sitewide_codes=["WELCOME10"],
                **{"async": True},
                creators=CREATORS,
            )
        # About 1 % poison across the three shops, spread over the stream.
        poison = PoisonSender(
            server.url,
            shops,
            order_template(shopify, others[0]),
            count=max(len(POISONS), round((ORDERS + 2 * OTHER_ORDERS) / 100)),
            interval=0.8,
            wait_for={raced: race_ready},
        ).start()

        # Mid-stream (its own: the smaller shops' streams end first) the merchant of the raced shop
        # uninstalls the app and installs it again at once.
        _until(lambda: _count(runtime.db, Order, raced) >= OTHER_ORDERS // 4, 120, "the raced shop's orders")
        raced_orders_at_race = _count(runtime.db, Order, raced)
        race = race_uninstall_and_reinstall(shopify, server.url, raced)
        race_ready.set()
        raced_at = time.monotonic()

        stored = lambda: _count(runtime.db, Order, shop)  # noqa: E731
        _until(lambda: stored() >= ORDERS // 8, 120, "the first orders")
        redis_restarted_after_race = time.monotonic() - raced_at
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

        # The stream ends: every poison sent, everything sent, held-back deliveries flushed, every retry done.
        sent = poison.join()
        poison_ids = {p.webhook_id for p in sent}
        for one in shops:
            requests.post(
                f"{shopify.url}/_devstore/shops/{one}/webhooks/flush", timeout=600
            ).raise_for_status()
        for one in shops:
            _until(
                lambda one=one: shopify.control.webhook_stats(one)["retry_pending"] == 0,
                120,
                "the stand-in's retries",
            )
        stats = shopify.control.webhook_stats(shop)

        def healthy_waiting() -> int:  # a poison delivery tried again later is looked at below
            with runtime.db.session() as session:
                return session.scalar(
                    select(func.count())
                    .select_from(WebhookDelivery)
                    .where(WebhookDelivery.status == RECEIVED, WebhookDelivery.webhook_id.not_in(poison_ids))
                )

        _until(lambda: healthy_waiting() == 0, 180, "the inbox to drain", 0.3)
        before = app_totals_by_code(runtime.db, shop)

        # One reconciliation per shop (the raced shop's reinstall backfill finished first: one bulk
        # operation at a time).
        known = {}
        for other in others:
            known[other] = {
                r["id"] for r in _until(lambda o=other: _runs_settled(merchants[o]), 300, "backfills")
            }
        for one in shops:
            assert merchants[one].post("/api/backfill", {}).status_code == 202
        runs = _until(
            lambda: (
                lambda r: r if len(r) >= 2 and all(x["status"] in ("done", "failed") for x in r) else None
            )(merchant.get("/api/freshness").json()["backfills"]),
            300,
            "the reconciliation",
            0.5,
        )
        other_runs = {
            o: _until(lambda o=o: _runs_settled(merchants[o], known[o]), 300, "the reconciliation", 0.5)
            for o in others
        }
        expected = _expected(shopify, shop)
        after = app_totals_by_code(runtime.db, shop)
        truth_orders = sum(v["orders"] for v in expected.values())
        held = sum(v["orders"] for v in after.values())
        lost, doubled = _lost_and_doubled(expected, after)
        other_expected = {o: _expected(shopify, o) for o in others}
        other_after = {o: app_totals_by_code(runtime.db, o) for o in others}
        for o in others:
            o_lost, o_doubled = _lost_and_doubled(other_expected[o], other_after[o])
            lost, doubled = lost + o_lost, doubled + o_doubled

        # Abandoned jobs: the killed worker's job is still "started"; RQ's maintenance finds it once its
        # heartbeat has expired and, since it has retries left, schedules it again instead of failing it.
        # Done here at once, but only once the live workers are idle: a job one of them is running is
        # not abandoned, and RQ would fail it (or run it twice) if it were treated as such.
        started = StartedJobRegistry(settings.queue_name, connection=runtime.jobs.redis)
        live = {w.pid for w in workers if w.poll() is None}
        _until(
            lambda: _only_abandoned_jobs_started(runtime.jobs, live), 120, "the live workers to be idle", 0.3
        )
        started.cleanup(time.time() + 3600)
        failed = FailedJobRegistry(settings.queue_name, connection=runtime.jobs.redis)
        # What came of every delivery: the poison ended alone, and nothing else did.
        rows = deliveries_of(runtime.db, shops)
        row_of = {(r.shop, r.webhook_id): r for r in rows}
        poison_rows = [row_of.get((p.shop, p.webhook_id)) for p in sent]
        ended_alone = {(r.shop, r.webhook_id) for r in rows if r.status in ENDED_ALONE}
        with runtime.db.session() as session:
            failed_webhooks = session.scalar(
                select(func.count())
                .select_from(WebhookDelivery)
                .where(WebhookDelivery.status.in_(ENDED_ALONE))
            )
            raced_installed = session.scalar(select(Shop).where(Shop.domain == raced)).is_installed
        failed_alone = sum(1 for r in poison_rows if r is not None and r.status == "failed")
        quarantined = sum(1 for r in poison_rows if r is not None and r.status == "quarantined")
        p99, healthy_count = healthy_delay_p99(rows, poison_ids)
        uninstalls = [r for r in rows if r.shop == raced and r.topic == "app/uninstalled"]
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
            f"{failed.count}, failed webhooks {failed_webhooks}; "
            f"poison sent {len(sent)}, failed alone {failed_alone}, quarantined {quarantined}; "
            f"other shops delayed p99 {p99:.1f} s"
        )
        print(
            "fault storm, other shops: "
            + "; ".join(
                f"{o}: {sum(v['orders'] for v in other_after[o].values())} orders of "
                f"{sum(v['orders'] for v in other_expected[o].values())}, reconciliation repaired "
                f"{other_runs[o][0]['orders_repaired']}"
                for o in others
            )
            + f"; race on {raced} with {raced_orders_at_race} of its orders stored: reinstall "
            f"{race.install_status}, late uninstall answered {race.late_status}, {race.seconds:.2f} s, "
            f"Redis restarted {redis_restarted_after_race:.1f} s later; "
            "uninstalls recorded: "
            + " | ".join(f"{u.status}: {u.result}" for u in uninstalls)
            + "; its backfills (orders repaired): "
            + ", ".join(
                f"{r['kind']} {r['status']} ({r['orders_repaired']})" for r in reversed(other_runs[raced])
            )
            + f"; its order deliveries skipped while uninstalled "
            f"{sum(1 for r in rows if r.shop == raced and r.status == 'skipped')}"
            + f"; healthy order deliveries timed {healthy_count}"
        )
        print(
            "fault storm poison: "
            + "; ".join(
                f"{kind} -> {outcome}"
                for kind, outcome in sorted(
                    {
                        p.kind: f"{r.status}, {r.error}" for p, r in zip(sent, poison_rows, strict=True) if r
                    }.items()
                )
            )
        )
        assert stats["duplicated"] > 0 and stats["reordered"] > 0 and stats["dropped"] > 0
        assert slow.slowed > 0 and stats["retried"] > 0
        assert before != expected, "the drops did not show: the reconciliation was not tested"
        assert held == truth_orders and lost == 0 and doubled == 0
        assert after == expected  # per code: orders, revenue and returns to the cent
        assert started.count == 0 and failed.count == 0
        # Poison: answered 200, ended failed or quarantined with its reason, the only deliveries that did.
        assert [(p.kind, p.status) for p in sent if p.status != 200] == []
        assert [
            (p.kind, p.shop, r and r.status, r and r.error)
            for p, r in zip(sent, poison_rows, strict=True)
            if r is None or r.status not in ENDED_ALONE or not r.error
        ] == []
        assert ended_alone == {(p.shop, p.webhook_id) for p in sent}
        assert failed_webhooks == len(sent)
        assert {p.shop for p in sent} == set(shops)
        stand_in_ids = {o["id"] for s in shops for o in shopify.control.orders(s)}
        assert not stand_in_ids & {p.order_id for p in sent}
        # Every shop adds up, to the cent.
        for o in others:
            assert other_after[o] == other_expected[o], o
        # The race: the raced shop is installed, its token works (its reconciliation read Shopify), and
        # every uninstall was recorded, none failed.
        assert race.install_status == 302 and race.late_status == 200
        assert raced_installed and merchants[raced].get("/api/shop").status_code == 200
        assert shopify.control.shop(raced)["installed"] and shopify.control.shop(raced)["live_access_tokens"]
        assert other_runs[raced][0]["status"] == "done", other_runs[raced][0]
        assert len(uninstalls) >= 2 and all(u.status == PROCESSED for u in uninstalls), uninstalls
    finally:
        race_ready.set()
        if poison is not None:
            poison.join(60)
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
