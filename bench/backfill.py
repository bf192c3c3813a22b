"""Backfill: a bulk-operation JSONL of N orders (line items, refund ids, in the stand-in's JSONL shape)
ingested by the app's backfill code path (`services.orders.backfill.ingest`: the file streamed over
HTTP by `shopify_client.bulk.stream_raw_lines`, spilled to a temporary SQLite file and read back as
orders (`bulk_jsonl`), the lines of refunds read through the Admin API, orders parsed and written in
batches of 500 by the one write path, `services.orders.store.apply_batch`): orders/s and the process's
peak resident memory (with its children: the import's second process and the file's HTTP server),
sampled every 0.25 s over the run (it must stay flat: the file is streamed and spilled, never loaded).
`--processes 1` is the single-process path; the default, 2, is the app's (IMPORT_PROCESSES): from 20,000
orders on PostgreSQL a forked child ingests the second half of the spilled file (backfill_shares.py).

The JSONL, fast path for large N: the stand-in's generator makes a template shop (2,000 orders over 7
days, 20 creators, with its refunds, cancellations, edits, test orders and foreign currencies) and the
stand-in's bulk operation (devstore.admin.bulk.operations.execute, the app's orders_bulk query, grouped)
turns it into JSONL; that JSONL is then repeated, each copy with its ids moved (orders, lines, refunds:
all new; customers shared by every 150th copy: repeat customers) and its times moved by 365/copies days,
until N orders (a year of history). As Shopify writes it since `groupObjects` defaults to false, the line
items are not next to their order: a quarter of the orders' items go to the end of the file, the others
after one to three later orders (`--grouped` writes them next to their order). The file (~1 KB per
order) is served by `python -m http.server` on loopback, as Shopify serves it from its storage URL;
the app sees a COMPLETED operation with that URL, and its refund-line requests (`RefundLines`) are
answered from the template's refunds, as the stand-in answers them (`StubShopify`), with no throttle:
the figure is the app's own speed. What Shopify's cost budget adds is printed apart: the refunds read,
the requests, their actual cost, and the minutes that cost takes at each plan's restore rate.

Where the server runs with autovacuum off (as the one of the latest figures), the script ANALYZEs the
tables every 20 s during the run, as autoanalyze would: with the empty table's statistics the app's
per-batch lookups become whole-table scans and the run slows down as it goes (271 orders/s after
130,000 orders, against 782/s at the start).

Run (PostgreSQL on 127.0.0.1; makes and drops its own database):
  python bench/backfill.py                    # 100,000 orders (~3 minutes)
  python bench/backfill.py --orders 1000000   # the full size
  python bench/backfill.py --smoke            # CI's smoke size: 2,000 orders (one copy of the template)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
import time
from calendar import timegm
from pathlib import Path

import common

SHOP = "bench-backfill.myshopify.com"
TEMPLATE_ORDERS = 2000
STRIDE = 10_000_000  # id distance between copies (the template's ids span far less)
CUSTOMER_CYCLE = 150  # copies that share their customers
GID = re.compile(r"(gid://shopify/\w+/)(\d+)")
PLANS = {
    "Standard": 100,
    "Advanced": 200,
    "Plus": 1000,
    "Enterprise": 2000,
}  # restore points/s (rate-limits doc)
SLOT = re.compile(r'gid://shopify/(\w+)/(\d+)|"legacyResourceId":"(\d+)"|"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"')


def template() -> tuple[list[list], dict[int, dict]]:
    """The template shop: its JSONL blocks (`blocks`) and each refund's `RefundLines` node, by refund id, as
    the stand-in answers the app's query."""
    from devstore.admin.bulk import operations
    from devstore.admin.engine import ResolverContext, prepare, run
    from devstore.config import DevstoreConfig
    from shopify_roi.shopify_client.admin import load_query
    from shopify_roi.shopify_client.bulk import orders_query
    from shopify_roi.shopify_client.refunds import LINES_FIRST_PAGE

    made = common.generate_events(
        TEMPLATE_ORDERS, common.creator_profiles(20), start="2025-11-25", days=7, shop_domain=SHOP
    )
    context = ResolverContext(made["_store"], made["_shop"], DevstoreConfig(), "read_orders,read_all_orders")
    text, _, _ = operations.execute(prepare(orders_query("")), context, group=True)
    refund_ids = sorted({int(m) for m in re.findall(r"gid://shopify/Refund/(\d+)", text)})
    nodes = {}
    for start in range(0, len(refund_ids), 100):
        variables = {
            "ids": [f"gid://shopify/Refund/{n}" for n in refund_ids[start : start + 100]],
            "lines": LINES_FIRST_PAGE,
        }
        answer = run(prepare(load_query("refund_lines"), variables), context, variables)
        assert not answer.errors, answer.errors
        nodes.update((int(node["id"].rsplit("/", 1)[1]), node) for node in answer.data["nodes"])
    return split_blocks(text), nodes


