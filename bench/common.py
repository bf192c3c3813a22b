"""Helpers shared by the benchmarks (not part of the app; the app never imports bench/).

Databases: each script makes its own PostgreSQL database(s) on the server of `--pg` (default
postgresql://postgres@127.0.0.1:5432), named roi_bench_<script>..., dropped at the end unless
`--keep`. Redis: each script uses its own database number and deletes only the keys it made.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
DEMO_SECRET = "demo-api-secret-for-the-local-stand-in"
DEMO_KEY = "demo-api-key"
# Procfile: gunicorn --workers ${WEB_CONCURRENCY:-2} --threads 4 (gthread). Same here unless told.
GUNICORN_WORKERS, GUNICORN_THREADS = 2, 4

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float = 30) -> None:
    import requests

    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not come up in {seconds:.0f} s")


def pct(values: list[float], p: float) -> float:
    """The p-quantile (0..1) of values, nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))]


def nproc() -> int:
    return os.cpu_count() or 1


# PostgreSQL ------------------------------------------------------------------------------------


def pg_url(name: str, pg: str = PG) -> str:
    return f"{pg.rstrip('/')}/{name}"


def _admin(pg: str = PG):
    import psycopg

    return psycopg.connect(pg_url("postgres", pg), autocommit=True)


def create_db(name: str, pg: str = PG, template: str | None = None) -> str:
    """A fresh, empty database (dropped first if it exists); returns its URL."""
    with _admin(pg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return pg_url(name, pg)


def drop_db(name: str, pg: str = PG) -> None:
    with _admin(pg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def db_exists(name: str, pg: str = PG) -> bool:
    with _admin(pg) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def migrate(env: dict) -> None:
    subprocess.run(
        [str(BIN / "shopify-roi"), "db", "upgrade"], env=env, check=True, capture_output=True, cwd=ROOT
    )


def app_env(database_url: str, redis_url: str = "", app_url: str = "http://127.0.0.1:8000", **extra) -> dict:
    """The app's environment, as production sets it (demo credentials: the stand-in's)."""
    env = {
        **os.environ,
        "APP_URL": app_url,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SHOPIFY_ORIGIN_TEMPLATE": extra.pop("origin_template", "http://127.0.0.1:9/{shop}"),
        "LOG_LEVEL": "WARNING",
        "INPROCESS_WORKER": "0",
    }
    env.update({k: str(v) for k, v in extra.items()})
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


# Processes ---------------------------------------------------------------------------------------


def gunicorn(
    app: str,
    port: int,
    env: dict,
    workers: int = GUNICORN_WORKERS,
    threads: int = GUNICORN_THREADS,
    worker_class: str | None = None,
    access_log: bool = False,
    extra: list[str] | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen:
    """gunicorn as the Procfile runs it (access log off: a benchmark would measure the log); `cwd`: another
    checkout's root to serve (gunicorn puts its directory first on sys.path; set PYTHONPATH to it too)."""
    cmd = [
        str(BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--backlog",
        "2048",
    ]
    if worker_class:
        cmd += ["--worker-class", worker_class]
    if access_log:
        cmd += ["--access-logfile", "-"]
    cmd += extra or []
    return subprocess.Popen(cmd + [app], env=env, cwd=cwd or ROOT, start_new_session=True)


def stop(*procs: subprocess.Popen | None, timeout: float = 15) -> None:
    """Terminate the processes we started (each by its own pid; their process group for children)."""
    for proc in procs:
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                proc.terminate()
    for proc in procs:
        if proc is None:
            continue
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                proc.kill()
            proc.wait(5)


class RssSampler:
    """Peak and samples of a process's resident set size (its children too), every `interval` s."""

    def __init__(self, pid: int | None = None, interval: float = 0.25, children: bool = False):
        import psutil

        self.proc = psutil.Process(pid or os.getpid())
        self.interval, self.children = interval, children
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.started = time.perf_counter()

    def rss(self) -> int:
        total = self.proc.memory_info().rss
        if self.children:
            for child in self.proc.children(recursive=True):
                with contextlib.suppress(Exception):  # a child that just ended
                    total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append((time.perf_counter() - self.started, self.rss()))
            except Exception:  # noqa: BLE001 - the process ended
                return
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)

    @property
    def peak(self) -> int:
        return max((r for _, r in self.samples), default=0)


def mb(n: float) -> str:
    return f"{n / 1048576:.0f} MB"


def dump(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str))


# Stand-in and install ----------------------------------------------------------------------------


def start_stand_in(app_url: str):
    from devstore.config import DevstoreConfig
    from devstore.testing import DevstoreServer

    return DevstoreServer(DevstoreConfig(app_url=app_url, app_toml=ROOT / "shopify.app.toml")).start()


def install_shop(
    stand_in,
    app_url: str,
    shop: str,
    scopes: str = "read_orders,read_all_orders,write_discounts,read_customers",
    timezone: str = "America/New_York",
) -> None:
    """Create the shop in the stand-in and install the app on it through the real OAuth flow."""
    import requests

    stand_in.control.create_shop(shop, scopes=scopes, timezone=timezone, currency="USD")
    resp = requests.get(f"{app_url}/auth", params={"shop": shop}, timeout=60)
    if not (resp.ok and any("/auth/callback" in r.url for r in resp.history)):
        raise SystemExit(f"install of {shop} failed: {resp.status_code} {resp.text[:300]}")
    if "read_all_orders" in scopes.split(
        ","
    ):  # optional in shopify.app.toml: the merchant grants it after install
        stand_in.control.request_scopes(shop, ["read_all_orders"])


def session_token(shop: str, api_key: str = DEMO_KEY, secret: str = DEMO_SECRET, ttl: int = 3600) -> str:
    """An App Bridge session token (HS256, aud = API key, iss/dest = the shop), as the admin mints it."""
    from devstore.oauth.session_tokens import mint

    return mint(shop, api_key, secret, ttl=ttl)


# Data from the stand-in's generator ---------------------------------------------------------------


def creator_profiles(n: int) -> list[dict]:
    """`n` creators for the stand-in's generator: handles creator001..., codes C001..., a long tail of
    weights."""
    return [
        {
            "handle": f"creator{i:03d}",
            "code": f"C{i:03d}SAVE",
            "percent": "15",
            "weight": round(100 / (i + 1), 3),
            "return_rate": 0.08,
        }
        for i in range(n)
    ]


def generate_events(
    orders: int,
    creators: list[dict],
    seed: int = 7,
    start: str = "2025-11-25",
    days: int = 365,
    shop_domain: str = "bench.myshopify.com",
    emit=None,
    **body,
) -> dict:
    """Run the stand-in's generator in this process (its Store, no HTTP): every webhook event of `orders`
    orders in time order goes to `emit(topic, json_text)` (serialised at once: later events mutate the
    order). Returns the generator's counts."""
    from devstore.generator.timeline import Generator
    from devstore.store.state import Store

    store = Store()
    shop, _ = store.create_shop(
        shop_domain, scopes="read_orders,read_all_orders", timezone="America/New_York"
    )

    def sink(events):
        for topic, payload in events:
            emit(topic, json.dumps(payload, separators=(",", ":")))

    spec = {
        "seed": seed,
        "orders": orders,
        "creators": creators,
        "sitewide_codes": ["WELCOME10"],
        "start": start,
        "days": days,
        "creator_share": 0.45,
        **body,
    }
    gen = Generator(store, shop, spec, sink if emit else None)
    counts = gen.run()
    counts["_store"], counts["_shop"] = store, shop
    return counts


# Profiling ---------------------------------------------------------------------------------------


def pyspy_start(
    pid: int, out: Path, seconds: int, rate: int = 200, gil: bool = True, idle: bool = False
) -> subprocess.Popen:
    """py-spy recording `pid` and its children (gunicorn workers) as collapsed stacks for `seconds`.

    With `gil`, only the thread holding the GIL is sampled: where the Python CPU time goes (a
    gthread worker's threads mostly wait on the network, which would otherwise fill the profile)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            str(BIN / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--duration",
            str(seconds),
            "--rate",
            str(rate),
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
            *(["--gil"] if gil else []),
            *(["--idle"] if idle else []),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def pyspy_summary(
    raw: Path, top: int = 20, match: tuple[str, ...] = (), within: str | None = None
) -> list[tuple[str, float, float]]:
    """(function, inclusive %, self %) from py-spy's collapsed stacks, heaviest inclusive first.

    Idle samples (a gthread worker waiting in select/poll/accept/wait) are left out of the total; with
    `within`, only the samples whose stack holds a frame containing that text count (e.g. one job).
    """
    from collections import Counter

    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    idle = (
        "select (selectors.py",
        "poll (selectors.py",
        "wait (threading.py",
        "accept (socket.py",
        "_worker (concurrent",
        "sleep (gunicorn",
        "run_for_one",
        "wait_for_and_dispatch",
    )
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [f for f in stack.split(";") if f and not f.startswith(("process ", "thread "))]
        if not frames or any(marker in frames[-1] for marker in idle):
            continue
        if within and not any(within in f for f in frames):
            continue
        n = int(count)
        total += n
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    if not total:
        return []
    rows = [
        (f, 100 * c / total, 100 * own[f] / total)
        for f, c in inclusive.most_common()
        if not match or any(m in f for m in match)
    ]
    return rows[:top]


def seed_shop(
    database_url: str, domain: str, creators: list[dict], timezone: str = "America/New_York"
) -> int:
    """An installed shop with creators and their active codes, written with the app's models (no Shopify
    calls: the benchmarks that use it never reach Shopify). Returns the shop's id."""
    from datetime import datetime, timedelta
    from decimal import Decimal

    from shopify_roi.config import DEMO_ENCRYPTION_KEY
    from shopify_roi.crypto import TokenCipher
    from shopify_roi.db import Database, utcnow
    from shopify_roi.models import Creator, DiscountCode, Shop

    cipher = TokenCipher(DEMO_ENCRYPTION_KEY)
    db = Database(database_url)
    try:
        with db.session() as session:
            far = utcnow() + timedelta(days=3650)
            shop = Shop(
                domain=domain,
                name="Bench shop",
                currency="USD",
                iana_timezone=timezone,
                shopify_id="gid://shopify/Shop/1",
                access_token_enc=cipher.encrypt("shpat_bench"),
                access_token_expires_at=far,
                refresh_token_enc=cipher.encrypt("shprt_bench"),
                refresh_token_expires_at=far,
                scopes="read_orders,read_all_orders,write_discounts,read_customers",
                installed_at=utcnow(),
            )
            session.add(shop)
            session.flush()
            for profile in creators:
                creator = Creator(
                    shop_id=shop.id,
                    handle=profile["handle"],
                    name=profile["handle"].title(),
                    platform="instagram",
                    commission_rate=Decimal("0.10"),
                )
                session.add(creator)
                session.flush()
                code = profile["code"]
                session.add(
                    DiscountCode(
                        shop_id=shop.id,
                        creator_id=creator.id,
                        code=code,
                        code_key=code.upper(),
                        attribution_key=code.upper(),
                        status="active",
                        value_type="percentage",
                        value=Decimal(profile.get("percent", "15")) / 100,
                        shopify_discount_id=f"gid://shopify/DiscountCodeNode/{creator.id}",
                        starts_at=datetime(2024, 1, 1, tzinfo=utcnow().tzinfo),
                    )
                )
            return shop.id
    finally:
        db.dispose()


class Analyzer:
    """ANALYZE the given tables every `interval` s while a run fills them, as autovacuum's autoanalyze
    does on a production server (this one runs with autovacuum off: without it the planner keeps the
    empty table's statistics and the app's per-batch lookups turn into scans of the whole table)."""

    def __init__(self, url: str, tables: tuple[str, ...], interval: float = 20):
        self.url, self.tables, self.interval = url, tables, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.runs = 0

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                with connect(self.url) as conn:
                    for table in self.tables:
                        conn.execute(f"ANALYZE {table}")
                self.runs += 1
            except Exception:  # noqa: BLE001 - the database is being dropped at the end
                return

    def __enter__(self) -> Analyzer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(30)


def autovacuum_on(url: str) -> bool:
    with connect(url) as conn:
        return conn.execute("SHOW autovacuum").fetchone()[0] == "on"


# Smoke runs (CI: every script at its smoke size; the figures are not judged, only that it ran) -------


def smoke_name(name: str, smoke: bool) -> str:
    """A database name of its own for a smoke run (CI may run beside a by-hand run of the same script)."""
    return f"{name}_smoke_{os.getpid()}" if smoke else name


def smoke_require(smoke: bool, ok: bool, what: str) -> None:
    """In a smoke run, a phase that produced no measurement fails the run (non-zero exit)."""
    if smoke and not ok:
        raise SystemExit(f"smoke run failed: {what}")


def smoke_leftovers(smoke: bool, grace: float = 10, pg: str = PG) -> None:
    """In a smoke run, fail if a process this script started is still running at its end, or one of its
    databases (smoke_name) is left."""
    if not smoke:
        return
    with _admin(pg) as conn:
        left = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"%\\_smoke\\_{os.getpid()}",)
        ).fetchall()
    if left:
        raise SystemExit(f"smoke run failed: databases left: {', '.join(r[0] for r in left)}")
    import psutil

    deadline = time.time() + grace
    while True:
        alive = [p for p in psutil.Process().children(recursive=True) if p.is_running()]
        alive = [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]
        if not alive or time.time() > deadline:
            break
        time.sleep(0.2)
    if alive:
        names = ", ".join(f"{p.pid} {' '.join(p.cmdline()[:3])}" for p in alive)
        raise SystemExit(f"smoke run failed: processes left running: {names}")
