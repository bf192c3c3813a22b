"""Order processing: queued order webhooks (in the app's inbox, `received`, as the web process leaves
them) drained into PostgreSQL by `shopify-roi worker` processes: order webhooks applied per second by 2
workers and by 1 worker, and, in the same run, by a naive baseline (bench/naive_jobs.py: one RQ job per
webhook on RQ's default forking `Worker`, one transaction per order, from the app's service functions)
with 2 worker processes as well.

Data: the stand-in's generator (run in-process) over a year of a shop with 20 creators: every webhook it
would send, in time order (orders/create, orders/paid, orders/updated, refunds/create,
orders/cancelled, orders/edited: ~2.3 per order, ~8 KB each), the first N copied into the inbox with
COPY (the same columns and values `inbox.receive` writes). Each phase runs on its own copy of that
database (CREATE DATABASE ... TEMPLATE), so every phase drains the same inbox.

The app's workers get what the web process queues during a burst: one `drain_orders` job per worker
(the web process queues a new drain whenever the previous one has started). The naive baseline drains
the first `--naive` deliveries (it is too slow for 100,000 in a few minutes); its rate is per second too.

Where the server runs with autovacuum off, the tables are ANALYZEd every 10 s during each phase, as
autoanalyze would (the orders table grows from empty during the drain).

Run (PostgreSQL and Redis on 127.0.0.1; makes and drops its own databases; Redis db 8, emptied at the end):
  python bench/pipeline.py                     # 100,000 webhooks, naive baseline on the first 1,000
  python bench/pipeline.py --webhooks 20000    # a quick run
  python bench/pipeline.py --smoke             # CI's smoke size: 300 webhooks, naive on the first 50
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
import time
from collections import Counter
from datetime import UTC
from pathlib import Path

import common

SHOP = "bench-pipeline.myshopify.com"
COLUMNS = (
    "shop_domain",
    "webhook_id",
    "event_id",
    "topic",
    "api_version",
    "triggered_at",
    "received_at",
    "payload",
    "status",
    "attempts",
)


def fill_template(name: str, webhooks: int) -> dict:
    """The template database: migrated, an installed shop with the generator's creators, `webhooks`
    deliveries."""
    from datetime import datetime

    url = common.create_db(name)
    common.migrate(common.app_env(url))
    profiles = common.creator_profiles(20)
    common.seed_shop(url, SHOP, profiles)
    now = datetime.now(UTC)
    topics: Counter = Counter()
    started = time.perf_counter()
    with common.connect(url) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY webhook_deliveries ({', '.join(COLUMNS)}) FROM STDIN") as copy:

            def emit(topic: str, text: str) -> None:
                n = sum(topics.values())
                if n >= webhooks:
                    return
                topics[topic] += 1
                copy.write_row(
                    (
                        SHOP,
                        f"bench-{n}",
                        f"event-{n}",
                        topic,
                        "2026-10",
                        now.isoformat(),
                        now,
                        text,
                        "received",
                        0,
                    )
                )

            # ~2.3 webhooks per order with the generator's defaults: enough orders; extra events not copied
            made = common.generate_events(int(webhooks / 2.0) + 100, profiles, shop_domain=SHOP, emit=emit)
            if sum(topics.values()) < webhooks:
                raise SystemExit(f"the generator made only {sum(topics.values())} webhooks")
        size = cur.execute("SELECT avg(length(payload)) FROM webhook_deliveries").fetchone()[0]
        cur.execute("VACUUM ANALYZE webhook_deliveries")
    return {
        "topics": dict(topics),
        "orders_generated": made["orders"],
        "seconds": time.perf_counter() - started,
        "mean_bytes": float(size),
    }


def analyzing(url: str) -> common.Analyzer:
    """autoanalyze's work where the server runs with autovacuum off (see common.Analyzer)."""
    return common.Analyzer(
        url,
        ("orders", "order_lines", "refunds", "refund_lines", "webhook_deliveries"),
        interval=10 if not common.autovacuum_on(url) else 1e9,
    )


