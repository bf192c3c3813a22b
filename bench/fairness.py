"""Fair between shops: one shop's history import runs while another shop sends order webhooks; the second
shop's webhook-to-figure delay (its webhook acknowledged by the app → the order counted by the ROI API the
merchant's page reads) is measured beside a baseline of the same stream with no import, in the same run.

The deployment measured is the README's ("Fair between shops"): the web process (gunicorn, as the
Procfile runs it) and two workers. A history import is a bulk job and holds at most one worker at a time
(`BULK_JOB_SLOTS`, default 1), so here one worker is busy with the import (the importing process below
runs the import job's code, `services.orders.backfill.ingest`, holding the bulk slot as the job does, on
the shop's bulk-operation JSONL served over HTTP as Shopify serves it, with bench/backfill.py's
StubShopify) and the other, a real
`shopify-roi worker`, serves every other job: the second shop's webhooks are drained there. The
import refreshes its own shop's rollup itself, which the periodic pass in the second shop's worker then
leaves alone (services/orders/import_rollup.py, as the import job does; `--shared-rollup`: as the code
before it).

Shop B's webhooks: signed `orders/create` deliveries (one line, a new customer each, dated now) sent at
`--rate` per second by four sender threads to the app's `/webhooks/orders`; the time each is
acknowledged is kept. A poller asks the ROI API (`/api/metrics/creators`, today, with an App Bridge session
token) every 0.2 s for the shop's order count: the k-th acknowledged order is visible from the first
answer counting k orders (the drain takes deliveries oldest first). Delay = visible - acknowledged.

The second shop's worker's log (its jobs and their times) is copied to $TMPDIR/bench-fairness-worker.log.

Run (PostgreSQL and Redis on 127.0.0.1; makes and drops its own database; its own Redis queue):
  python bench/fairness.py                                  # 1,000,000-order import, 200 webhooks/s
  python bench/fairness.py --orders 100000 --rate 100      # a quicker run
  python bench/fairness.py --orders 100000 --shared-rollup  # the rollup pass as before
  python bench/fairness.py --smoke                          # CI's smoke size: 2,000 orders, 20/s
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import backfill as bf
import common

SHOP_A = bf.SHOP  # the importing shop
SHOP_B = "bench-fair-b.myshopify.com"  # the shop that keeps selling


def order_template() -> dict:
    """One orders/create body of the stand-in's generator (one line, no refunds)."""
    found: list[dict] = []

    def emit(topic: str, text: str) -> None:
        body = json.loads(text)
        if not found and topic == "orders/create" and len(body["line_items"]) == 1 and not body.get("test"):
            found.append(body)

    common.generate_events(50, common.creator_profiles(5), shop_domain=SHOP_B, emit=emit)
    return found[0]


def body_for(template: dict, k: int) -> bytes:
    """The k-th order of the stream: new ids, a new customer, dated now."""
    body = copy.deepcopy(template)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    oid = 900_000_000 + k
    body.update(
        id=oid,
        admin_graphql_api_id=f"gid://shopify/Order/{oid}",
        name=f"#F{k}",
        order_number=500_000 + k,
        created_at=now,
        updated_at=now,
        processed_at=now,
        cancelled_at=None,
        financial_status="paid",
        test=False,
    )
    if body.get("customer"):
        body["customer"]["id"] = 800_000_000 + k
    for i, line in enumerate(body["line_items"]):
        line["id"] = oid * 10 + i
    return json.dumps(body, separators=(",", ":")).encode()


