"""Webhook ingest: signed `orders/create` webhooks fired by wrk at the web process under gunicorn, at full
speed and paced at a fixed rate (500/s), against the app and, in the same run with the same gunicorn
settings, a bare Flask endpoint that only verifies the HMAC and LPUSHes the body to Redis (the ceiling).

Bodies: orders/create bodies built by the stand-in's order builder (its generator, run in-process),
one line item each (~7 KB: the builder's smallest orders; Shopify's REST order carries ~90 keys), 64
different orders pre-signed in Python; the Lua script (bench/webhooks.lua) gives every request its own
X-Shopify-Webhook-Id, so every request is a new delivery stored in the inbox.

Pacing: wrk2 is not available; `hey -q` cannot change a header per request (every request after the
first would be a duplicate delivery, a cheaper path), so the rate is kept by wrk itself: a Lua delay()
against an absolute per-thread schedule (CLOCK_MONOTONIC through LuaJIT's ffi). wrk starts its latency
clock when the request is written, after the delay.

Run (PostgreSQL and Redis on 127.0.0.1; makes and drops its own database, Redis db 7):
  python bench/ingest.py [--duration 15] [--rate 500] [--workers 2 --threads 4 --worker-connections 32]
  quick looks: --servers app --modes paced --duration 10; --profile DIR py-spies the workers at full speed
  --smoke (CI): every server and mode, one round of 2 s wrk runs (it must run; the figures are not judged)

gunicorn: the Procfile's 2 workers x 4 threads (gthread) for 2 cores with --worker-connections 32.
Without a cap (default 1000) one worker may accept most of wrk's keep-alive connections and the
other idle (measured 444 vs 212 CPU ticks). Too low a cap is worse: a gthread worker keeps at most
worker_connections - threads connections alive, answers the others with `Connection: close`, and a
reconnected client's first request holds a pool thread while it waits for the bytes (up to 5 s);
with 16 (12 kept alive for 16 connections per worker) the paced run's p50 was 19-27 ms instead of
2-3 ms. wrk: 2 threads, 32 connections (16 per worker) at full speed and paced.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import common

SHOP = "bench-ingest.myshopify.com"


def make_bodies(directory: Path, count: int, secret: str) -> tuple[Path, float]:
    """`count` one-line orders/create bodies from the stand-in's builder, signed; (manifest, mean size)."""
    from shopify_roi.shopify_client.webhook_hmac import sign

    bodies: list[str] = []

    def emit(topic: str, text: str) -> None:
        if topic == "orders/create" and len(bodies) < count and len(json.loads(text)["line_items"]) == 1:
            bodies.append(text)

    common.generate_events(count * 4, common.creator_profiles(20), shop_domain=SHOP, emit=emit)
    manifest = directory / "manifest.tsv"
    lines = []
    for i, text in enumerate(bodies):
        raw = text.encode()
        path = directory / f"body{i}.json"
        path.write_bytes(raw)
        lines.append(f"{sign(raw, secret)}\t{path}")
    manifest.write_text("\n".join(lines) + "\n")
    return manifest, sum(len(b.encode()) for b in bodies) / len(bodies)