def wait_drained(url: str, started: float, timeout: float, what: str) -> None:
    """Until no delivery is waiting; gives up after `timeout` s, or 60 s without progress (a failed job)."""
    left, last, moved = count_left(url), None, time.perf_counter()
    while left:
        now = time.perf_counter()
        if left != last:
            last, moved = left, now
        if now - started > timeout or now - moved > 60:
            raise SystemExit(f"{what}: {left} deliveries still waiting after {now - started:.0f} s")
        time.sleep(0.05)
        left = count_left(url)


def count_left(url: str) -> int:
    with common.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM webhook_deliveries WHERE status = 'received'").fetchone()[0]


def outcome(url: str) -> dict:
    with common.connect(url) as conn:
        statuses = dict(
            conn.execute("SELECT status, count(*) FROM webhook_deliveries GROUP BY status").fetchall()
        )
        orders = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
        refunds = conn.execute("SELECT count(*) FROM refunds").fetchone()[0]
    return {"statuses": statuses, "orders": orders, "refunds": refunds}


def wait_workers(queue, count: int, seconds: float = 60) -> None:
    from rq import Worker

    deadline = time.time() + seconds
    while time.time() < deadline:
        if Worker.count(queue=queue) >= count:
            return
        time.sleep(0.1)
    raise SystemExit(f"{count} workers did not start in {seconds:.0f} s")


