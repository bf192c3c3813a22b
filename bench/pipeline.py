"""Order pipeline: signed orders/create webhooks acknowledged per second by the web process
(gunicorn), then orders processed per second into the database by 1 and by 2 `shopify-roi worker`
processes draining the inbox in batches.

Run against PostgreSQL and Redis (a database of its own; the script migrates it):
  createdb -h 127.0.0.1 -U postgres roi_bench
  .venv/bin/python bench/pipeline.py --webhooks 5000 \\
      --database-url postgresql://postgres@127.0.0.1:5432/roi_bench --redis-url redis://127.0.0.1:6379/5
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    from devstore.config import DevstoreConfig
    from devstore.testing import DevstoreServer
    from shopify_roi.shopify_client.webhook_hmac import sign

    parser = argparse.ArgumentParser()
    parser.add_argument("--webhooks", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    args = parser.parse_args()

    app_port = free_port()
    app_url = f"http://127.0.0.1:{app_port}"
    stand_in = DevstoreServer(DevstoreConfig(app_url=app_url, app_toml=ROOT / "shopify.app.toml")).start()
    env = {**os.environ, "APP_URL": app_url, "SHOPIFY_ORIGIN_TEMPLATE": stand_in.origin_template, "DATABASE_URL": args.database_url,
           "REDIS_URL": args.redis_url, "LOG_LEVEL": "WARNING", "RQ_QUEUE": "bench"}
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "shopify-roi"), "db", "upgrade"], env=env, check=True, capture_output=True)
    web = subprocess.Popen([str(bin_dir / "gunicorn"), "-w", "2", "--threads", "8", "-b", f"127.0.0.1:{app_port}",
                            "--log-level", "warning", "shopify_roi.app:create_app()"], env=env, cwd=ROOT)
    workers: list[subprocess.Popen] = []
    try:
        for _ in range(100):
            try:
                if requests.get(f"{app_url}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        shop = f"bench-{int(time.time())}.myshopify.com"
        stand_in.control.create_shop(shop)
        stand_in.control.faults(shop, webhooks={"drop": 1.0})  # the template order is not delivered
        requests.get(f"{app_url}/auth", params={"shop": shop}, timeout=30)
        template = requests.post(f"{stand_in.url}/_devstore/shops/{shop}/orders", timeout=30, json={
            "customer_id": 1, "line_items": [{"title": f"Item {i}", "price": "19.99", "quantity": 1 + i % 2} for i in range(4)],
            "discount_code": {"code": "ANNA15", "type": "percentage", "value": "15.0"}, "landing_site": "/?ref=anna"}).json()
        template = template.get("order", template)
        bodies = []
        for i in range(args.webhooks):
            order = copy.deepcopy(template)
            order["id"] = 9_000_000_000_000 + i
            order["admin_graphql_api_id"] = f"gid://shopify/Order/{order['id']}"
            order["name"] = f"#B{i}"
            order["customer"]["id"] = 7_000_000 + i % 3000
            bodies.append(json.dumps(order).encode())
        size = sum(len(b) for b in bodies) / len(bodies)
        http = requests.Session()
        http.mount("http://", requests.adapters.HTTPAdapter(pool_connections=args.concurrency, pool_maxsize=args.concurrency))
        secret = stand_in.config.api_secret

        def send(i: int) -> float:
            raw = bodies[i]
            started = time.perf_counter()
            resp = http.post(f"{app_url}/webhooks/orders", data=raw, timeout=30, headers={
                "Content-Type": "application/json", "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": shop,
                "X-Shopify-Hmac-Sha256": sign(raw, secret), "X-Shopify-Webhook-Id": f"bench-{shop}-{i}",
                "X-Shopify-API-Version": "2026-10"})
            assert resp.status_code == 200, resp.text
            return (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            latencies = sorted(pool.map(send, range(args.webhooks)))
        elapsed = time.perf_counter() - started
        pct = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p))]  # noqa: E731
        print(f"ingest: {args.webhooks} orders/create webhooks (~{size / 1024:.1f} KB) acknowledged at "
              f"{args.webhooks / elapsed:.0f}/s (concurrency {args.concurrency}); p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms")

        from sqlalchemy import create_engine, text
        engine = create_engine(args.database_url.replace("postgresql://", "postgresql+psycopg://", 1))

        def stored() -> int:
            with engine.connect() as conn:
                return conn.execute(text("SELECT count(*) FROM orders o JOIN shops s ON s.id = o.shop_id WHERE s.domain = :d"),
                                    {"d": shop}).scalar()

        started = time.perf_counter()
        for _ in range(2):
            workers.append(subprocess.Popen([str(bin_dir / "shopify-roi"), "worker"], env=env, cwd=ROOT))
        while stored() < args.webhooks:
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        print(f"processing: {args.webhooks} orders into {engine.dialect.name} by 2 workers in {elapsed:.1f}s = "
              f"{args.webhooks / elapsed:.0f} orders/s (including worker start-up)")
    finally:
        for proc in workers + [web]:
            proc.terminate()
        for proc in workers + [web]:
            proc.wait(10)
        stand_in.stop()


if __name__ == "__main__":
    main()