def run_wrk(
    url: str, manifest: Path, rate: int, prefix: str, threads: int, connections: int, duration: int
) -> dict:
    triggered = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    cmd = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(common.BENCH / "webhooks.lua"),
        url,
        "--",
        str(manifest),
        str(rate),
        prefix,
        str(threads),
        SHOP,
        triggered,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    match = re.search(r"WRK_JSON (\{.*\})", out)
    if not match:
        raise SystemExit(f"wrk printed no figures:\n{out}")
    stats = json.loads(match.group(1))
    errors = sum(stats[k] for k in ("connect", "read", "write", "status", "timeout"))
    stats["ok"] = stats["requests"] - stats["status"]
    stats["errors"] = errors
    stats["per_s"] = stats["ok"] / (stats["duration_us"] / 1e6)
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per measured wrk run")
    parser.add_argument("--rate", type=int, default=500, help="the paced run's requests/s")
    parser.add_argument("--workers", type=int, default=common.GUNICORN_WORKERS)
    parser.add_argument("--threads", type=int, default=common.GUNICORN_THREADS)
    parser.add_argument(
        "--worker-class", default=None, help="gunicorn worker class (default: gthread when threads > 1)"
    )
    parser.add_argument(
        "--worker-connections",
        type=int,
        default=32,
        help="gunicorn --worker-connections, the Procfile's (gthread: connections a worker holds before it "
        "stops accepting; it keeps alive at most this minus --threads)",
    )
    parser.add_argument("--connections", type=int, default=32, help="wrk connections at full speed")
    parser.add_argument("--paced-connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--redis-db", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=1, help="alternate app and bare this many times")
    parser.add_argument(
        "--servers", default="app,bare", help="which of app,bare to run (a quick look at one)"
    )
    parser.add_argument("--modes", default="full,paced", help="which of full,paced to run")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="CI's smoke size: 2 s wrk runs (app and bare, full and paced, one round); figures not judged",
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="py-spy the gunicorn workers during the full-speed runs; "
        "print the heaviest functions and keep the collapsed stacks in DIR",
    )
    args = parser.parse_args()

    import redis
    from rq import Queue

    if args.smoke:
        args.duration, args.rounds, args.servers, args.modes = 2, 1, "app,bare", "full,paced"
    db_name = common.smoke_name("roi_bench_ingest", args.smoke)
    redis_url = f"{common.REDIS}/{args.redis_db}"
    queue_name = f"bench-ingest-{os.getpid()}-{int(time.time())}"
    bare_key = f"bench:bare-webhooks:{queue_name}"
    conn = redis.Redis.from_url(redis_url)
    tmp = Path(tempfile.mkdtemp(prefix="roi_bench_ingest_"))
    manifest, size = make_bodies(tmp, 64, common.DEMO_SECRET)
    database_url = common.create_db(db_name)
    port = common.free_port()
    env = common.app_env(
        database_url, redis_url, app_url=f"http://127.0.0.1:{port}", RQ_QUEUE=queue_name, BARE_LIST=bare_key
    )
    env["PYTHONPATH"] = f"{common.BENCH}:{env['PYTHONPATH']}"
    url = f"http://127.0.0.1:{port}"
    results: dict[str, list[dict]] = {}
    servers = {
        name: spec
        for name, spec in (("app", "shopify_roi.wsgi:app"), ("bare", "bare_webhook:create_app()"))
        if name in args.servers.split(",")
    }
    modes = [
        m
        for m in (("full", 0, args.connections), ("paced", args.rate, args.paced_connections))
        if m[0] in args.modes.split(",")
    ]
    profiles: dict[str, list] = {}
    gunicorn_extra = ["--worker-connections", str(args.worker_connections)] if args.worker_connections else []
    try:
        common.migrate(env)
        for round_no in range(args.rounds):
            for name, spec in servers.items():
                proc = common.gunicorn(
                    spec, port, env, args.workers, args.threads, args.worker_class, extra=gunicorn_extra
                )
                try:
                    common.wait_http(f"{url}/healthz")
                    run_wrk(
                        url,
                        manifest,
                        0,
                        f"warm-{name}-{round_no}",
                        args.wrk_threads,
                        args.connections,
                        min(3, args.duration),
                    )
                    conn.delete(bare_key)
                    for mode, rate, conns in modes:
                        prefix = f"{name}-{mode}-{round_no}-{queue_name}"
                        spy = None
                        if args.profile and mode == "full" and round_no == 0:
                            raw = Path(args.profile) / f"ingest-{name}.txt"
                            spy = common.pyspy_start(proc.pid, raw, max(2, args.duration - 2))
                        stats = run_wrk(url, manifest, rate, prefix, args.wrk_threads, conns, args.duration)
                        if spy is not None:
                            spy.wait(30)
                            profiles[name] = common.pyspy_summary(raw, 25)
                        if name == "app":
                            with common.connect(database_url) as db:
                                stats["stored"] = db.execute(
                                    "SELECT count(*) FROM webhook_deliveries WHERE webhook_id LIKE %s",
                                    (prefix + "-%",),
                                ).fetchone()[0]
                        else:
                            stats["stored"] = conn.llen(bare_key)
                            conn.delete(bare_key)  # the bodies: ~7 KB each, do not keep them in Redis
                        results.setdefault(f"{name}-{mode}", []).append(stats)
                        common.smoke_require(
                            args.smoke,
                            stats["ok"] > 0 and stats["stored"] > 0,
                            f"{name} {mode}: nothing acknowledged or stored ({stats})",
                        )
                        print(
                            f"  round {round_no + 1} {name:4s} {mode:5s}: "
                            f"{stats['per_s']:7.0f} acknowledged/s "
                            f"(stored {stats['stored']}, wrk 2xx {stats['ok']}, errors {stats['errors']}), "
                            f"p50 {stats['p50'] / 1000:.1f} ms, p99 {stats['p99'] / 1000:.1f} ms",
                            flush=True,
                        )
                finally:
                    common.stop(proc)
                    conn.delete(bare_key)
    finally:
        Queue(queue_name, connection=conn).delete(delete_jobs=True)
        conn.delete(bare_key, *conn.keys("shopify-roi:orders-drain-requested*"))
        if not args.keep:
            common.drop_db(db_name)
        for path in tmp.iterdir():
            path.unlink()
        tmp.rmdir()

    for name, rows in profiles.items():
        print(f"  py-spy, {name} at full speed (inclusive %, self %), busy samples only:")
        for frame, inc, own in rows:
            print(f"    {inc:5.1f} {own:5.1f}  {frame}")

    def best(key: str) -> dict:  # the median round
        runs = sorted(results[key], key=lambda s: s["per_s"])
        return runs[len(runs) // 2]

    common.smoke_leftovers(args.smoke)
    if len(results) < 4:  # --servers/--modes: the rounds above are the figures
        common.smoke_require(args.smoke, False, f"only {sorted(results)} measured")
        return
    app, bare, app_p, bare_p = best("app-full"), best("bare-full"), best("app-paced"), best("bare-paced")
    kind = (args.worker_class or ("gthread" if args.threads > 1 else "sync")) + (
        f" --worker-connections {args.worker_connections}" if args.worker_connections else ""
    )
    print(
        f"ingest ({common.nproc()} cores, gunicorn {args.workers}x{args.threads} {kind}, "
        f"~{size / 1024:.1f} KB orders/create): "
        f"full speed app {app['per_s']:.0f}/s p50 {app['p50'] / 1000:.1f} ms p99 {app['p99'] / 1000:.1f} ms, "
        f"bare {bare['per_s']:.0f}/s p50 {bare['p50'] / 1000:.1f} ms p99 {bare['p99'] / 1000:.1f} ms, "
        f"app/bare {app['per_s'] / bare['per_s']:.0%}; "
        f"at {args.rate}/s app {app_p['per_s']:.0f}/s "
        f"p50 {app_p['p50'] / 1000:.1f} ms p99 {app_p['p99'] / 1000:.1f} ms, "
        f"bare {bare_p['per_s']:.0f}/s p50 {bare_p['p50'] / 1000:.1f} ms p99 {bare_p['p99'] / 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
