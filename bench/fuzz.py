"""The fuzzing net's long profile: tests/hostile/test_fuzz_deliveries.py with bigger storms, random draws.

Each storm signs and sends DELIVERIES deliveries drawn from Shopify's webhook JSON Schemas with hostile values
(two fuzzed shops and one that never installed the app) while the stand-in delivers ORDERS generated orders of
a healthy shop; the worker drains; every delivery must end processed or alone with its reason, the healthy
shop's figures must equal the stand-in's to the cent, no 5xx, no job raising. The suite runs the short
profile (3 storms of 24, derandomized); this is the one to leave running.

Run: .venv/bin/python bench/fuzz.py [--storms 200] [--deliveries 100] [--orders 40] [--sqlite] [--seed N]
On PostgreSQL and Redis by default (BENCH_PG, BENCH_REDIS; a database made and dropped by the test's
fixtures, Redis database --redis-db); `--sqlite` runs on SQLite and the in-process queue. A failure prints
Hypothesis's `@reproduce_failure` blob and the delivery that broke the rule; `--seed` replays a run's draws.
The last line: `fuzz: N fuzzed deliveries, {...}; healthy shop {...}` and the time taken.
`--smoke` (CI): 2 storms of 24 deliveries and 10 healthy orders.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import common


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storms", type=int, default=200, help="Hypothesis examples (storms)")
    parser.add_argument("--deliveries", type=int, default=100, help="fuzzed deliveries per storm")
    parser.add_argument("--orders", type=int, default=40, help="the healthy shop's orders per storm")
    parser.add_argument("--sqlite", action="store_true", help="SQLite and the in-process queue")
    parser.add_argument("--seed", type=int, help="Hypothesis's seed (replays a run's draws)")
    parser.add_argument("--redis-db", type=int, default=9)
    parser.add_argument(
        "--smoke", action="store_true", help="CI's smoke size: 2 storms of 24 deliveries, 10 healthy orders"
    )
    args = parser.parse_args()
    if args.smoke:
        args.storms, args.deliveries, args.orders = 2, 24, 10
    env = dict(
        os.environ,
        FUZZ_EXAMPLES=str(args.storms),
        FUZZ_DELIVERIES=str(args.deliveries),
        FUZZ_ORDERS=str(args.orders),
        DATABASE_URL="" if args.sqlite else f"{common.PG}/postgres",
        REDIS_URL="" if args.sqlite else f"{common.REDIS}/{args.redis_db}",
    )
    command = [str(common.BIN / "python"), "-m", "pytest", "-q", "-s"]
    command += ["tests/hostile/test_fuzz_deliveries.py"]
    if args.seed is not None:
        command.append(f"--hypothesis-seed={args.seed}")
    started = time.monotonic()
    done = subprocess.run(command, cwd=common.ROOT, env=env, check=False)
    print(
        f"fuzz: {args.storms} storms of {args.deliveries} deliveries and {args.orders} healthy orders on "
        f"{'SQLite' if args.sqlite else 'PostgreSQL and Redis'}: "
        f"{'passed' if done.returncode == 0 else 'FAILED'} in {time.monotonic() - started:.0f} s"
    )
    common.smoke_leftovers(args.smoke)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
