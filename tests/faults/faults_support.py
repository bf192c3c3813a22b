"""What the fault tests share: a redis-server of their own (they restart it) and real
`shopify-roi worker` processes started with the app's settings. Named uniquely so it cannot clash
with another helper module on sys.path."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from support import app_environment

REDIS = shutil.which("redis-server")
WORKER = [str(Path(sys.executable).with_name("shopify-roi")), "worker"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    """A redis-server on `port`, without persistence (a restart loses every queued job), once it answers."""
    proc = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def worker_env(settings, inbox_stale_seconds: str, orders_batch: str) -> dict[str, str]:
    """The environment of a worker process serving the same app as `settings` (its database, Redis,
    queue and stand-in), sweeping the inbox every 0.5 s."""
    return {
        **app_environment(settings),
        "SWEEP_INTERVAL_SECONDS": "0.5",
        "INBOX_STALE_SECONDS": inbox_stale_seconds,
        "ORDERS_BATCH": orders_batch,
    }