class Stream:
    """Signed orders/create deliveries at `rate`/s; acknowledged times, and the ROI API's count over time."""

    def __init__(self, app_url: str, template: dict, rate: float):
        self.app_url, self.template, self.rate = app_url, template, rate
        self.acked: list[float] = []
        self.seen: list[tuple[float, int]] = []
        self.errors = 0
        self.sent = 0
        self.base = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def _sender(self, lane: int, lanes: int, first: int, started: float) -> None:
        import requests

        from shopify_roi.shopify_client.webhook_hmac import sign

        session = requests.Session()
        k = first + lane
        while not self._stop.is_set():
            due = started + (k - first) / self.rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            raw = body_for(self.template, k)
            headers = {
                "Content-Type": "application/json",
                "X-Shopify-Topic": "orders/create",
                "X-Shopify-Shop-Domain": SHOP_B,
                "X-Shopify-Hmac-Sha256": sign(raw, common.DEMO_SECRET),
                "X-Shopify-Webhook-Id": f"fair-{os.getpid()}-{k}",
                "X-Shopify-Event-Id": f"fair-e-{os.getpid()}-{k}",
                "X-Shopify-API-Version": "2026-10",
                "X-Shopify-Triggered-At": datetime.now(UTC).isoformat(),
            }
            try:
                ok = session.post(f"{self.app_url}/webhooks/orders", data=raw, headers=headers, timeout=10).ok
            except requests.RequestException:
                ok = False
            with self._lock:
                if ok:
                    self.acked.append(time.perf_counter())
                else:
                    self.errors += 1
                self.sent += 1
            k += lanes

    def _poller(self) -> None:
        import requests

        session = requests.Session()
        today = date.today()
        params = {
            "from": (today - timedelta(days=1)).isoformat(),
            "to": (today + timedelta(days=1)).isoformat(),
        }
        while not self._stop.is_set() or self.visible() - self.base < len(self.acked):
            token = common.session_token(SHOP_B)
            try:
                resp = session.get(
                    f"{self.app_url}/api/metrics/creators",
                    params=params,
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=10,
                )
                if resp.ok:
                    self.seen.append((time.perf_counter(), int(resp.json()["totals"]["orders"])))
            except requests.RequestException:
                pass
            if self._stop.is_set() and time.perf_counter() > self._stopped_at + 120:
                return  # what never became visible counts as lost below
            time.sleep(0.2)

    def visible(self) -> int:
        return self.seen[-1][1] if self.seen else 0

    def run_while(self, keep_going, first: int) -> dict:
        """Send from order `first` while keep_going(); then wait for every acknowledged order to show."""
        self.acked, self.seen, self.errors, self.sent = [], [], 0, 0
        self._stop.clear()
        base = self.base = self._count_now()
        started = time.perf_counter()
        lanes = 4
        threads = [
            threading.Thread(target=self._sender, args=(i, lanes, first, started), daemon=True)
            for i in range(lanes)
        ]
        poller = threading.Thread(target=self._poller, daemon=True)
        for t in threads:
            t.start()
        poller.start()
        while keep_going():
            time.sleep(0.1)
        self._stop.set()
        self._stopped_at = time.perf_counter()
        for t in threads:
            t.join()
        poller.join()
        return self._delays(base, time.perf_counter() - started)

    def _count_now(self) -> int:
        import requests

        today = date.today()
        resp = requests.get(
            f"{self.app_url}/api/metrics/creators",
            params={
                "from": (today - timedelta(days=1)).isoformat(),
                "to": (today + timedelta(days=1)).isoformat(),
            },
            headers={"Authorization": f"Bearer {common.session_token(SHOP_B)}"},
            timeout=30,
        )
        resp.raise_for_status()
        return int(resp.json()["totals"]["orders"])

    def _delays(self, base: int, seconds: float) -> dict:
        acked = sorted(self.acked)
        delays, lost = [], 0
        j = 0
        by_minute: dict[int, float] = {}  # minute of the stream -> the longest delay of a webhook acked then
        for k, at in enumerate(acked, start=1):
            while j < len(self.seen) and self.seen[j][1] - base < k:
                j += 1
            if j == len(self.seen):
                lost = len(acked) - k + 1
                break
            delays.append(max(self.seen[j][0] - at, 0.0))
            minute = int((at - acked[0]) // 60)
            by_minute[minute] = max(by_minute.get(minute, 0.0), delays[-1])
        return {
            "by_minute": " ".join(f"{by_minute[m]:.1f}" for m in sorted(by_minute)),
            "sent": self.sent,
            "acknowledged": len(acked),
            "errors": self.errors,
            "not_visible": lost,
            "seconds": seconds,
            "p50": common.pct(delays, 0.50),
            "p99": common.pct(delays, 0.99),
            "max": max(delays) if delays else float("nan"),
        }


def import_child(args) -> None:
    """The worker busy with the import: the import job's code on the JSONL (`--import-child`)."""
    from shopify_roi.config import from_env
    from shopify_roi.db import Database
    from shopify_roi.jobs import bulk_slots
    from shopify_roi.models import BackfillRun
    from shopify_roi.models.backfill import RUNNING
    from shopify_roi.runtime import Runtime
    from shopify_roi.services.orders import backfill, import_rollup

    _, refunds = bf.template()
    db = Database(args.database_url)
    with db.session() as session:
        run = BackfillRun(
            shop_id=args.shop_id,
            kind="history",
            search="",
            range_note="",
            bulk_operation_id="gid://shopify/BulkOperation/1",
            status=RUNNING,
        )
        session.add(run)
        session.flush()
        run_id = run.id
    client = bf.StubShopify(args.jsonl_url, args.lines, refunds)
    print("ready", flush=True)  # the parent starts the second shop's stream now
    # what the import job runs between batches (jobs/backfill.py: import_rollup.for_job), on the app's
    # runtime as the worker builds it (the same Redis and queue name as the second shop's worker)
    rt = Runtime.build(from_env())
    between = None if args.shared_rollup else import_rollup.for_job(rt, args.shop_id)
    began = time.perf_counter()
    with bulk_slots.held_slot(rt) as held:  # the bulk slot the import job holds (jobs/bulk_slots.py)
        if held is None:
            raise SystemExit("the bulk slot is taken: another import of this queue runs")
        figures = backfill.ingest(  # IMPORT_PROCESSES as the job: from 20,000 orders, a niced child too
            db, client, args.shop_id, run_id, between_batches=between, processes=rt.settings.import_processes
        )
    if between:
        import_rollup.import_ended(rt, args.shop_id)
    print(
        json.dumps(
            {
                "status": figures["status"],
                "orders": figures["orders_seen"],
                "seconds": time.perf_counter() - began,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000, help="orders the first shop imports")
    parser.add_argument("--rate", type=float, default=200, help="the second shop's webhooks per second")
    parser.add_argument("--baseline", type=float, default=30, help="seconds of the stream with no import")
    parser.add_argument(
        "--smoke", action="store_true", help="CI's smoke size: 2,000 orders, 20/s, 5 s baseline"
    )
    parser.add_argument(
        "--shared-rollup",
        action="store_true",
        help="the periodic pass refreshes the importing shop's rollup too (the code before import_rollup.py)",
    )
    parser.add_argument("--import-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--jsonl-url", help=argparse.SUPPRESS)
    parser.add_argument("--lines", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--shop-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_child:
        import_child(args)
        return
    if args.smoke:
        args.orders, args.rate, args.baseline = bf.TEMPLATE_ORDERS, 20, 5

    import redis

    tmp = Path(tempfile.mkdtemp(prefix="roi_bench_fair_"))
    jsonl = tmp / "orders.jsonl"
    blocks, _ = bf.template()
    lines, size = bf.write_jsonl(jsonl, args.orders, blocks)
    print(f"  JSONL of the importing shop: {args.orders} orders, {size / 1048576:.0f} MB", flush=True)
    db_name = common.smoke_name("roi_bench_fair", args.smoke)
    url = common.create_db(db_name)
    redis_url = common.REDIS + "/9"
    queue = f"bench-fair-{os.getpid()}"
    procs: list[subprocess.Popen] = []
    conn = redis.Redis.from_url(redis_url)
    log = open(tmp / "app.log", "w")  # noqa: SIM115 - closed after the processes
    try:
        common.migrate(common.app_env(url))
        shop_a = common.seed_shop(url, SHOP_A, common.creator_profiles(20))
        common.seed_shop(url, SHOP_B, common.creator_profiles(5))
        # The periodic work that would call Shopify, which this bench does not run: the 6-hourly code check,
        # and the install check (the seeded shops have no history import, so their `sync_shop` would be
        # queued again every 5 min, and each would hold the second shop's worker through ~32 s of the Admin
        # client's retries).
        for task in ("codes", "installs"):
            conn.set(f"shopify-roi:periodic:{task}", 1, ex=7200)
        port, files = common.free_port(), common.free_port()
        env = common.app_env(url, redis_url, app_url=f"http://127.0.0.1:{port}", RQ_QUEUE=queue)
        procs.append(common.gunicorn("shopify_roi.wsgi:app", port, env))
        procs.append(
            subprocess.Popen(
                [str(common.BIN / "shopify-roi"), "worker"], env=env, cwd=common.ROOT, stdout=log, stderr=log
            )
        )
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "http.server",
                    str(files),
                    "--bind",
                    "127.0.0.1",
                    "--directory",
                    str(tmp),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        common.wait_http(f"http://127.0.0.1:{port}/healthz", 60)
        common.wait_http(f"http://127.0.0.1:{files}/", 30)
        stream = Stream(f"http://127.0.0.1:{port}", order_template(), args.rate)

        until = time.perf_counter() + args.baseline
        base = stream.run_while(lambda: time.perf_counter() < until, first=0)
        report("baseline, no import", base)

        child = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--import-child",
                "--database-url",
                url,
                "--jsonl-url",
                f"http://127.0.0.1:{files}/{jsonl.name}",
                "--lines",
                str(lines),
                "--shop-id",
                str(shop_a),
                *(["--shared-rollup"] if args.shared_rollup else []),
            ],
            env=env,
            cwd=common.ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        procs.append(child)
        if child.stdout.readline().strip() != "ready":
            raise SystemExit("the importing process did not start")
        during = stream.run_while(lambda: child.poll() is None, first=10_000_000)
        outcome = json.loads((child.stdout.read() or "{}").strip().splitlines()[-1] or "{}")
        report(f"during the import of {args.orders} orders", during)
        print(f"  the import: {outcome}", flush=True)
    finally:
        common.stop(*procs)
        conn.delete(
            "shopify-roi:periodic:codes",
            "shopify-roi:periodic:installs",
            *conn.keys("shopify-roi:orders-drain-requested*"),
        )
        from rq import Queue

        Queue(queue, connection=conn).delete(delete_jobs=True)
        common.drop_db(db_name)
        log.close()  # the worker's log (its jobs, with their times) is kept for where the time went
        shutil.copyfile(tmp / "app.log", Path(tempfile.gettempdir()) / "bench-fairness-worker.log")
        for path in tmp.iterdir():
            path.unlink()
        tmp.rmdir()
    common.smoke_require(
        args.smoke, base["acknowledged"] > 0 and during["acknowledged"] > 0, "no webhook acknowledged"
    )
    common.smoke_require(args.smoke, outcome.get("status") == "done", f"the import ended {outcome}")
    common.smoke_require(
        args.smoke, during["not_visible"] == 0, "acknowledged orders never reached the ROI API"
    )
    common.smoke_leftovers(args.smoke)
    print(
        f"fairness: webhook-to-figure p99 {during['p99']:.2f} s during a {args.orders}-order import "
        f"({outcome.get('seconds', float('nan')):.0f} s) at {args.rate:.0f}/s, "
        f"baseline p99 {base['p99']:.2f} s; "
        f"not visible {during['not_visible']}"
    )


def report(what: str, r: dict) -> None:
    print(
        f"  {what}: {r['acknowledged']} of {r['sent']} acknowledged in {r['seconds']:.0f} s, "
        f"errors {r['errors']}; "
        f"webhook-to-figure p50 {r['p50']:.2f} s, p99 {r['p99']:.2f} s, max {r['max']:.2f} s; "
        f"never visible {r['not_visible']}; the longest delay of each minute (s): {r['by_minute']}",
        flush=True,
    )


if __name__ == "__main__":
    main()
