"""The creator pixel's collector under load: batches of pixel events fired by wrk at `POST /pixel/events`
under gunicorn (the Procfile's 2 workers x 4 threads) on PostgreSQL and Redis, paced at --events-per-s
(default 2,000 events/s: 400 requests/s of 5 events), then at full speed; then hostile requests (malformed,
huge, wrong shop, wrong key, replayed) must each get their 4xx and store nothing.

Every request's events are new (ids from wrk's thread and counter; bench/pixel_events.lua), across 1,000
visitors and 20 creators. Prints p50/p90/p99/max latency, events/s stored, and checks the events stored
equal the events sent. Run: .venv/bin/python bench/pixel.py [--duration 15] [--events-per-s 2000]
`--smoke` (CI): 3 s at 200 events/s and 2 s at full speed, on a database of its own (made and dropped).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import common
import requests

SHOP = "pixel-bench.myshopify.com"


def run_wrk(
    url: str, rate: int, key: str, per_batch: int, duration: int, connections: int, prefix: str
) -> dict:
    threads = 2
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s"]
    cmd += ["-s", str(common.BENCH / "pixel_events.lua"), url, "--", str(rate), str(threads), SHOP, key]
    cmd += [str(per_batch), "1000", prefix]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    match = re.search(r"WRK_JSON (\{.*\})", out)
    if not match:
        raise SystemExit(f"wrk printed no figures:\n{out}")
    stats = json.loads(match.group(1))
    stats["ok"] = stats["requests"] - stats["status"]
    stats["per_s"] = stats["ok"] / (stats["duration_us"] / 1e6)
    return stats


def stored(db_url: str) -> int:
    with common.connect(db_url) as conn:
        return conn.execute("SELECT count(*) FROM pixel_events").fetchone()[0]


def hostile(app: str, key: str, db_url: str) -> dict:
    """Each bad request's status; the stored count must not move."""
    before = stored(db_url)
    good = {"v": 1, "shop": SHOP, "key": key, "visitor": "v-hostile", "events": []}
    event = {"id": uuid.uuid4().hex, "n": "pv", "s": "session-hostile", "c": "creator001", "start": True}
    cases = {
        "malformed": b"{not json",
        "huge": json.dumps({**good, "events": [event], "pad": "x" * 40_000}).encode(),
        "wrong shop": json.dumps({**good, "shop": "other-shop.myshopify.com", "events": [event]}).encode(),
        "wrong key": json.dumps({**good, "key": "k" * 32, "events": [event]}).encode(),
        "extra field": json.dumps({**good, "events": [{**event, "revenue": "1000"}]}).encode(),
    }
    replay = json.dumps({**good, "events": [event]}).encode()
    post = lambda raw: requests.post(f"{app}/pixel/events", data=raw, timeout=10).status_code  # noqa: E731
    out = {name: post(raw) for name, raw in cases.items()}
    assert post(replay) == 204
    out["replayed"] = post(replay)
    moved = stored(db_url) - before - 1  # the replay's first send stored one event
    return {"statuses": out, "stored_by_bad_requests": moved}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--events-per-s", type=int, default=2000)
    parser.add_argument("--per-batch", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.duration, args.events_per_s = 3, 200
    db_name = common.smoke_name("roi_bench_pixel", args.smoke)
    if common.db_exists(db_name):
        common.drop_db(db_name)
    db_url = common.create_db(db_name)
    redis_url = f"{common.REDIS}/11"
    port = common.free_port()
    app = f"http://127.0.0.1:{port}"
    stand_in = web = None
    try:
        stand_in = common.start_stand_in(app)
        # every request comes from 127.0.0.1 here: the per-address limit is for real visitors
        env = common.app_env(
            db_url, redis_url, app, origin_template=stand_in.origin_template, PIXEL_ADDRESS_LIMIT=0
        )
        common.migrate(env)
        web = common.gunicorn("shopify_roi.wsgi:app", port, env)
        common.wait_http(f"{app}/healthz")
        common.install_shop(stand_in, app, SHOP, scopes="read_orders,write_discounts,read_customers")
        headers = {"Authorization": f"Bearer {common.session_token(SHOP)}"}
        saved = requests.put(
            f"{app}/api/settings", json={"creator_pixel": {"enabled": True}}, headers=headers, timeout=30
        )
        saved.raise_for_status()
        with common.connect(db_url) as conn:
            key = conn.execute("SELECT key FROM pixel_settings").fetchone()[0]
        run_wrk(app, 0, key, args.per_batch, 1, 4, f"warm-{uuid.uuid4().hex[:6]}")  # connections, caches
        results = {}
        for mode, rate, duration in (
            ("paced", args.events_per_s // args.per_batch, args.duration),
            ("full", 0, max(2, args.duration // 3)),
        ):
            before = stored(db_url)
            stats = run_wrk(
                app, rate, key, args.per_batch, duration, args.connections, f"{mode}-{uuid.uuid4().hex[:6]}"
            )
            held = stored(db_url) - before
            stats["events_stored"] = held
            # wrk counts the responses it read; a request still in flight at its end is stored, not counted
            stats["events_sent"] = stats["ok"] * args.per_batch
            stats["events_per_s"] = held / (stats["duration_us"] / 1e6)
            results[mode] = stats
            print(
                f"{mode}: {stats['ok']} requests ({stats['status']} non-2xx), {held} events stored of "
                f"{stats['events_sent']} sent, {stats['events_per_s']:.0f} events/s; latency p50 "
                f"{stats['p50'] / 1000:.1f} ms, p90 {stats['p90'] / 1000:.1f} ms, "
                f"p99 {stats['p99'] / 1000:.1f} ms, max {stats['max'] / 1000:.1f} ms",
                flush=True,
            )
            common.smoke_require(
                args.smoke, stats["ok"] > 0 and held >= stats["events_sent"], f"{mode}: events lost"
            )
        time.sleep(1)  # the full-speed run's last requests, still in flight when wrk stopped counting
        bad = hostile(app, key, db_url)
        print(
            f"hostile: {bad['statuses']}; stored by bad requests: {bad['stored_by_bad_requests']}", flush=True
        )
        common.smoke_require(args.smoke, bad["stored_by_bad_requests"] == 0, "a bad request stored something")
        paced = results["paced"]
        print(
            f"pixel collector: {paced['events_per_s']:.0f} events/s paced, p99 {paced['p99'] / 1000:.1f} ms; "
            f"full speed {results['full']['events_per_s']:.0f} events/s; bad requests stored "
            f"{bad['stored_by_bad_requests']}"
        )
    finally:
        common.stop(web)
        if stand_in is not None:
            stand_in.stop()
        common.drop_db(db_name)
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    common.smoke_leftovers(args.smoke)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