def split_blocks(text: str) -> list[list]:
    """The grouped JSONL, one block per order (its line and its children's lines), each block a list of
    text pieces and slots: ("id", n), ("customer", n), ("time", epoch)."""
    grouped: list[list[str]] = []
    for line in text.splitlines():
        if '"__parentId"' not in line:
            grouped.append([])
        grouped[-1].append(line)
    out = []
    for block in grouped:
        body = "\n".join(block) + "\n"
        parts: list = []
        last = 0
        for m in SLOT.finditer(body):
            parts.append(body[last : m.start()])
            if m.group(1):
                kind = "customer" if m.group(1) == "Customer" else "id"
                parts.append(f"gid://shopify/{m.group(1)}/")
                parts.append((kind, int(m.group(2))))
            elif m.group(3):
                parts.append('"legacyResourceId":"')
                parts.append(("id", int(m.group(3))))
                parts.append('"')
            else:
                parts.append('"')
                parts.append(("time", timegm(time.strptime(m.group(4), "%Y-%m-%dT%H:%M:%SZ"))))
                parts.append('"')
            last = m.end()
        parts.append(body[last:])
        out.append(parts)
    return out


def write_jsonl(path: Path, orders: int, blocks_: list[list], grouped: bool = False) -> tuple[int, int]:
    """N orders of JSONL from the template (see the module's doc); (lines, bytes). Ungrouped: an order's
    children after the order 1-3 places later, or (every 4th order's) at the end of the file."""
    copies = -(-orders // len(blocks_))
    shift_per_copy = 365 * 86400 // copies
    lines = size = 0
    pending: dict[int, list[str]] = {}
    tail_path = path.with_suffix(".tail")
    with open(path, "w") as out, open(tail_path, "w") as tail:
        for n in range(orders):
            copy, block = divmod(n, len(blocks_))
            id_shift, cust_shift, t_shift = (
                copy * STRIDE,
                (copy % CUSTOMER_CYCLE) * STRIDE,
                copy * shift_per_copy,
            )
            pieces = []
            for part in blocks_[block]:
                if type(part) is str:
                    pieces.append(part)
                elif part[0] == "id":
                    pieces.append(str(part[1] + id_shift))
                elif part[0] == "customer":
                    pieces.append(str(part[1] + cust_shift))
                else:
                    pieces.append(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(part[1] + t_shift)))
            text = "".join(pieces)
            lines += text.count("\n")
            size += len(text)
            root, _, children = text.partition("\n")
            out.write(root + "\n")
            out.writelines(pending.pop(n, ()))
            if grouped:
                out.write(children)
            elif n % 4 == 1:
                tail.write(children)
            elif children:
                pending.setdefault(n + 1 + n % 3, []).append(children)
        for n in sorted(pending):
            out.writelines(pending[n])
    with open(path, "a") as out, open(tail_path) as tail:
        shutil.copyfileobj(tail, out)
    tail_path.unlink()
    return lines, size