def run_app(
    url: str, redis_url: str, workers: int, total: int, timeout: float, log_dir, profile: str | None = None
) -> dict:
    """`workers` shopify-roi worker processes drain the inbox; seconds from the first drain job queued to
    empty."""
    import redis
    from rq import Queue
    from rq.registry import FailedJobRegistry

    from shopify_roi.jobs.orders import drain_orders
    from shopify_roi.queueing import JobQueue

    name = f"bench-pipeline-{os.getpid()}-{time.time_ns()}"
    conn = redis.Redis.from_url(redis_url)
    # The 6-hourly code check would call Shopify (not here): the periodic claim is taken for the run.
    conn.set("shopify-roi:periodic:codes", 1, ex=3600)
    env = common.app_env(url, redis_url, RQ_QUEUE=name)
    log = log_dir / f"app{workers}.log"
    with open(log, "w") as out:
        procs = [
            subprocess.Popen(
                [str(common.BIN / "shopify-roi"), "worker"],
                env=env,
                cwd=common.ROOT,
                start_new_session=True,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            for _ in range(workers)
        ]
    queue = Queue(name, connection=conn)
    spies = []
    try:
        wait_workers(queue, workers)
        jobs = JobQueue(redis_url, name)
        if profile:
            spies = [
                common.pyspy_start(
                    p.pid, Path(profile) / f"pipeline-app{workers}-{i}.txt", 10, gil=False, idle=True
                )
                for i, p in enumerate(procs)
            ]
        started = time.perf_counter()
        with analyzing(url):
            for _ in range(workers):
                jobs.enqueue(drain_orders)  # as the web process does: request_drain -> enqueue(drain_orders)
            wait_drained(url, started, timeout, f"{workers} app workers")
        elapsed = time.perf_counter() - started
        failed = FailedJobRegistry(queue=queue).count
        for spy in spies:
            spy.wait(60)
    finally:
        common.stop(*procs)
        queue.delete(delete_jobs=True)
        conn.delete("shopify-roi:periodic:codes", *conn.keys("shopify-roi:orders-drain-requested*"))
    text = log.read_text(errors="replace")
    errors = re.findall(r"^\S*(?:Error|Violation|Exception)\S*: .*$", text, re.MULTILINE)
    return {
        "seconds": elapsed,
        "per_s": total / elapsed,
        "failed_jobs": failed,
        "job_errors": text.count("exception raised while executing"),
        "error_kinds": dict(Counter(e.split(":")[0] + ": " + e.split(":")[1][:60] for e in errors)),
        **outcome(url),
    }


def run_naive(
    url: str,
    redis_url: str,
    workers: int,
    sample: int,
    timeout: float,
    preload: bool = True,
    simple: bool = False,
) -> dict:
    """`workers` plain forking `rq worker` processes, one job per delivery, over the first `sample`
    deliveries."""
    import redis
    from rq import Queue, Retry
    from rq.registry import FailedJobRegistry

    name = f"bench-naive-{os.getpid()}-{time.time_ns()}"
    conn = redis.Redis.from_url(redis_url)
    env = common.app_env(url, redis_url, RQ_QUEUE=name)
    env["PYTHONPATH"] = f"{common.BENCH}:{env['PYTHONPATH']}"
    with common.connect(url) as db:
        ids = [r[0] for r in db.execute("SELECT id FROM webhook_deliveries ORDER BY id LIMIT %s", (sample,))]
        # Only the sample is waiting: the rest is set aside so "waiting" counts the sample alone.
        db.execute("UPDATE webhook_deliveries SET status = 'bench-held' WHERE id > %s", (ids[-1],))
    if preload:
        cmd = [str(common.BIN / "python"), str(common.BENCH / "naive_jobs.py"), redis_url, name] + (
            ["simple"] if simple else []
        )
    else:
        cmd = [
            str(common.BIN / "rq"),
            "worker",
            "--worker-class",
            "rq.worker.Worker",
            "--url",
            redis_url,
            "--quiet",
            name,
        ]
    procs = [
        subprocess.Popen(cmd, env=env, cwd=common.ROOT, start_new_session=True, stdout=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    queue = Queue(name, connection=conn)
    try:
        wait_workers(queue, workers)
        started = time.perf_counter()
        with analyzing(url):
            for i in range(0, len(ids), 1000):
                # retried like the app's jobs (a job that lost a deadlock would leave its webhook behind)
                queue.enqueue_many(
                    [
                        Queue.prepare_data(
                            "naive_jobs.process_one", (d,), result_ttl=0, retry=Retry(max=3, interval=1)
                        )
                        for d in ids[i : i + 1000]
                    ]
                )
            wait_drained(url, started, timeout, f"naive, {workers} workers")
        elapsed = time.perf_counter() - started
        failed = FailedJobRegistry(queue=queue).count
    finally:
        common.stop(*procs)
        queue.delete(delete_jobs=True)
    return {"seconds": elapsed, "per_s": len(ids) / elapsed, "failed_jobs": failed, **outcome(url)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webhooks", type=int, default=100_000, help="order webhooks queued in the inbox")
    parser.add_argument("--naive", type=int, default=1000, help="deliveries the naive baseline drains")
    parser.add_argument(
        "--phases",
        default="app2,app1,naive2,naivesimple2",
        help="comma-separated: app2, app1 (shopify-roi worker x2, x1), naive2, naive1 (forking RQ workers "
        "with the app preloaded), naivecold2 (plain `rq worker`: the app imported in every job's fork), "
        "naivesimple2 (one job per webhook, non-forking SimpleWorker: not the baseline, an extra)",
    )
    parser.add_argument("--redis-db", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument(
        "--keep", action="store_true", help="keep the template database roi_bench_pipeline_tpl"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="use the kept template database (same --webhooks)"
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="py-spy (wall clock) the app's workers for 10 s; print the heaviest frames",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="CI's smoke size: 300 webhooks, naive on the first 50, every default phase; figures not judged",
    )
    args = parser.parse_args()
    if args.smoke:
        args.webhooks, args.naive, args.timeout, args.reuse = 300, 50, 300, False
    redis_url = f"{common.REDIS}/{args.redis_db}"
    template = common.smoke_name("roi_bench_pipeline_tpl", args.smoke)
    if args.reuse and common.db_exists(template):
        made = {"topics": "reused", "orders_generated": "?", "mean_bytes": 0, "seconds": 0}
    else:
        try:
            made = fill_template(template, args.webhooks)
        except BaseException:
            common.drop_db(template)
            raise
    print(
        f"  inbox: {args.webhooks} deliveries ({made['topics']}) "
        f"from {made['orders_generated']} generated orders, mean {made['mean_bytes'] / 1024:.1f} KB, "
        f"filled in {made['seconds']:.0f} s",
        flush=True,
    )
    results = {}
    log_dir = Path(tempfile.mkdtemp(prefix="roi_bench_pipeline_"))
    try:
        for phase in args.phases.split(","):
            db = common.smoke_name(f"roi_bench_pipeline_{phase}", args.smoke)
            url = common.create_db(db, template=template)
            try:
                workers = int(
                    phase[-1]
                )  # app2, app1, naive2, naive1, naivecold2 (plain `rq worker`: imports per job)
                if phase.startswith("app"):
                    res = run_app(url, redis_url, workers, args.webhooks, args.timeout, log_dir, args.profile)
                else:
                    res = run_naive(
                        url,
                        redis_url,
                        workers,
                        min(args.naive, args.webhooks),
                        args.timeout,
                        preload=not phase.startswith("naivecold"),
                        simple=phase.startswith("naivesimple"),
                    )
            finally:
                common.drop_db(db)
            results[phase] = res
            common.smoke_require(
                args.smoke,
                res["per_s"] > 0 and res["statuses"].get("processed", 0) > 0,
                f"{phase}: nothing processed ({res})",
            )
            print(
                f"  {phase}: {res['per_s']:.0f} webhooks/s "
                f"({res['seconds']:.1f} s; deliveries {res['statuses']}, orders {res['orders']}, "
                f"refunds {res['refunds']}, failed jobs {res['failed_jobs']}, "
                f"job attempts that raised {res.get('job_errors', 0)} {res.get('error_kinds', '')})",
                flush=True,
            )
            if args.profile and phase.startswith("app"):
                for i in range(int(phase[-1])):
                    raw = Path(args.profile) / f"pipeline-{phase}-{i}.txt"
                    if raw.exists():
                        print(
                            f"  py-spy (wall clock) of worker {i} in {phase}, first 10 s, "
                            "% of drain_orders (inclusive, self):"
                        )
                        for frame, inc, own in common.pyspy_summary(
                            raw,
                            30,
                            ("shopify_roi/", "psycopg/", "orm/session.py", "unitofwork", "json/"),
                            within="drain_orders",
                        ):
                            print(f"    {inc:5.1f} {own:5.1f}  {frame}")
    finally:
        if not args.keep:
            common.drop_db(template)
        import redis

        redis.Redis.from_url(redis_url).flushdb()  # this benchmark's own Redis database (--redis-db)
        for path in log_dir.iterdir():  # the workers' logs (read above for the failed attempts)
            path.unlink()
        log_dir.rmdir()
    parts = [f"{common.nproc()} cores, {args.webhooks} order webhooks"]
    for phase, label in (
        ("app2", "2 workers"),
        ("app1", "1 worker"),
        ("naive2", "naive 2 forking RQ workers"),
        ("naive1", "naive 1 forking RQ worker"),
        ("naivecold2", "naive without preloading"),
        ("naivesimple2", "one job per webhook on 2 non-forking SimpleWorkers"),
    ):
        if phase in results:
            parts.append(f"{label} {results[phase]['per_s']:.0f}/s")
    if "app2" in results and "app1" in results:
        parts.append(f"2w/1w {results['app2']['per_s'] / results['app1']['per_s']:.2f}x")
    if "app2" in results and "naive2" in results:
        parts.append(f"2w/naive {results['app2']['per_s'] / results['naive2']['per_s']:.1f}x")
    print("processing (" + parts[0] + "): " + ", ".join(parts[1:]))
    common.smoke_require(args.smoke, len(results) == len(args.phases.split(",")), "a phase is missing")
    common.smoke_leftovers(args.smoke)


if __name__ == "__main__":
    main()
