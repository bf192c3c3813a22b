"""Migration 0029 on a large shop: how long re-keying a shop's rows by `(id, shop_id)` and re-making the
references between them with the shop takes (README "Scale-out"), and that every row is kept.

A database at revision 0028 gets a shop of 1,000,000 orders (bench/dataset.py: lines, refunds, customers,
clicks, creators, codes, links, spend), then `upgrade head` runs migration 0029 while this script times
it. Each table 0029 touches is counted and checksummed (the sum of a hash of every row's text) before and
after: both must be equal. The migration holds its tables' locks while it runs (ALTER TABLE), so its
time is how long an upgrade stops the app's writes: the figure a deploy has to plan for.

Run (PostgreSQL on 127.0.0.1; makes its own database, dropped at the end unless --keep):
  python bench/migration_keys.py                   # 1,000,000 orders (~2 min to load)
  python bench/migration_keys.py --orders 200000   # a quicker run
  python bench/migration_keys.py --smoke           # CI's smoke size: 2,000 orders
"""

from __future__ import annotations

import argparse
import importlib
import time

import common
import dataset

SHOP = "bench-keys.myshopify.com"


def _tables() -> list[str]:
    keys = importlib.import_module("migrations.versions.0029_shop_rows_keyed_by_shop")
    return sorted(set(keys.KEYED) | {table for table, *_ in keys.REFERENCES})


def _census(url: str, tables: list[str]) -> dict[str, tuple[int, int]]:
    """table -> (rows, the sum of a hash of each row's text)."""
    with common.connect(url) as conn:
        return {
            t: tuple(
                conn.execute(f"SELECT count(*), coalesce(sum(hashtext(x::text)), 0) FROM {t} x").fetchone()
            )
            for t in tables
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--smoke", action="store_true", help="CI's smoke size (2,000 orders): it must run")
    args = parser.parse_args()
    if args.smoke:
        args.orders = 2_000

    from shopify_roi.migrate import upgrade

    db_name = common.smoke_name("roi_bench_keys", args.smoke)
    url = common.create_db(db_name)
    try:
        upgrade(url, "0028")
        shop_id = common.seed_shop(url, SHOP, [])
        made = dataset.load(
            url,
            shop_id,
            orders=args.orders,
            creators=max(20, min(500, args.orders // 2000)),
            customers=max(600, args.orders * 3 // 10),
            clicks=args.orders * 3,
            log=lambda line: print(line, flush=True),
        )
        print(f"  loaded {made['orders']} orders, {made['lines']} lines at revision 0028", flush=True)
        tables = _tables()
        before = _census(url, tables)
        started = time.perf_counter()
        upgrade(url, "head")
        seconds = time.perf_counter() - started
        after = _census(url, tables)
        for table in tables:
            print(f"  {table:<22} {before[table][0]:>10} rows", flush=True)
        with common.connect(url) as conn:  # the migration ran: the orders' key carries the shop
            key = conn.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'pk_orders'"
            ).fetchone()[0]
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        print(f"  now at revision {revision}; orders: {key}", flush=True)
        if key != "PRIMARY KEY (id, shop_id)":
            raise SystemExit(f"the orders' key is {key}")
        changed = [t for t in tables if before[t] != after[t]]
        common.smoke_require(args.smoke, made["orders"] > 0, "no orders loaded")
        if changed:
            raise SystemExit(f"rows changed by the migration: {', '.join(changed)}")
        rows = sum(n for n, _ in before.values())
        print(
            f"migration 0029: {len(tables)} tables, {rows} rows ({made['orders']} orders, "
            f"{made['lines']} lines) re-keyed in {seconds:.1f} s; every row kept (counts and checksums equal)"
        )
    finally:
        if not args.keep:
            common.drop_db(db_name)
    common.smoke_leftovers(args.smoke)


if __name__ == "__main__":
    main()