class StubShopify:
    """The Admin API calls `backfill.ingest` makes: the bulk operation's status (COMPLETED at `url`) and the
    refund lines (`RefundLines`: the template refund each moved id comes from, its ids moved the same way).
    Counts what Shopify would charge for the refund reads (the actual cost of what was returned)."""

    def __init__(self, url: str, objects: int, refunds: dict[int, dict]):
        import multiprocessing

        self.url, self.objects, self.refunds = url, objects, refunds
        self.base = min(refunds) if refunds else 0
        # requests, refunds read, actual points: in shared memory, counted by the import's forked children too
        self.counts = multiprocessing.get_context("fork").Array("q", 3)

    def forked(self) -> None:
        """A forked child of the import: no connection to renew (the answers are made here)."""

    @property
    def requests(self) -> int:
        return self.counts[0]

    @property
    def refunds_read(self) -> int:
        return self.counts[1]

    @property
    def actual_points(self) -> int:
        return self.counts[2]

    def execute(self, query, variables=None, operation_name=None):
        if operation_name == "BulkOperationStatus":
            return {
                "bulkOperation": {
                    "id": variables["id"],
                    "status": "COMPLETED",
                    "errorCode": None,
                    "objectCount": str(self.objects),
                    "url": self.url,
                }
            }
        assert operation_name == "RefundLines", (
            operation_name
        )  # the template's refunds have <= 3 lines: one page
        nodes, points = [], 0
        for gid in variables["ids"]:
            moved = int(gid.rsplit("/", 1)[1])
            shift = (moved - self.base) // STRIDE * STRIDE
            text = json.dumps(self.refunds[moved - shift])
            node = json.loads(GID.sub(lambda m, shift=shift: f"{m.group(1)}{int(m.group(2)) + shift}", text))
            # the actual cost of what came back: the refund 1 + its connection 2 + 6 a line
            points += 3 + 6 * len(node["refundLineItems"]["nodes"])
            nodes.append(node)
        with self.counts.get_lock():
            self.counts[0] += 1
            self.counts[1] += len(nodes)
            self.counts[2] += points
        return {"nodes": nodes}

    def budget(self) -> str:
        """What Shopify's cost budget makes of the refund reads, per plan."""
        minutes = ", ".join(
            f"{plan} {self.actual_points / rate / 60:.1f} min" for plan, rate in PLANS.items()
        )
        return (
            f"refund lines read for {self.refunds_read} refunds in {self.requests} requests, actual cost "
            f"{self.actual_points} points: at the plan's restore rate {minutes}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the database and the JSONL")
    parser.add_argument(
        "--profile", metavar="DIR", help="py-spy this process for the first 20 s of the ingest"
    )
    parser.add_argument(
        "--grouped", action="store_true", help="each order's line items right after it (groupObjects: true)"
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="processes that share the file (IMPORT_PROCESSES; 1: the single-process path)",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="CI's smoke size (2,000 orders): it must run, figures not judged"
    )
    args = parser.parse_args()
    if args.smoke:
        args.orders = TEMPLATE_ORDERS

    from shopify_roi.db import Database
    from shopify_roi.models import BackfillRun
    from shopify_roi.models.backfill import RUNNING
    from shopify_roi.services.orders import backfill, backfill_shares

    tmp = Path(tempfile.mkdtemp(prefix="roi_bench_backfill_"))
    jsonl = tmp / "orders.jsonl"
    started = time.perf_counter()
    blocks, refund_nodes = template()
    lines, size = write_jsonl(jsonl, args.orders, blocks, grouped=args.grouped)
    print(
        f"  JSONL: {args.orders} orders, {lines} lines, {size / 1048576:.0f} MB, written in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    db_name = common.smoke_name("roi_bench_backfill", args.smoke)
    url = common.create_db(db_name)
    try:
        common.migrate(common.app_env(url))
        shop_id = common.seed_shop(url, SHOP, common.creator_profiles(20))
    except BaseException:
        common.drop_db(db_name)
        raise
    port = common.free_port()
    server = subprocess.Popen(
        [
            str(common.BIN / "python"),
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(tmp),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    db = Database(url)
    try:
        common.wait_http(f"http://127.0.0.1:{port}/")
        with db.session() as session:
            run = BackfillRun(
                shop_id=shop_id,
                kind="history",
                search="",
                range_note="",
                bulk_operation_id="gid://shopify/BulkOperation/1",
                status=RUNNING,
            )
            session.add(run)
            session.flush()
            run_id = run.id
        client = StubShopify(f"http://127.0.0.1:{port}/{jsonl.name}", lines, refund_nodes)
        marks: dict[int, int] = {}
        sampler = common.RssSampler(children=True)  # the import's children, and the file's HTTP server

        def progress(seen: int, _total: int) -> None:
            decile = seen * 10 // args.orders
            if decile not in marks:
                marks[decile] = sampler.rss()
                rss = common.mb(marks[decile])
                print(f"    {seen} orders in {time.perf_counter() - began:.0f} s, RSS {rss}", flush=True)

        spy = (
            common.pyspy_start(__import__("os").getpid(), Path(args.profile) / "backfill.txt", 20, gil=False)
            if args.profile
            else None
        )
        before = sampler.rss()
        began = time.perf_counter()
        analyzer = common.Analyzer(url, ("orders", "order_lines", "refunds", "refund_lines"))
        if common.autovacuum_on(url):
            analyzer.interval = 1e9  # the server analyzes by itself
        with sampler, analyzer:
            figures = backfill.ingest(
                db, client, shop_id, run_id, progress=progress, processes=args.processes
            )
        elapsed = time.perf_counter() - began
        if spy is not None:
            spy.wait(60)
        with common.connect(url) as conn:
            stored = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
            refunds = conn.execute("SELECT count(*) FROM refunds").fetchone()[0]
            lines_stored = conn.execute("SELECT count(*) FROM order_lines").fetchone()[0]
            refund_lines = conn.execute("SELECT count(*) FROM refund_lines").fetchone()[0]
    finally:
        db.dispose()
        common.stop(server)
        if not args.keep:
            common.drop_db(db_name)
            jsonl.unlink()
            tmp.rmdir()
    common.smoke_require(args.smoke, stored > 0 and elapsed > 0, f"no orders stored ({figures})")
    common.smoke_require(args.smoke, figures["status"] == "done", f"the backfill run ended {figures}")
    trace = ", ".join(f"{d * 10}% {common.mb(r)}" for d, r in sorted(marks.items()))
    print(
        f"  run: {figures['status']}, orders seen {figures['orders_seen']}, "
        f"repaired {figures['orders_repaired']}, refunds {figures['refunds_repaired']}; "
        f"stored {stored} orders, {lines_stored} lines, {refunds} refunds ({refund_lines} refund lines)",
        flush=True,
    )
    if figures.get("error"):  # orders the parser refused (the run goes on without them)
        print(f"  the run's note: {figures['error'][:300]}")
    print(f"  RSS by progress: {trace}")
    print(f"  Shopify's cost budget: {client.budget()}")
    if args.profile:
        print("  py-spy (wall clock) of the first 20 s, % of backfill.ingest (inclusive, self):")
        for frame, inc, own in common.pyspy_summary(
            Path(args.profile) / "backfill.txt",
            30,
            ("shopify_roi/", "psycopg/", "orm/session.py", "unitofwork", "json/"),
            within="ingest (shopify_roi/services/orders/backfill.py",
        ):
            print(f"    {inc:5.1f} {own:5.1f}  {frame}")
    # The first reading from 10 % on (the job's process reports every few seconds while children write,
    # so a small run may skip the 10 % mark).
    settled = next((r for d, r in sorted(marks.items()) if d >= 1), before)
    shared = backfill_shares.worth_sharing(db, args.processes, args.orders)
    shares = f"{args.processes} processes" if shared else "1 process"
    layout = "grouped" if args.grouped else "ungrouped"
    print(
        f"backfill ({common.nproc()} cores, {shares}): {args.orders} orders "
        f"({size / 1048576:.0f} MB JSONL, {layout}) "
        f"in {elapsed:.0f} s = {args.orders / elapsed:.0f} orders/s "
        f"(1M at this rate: {1_000_000 / (args.orders / elapsed) / 60:.1f} min); "
        f"RSS {common.mb(before)} before, {common.mb(settled)} at 10 %, peak {common.mb(sampler.peak)} "
        f"(+{common.mb(sampler.peak - settled)} after 10 %)"
    )
    common.smoke_leftovers(args.smoke)


if __name__ == "__main__":
    main()
