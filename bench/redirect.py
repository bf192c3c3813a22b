"""Tracked-link redirect latency: GET /l/<id> (one indexed read + one INSERT) through the real app.

Starts the stand-in and the app (gunicorn unless --werkzeug) on loopback, installs a shop, makes a
creator with a tracked link, then fires N sequential browser-like requests and prints p50/p95/p99.
Run: .venv/bin/python bench/redirect.py [--requests 2000] [--database-url postgresql://...]
`--smoke` (CI): 50 requests on a PostgreSQL database of its own (made and dropped) and Redis database 10
(emptied at the end).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str) -> None:
    for _ in range(150):
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="CI's smoke size: 50 requests on PostgreSQL and Redis (its own database, Redis db 10)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    db_name = None
    if args.smoke:
        import common

        args.requests = 50
        db_name = common.smoke_name("roi_bench_redirect", True)
        args.database_url = common.create_db(db_name)
        args.redis_url = f"{common.REDIS}/10"
    try:
        run(args)
    finally:
        if db_name:
            import redis

            common.drop_db(db_name)
            redis.Redis.from_url(args.redis_url).flushdb()  # the smoke run's own Redis database
    if args.smoke:
        common.smoke_leftovers(True)


def run(args) -> None:
    from devstore.config import DevstoreConfig
    from devstore.testing import DevstoreServer

    tmp = tempfile.mkdtemp()
    app_port = free_port()
    app_url = f"http://127.0.0.1:{app_port}"
    stand_in = DevstoreServer(DevstoreConfig(app_url=app_url, app_toml=ROOT / "shopify.app.toml")).start()
    env = {
        **os.environ,
        "APP_URL": app_url,
        "SHOPIFY_ORIGIN_TEMPLATE": stand_in.origin_template,
        "DATABASE_URL": args.database_url or f"sqlite:///{tmp}/bench.sqlite3",
        "REDIS_URL": args.redis_url,
        "LOG_LEVEL": "WARNING",
        # One client fires every request: the limiter runs (its Redis round trip is measured) but never trips.
        "LINK_RATE_LIMIT": str(args.requests * 2),
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "shopify-roi"), "db", "upgrade"], env=env, check=True, capture_output=True)
    app = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{app_port}",
            "--log-level",
            "warning",
            "shopify_roi.wsgi:app",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait(f"{app_url}/healthz")
        shop = "bench-shop.myshopify.com"
        stand_in.control.create_shop(shop)
        requests.get(f"{app_url}/auth", params={"shop": shop}, timeout=30)
        token = lambda: {"Authorization": "Bearer " + stand_in.control.session_token(shop)}  # noqa: E731
        requests.post(
            f"{app_url}/api/creators",
            headers=token(),
            timeout=30,
            json={"name": "Anna", "handle": "anna", "discount": {"code": "ANNA15", "percent_off": "15"}},
        ).raise_for_status()
        link = requests.post(
            f"{app_url}/api/creators/anna/links", headers=token(), json={}, timeout=30
        ).json()
        http = requests.Session()
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            resp = http.get(link["short_url"], headers={"User-Agent": UA}, allow_redirects=False, timeout=10)
            timings.append((time.perf_counter() - start) * 1000)
            assert resp.status_code == 302
        timings.sort()
        pct = lambda p: timings[min(len(timings) - 1, int(len(timings) * p))]  # noqa: E731
        db = "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
        print(
            f"redirect /l/<id> db={db} n={len(timings)} p50={pct(0.50):.2f}ms p95={pct(0.95):.2f}ms "
            f"p99={pct(0.99):.2f}ms max={timings[-1]:.2f}ms mean={statistics.mean(timings):.2f}ms"
        )
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait(5)
        stand_in.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
