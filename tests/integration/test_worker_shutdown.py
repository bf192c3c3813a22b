"""`shopify-roi worker` stops on SIGTERM (a deploy, a scale-down) and takes RQ's scheduler process
with it: nothing it started is left running (an orphaned scheduler holds the worker's database and
Redis connections). Needs Redis (REDIS_URL), as the worker does."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

WORKER = [str(Path(sys.executable).with_name("shopify-roi")), "worker"]


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the worker needs Redis (REDIS_URL)")
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
def test_sigterm_stops_the_worker_and_its_scheduler(settings):
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "RQ_QUEUE": settings.queue_name,
        "SHOPIFY_API_KEY": settings.api_key,
        "SHOPIFY_API_SECRET": settings.api_secret,
        "SHOPIFY_ORIGIN_TEMPLATE": settings.origin_template,
        "TOKEN_ENCRYPTION_KEY": settings.token_encryption_key,
        "LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(WORKER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # RQ forks its scheduler once the worker has started.
        assert _wait_for(lambda: _children(worker.pid), 30), "the worker started no scheduler"
        started = _children(worker.pid)
        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(20)
        except subprocess.TimeoutExpired:
            code = None
        left = sorted(pid for pid in started | _children(worker.pid) if _alive(pid))
        assert (code, left) == (0, [])  # exited cleanly, and nothing it started is left
    finally:
        for pid in _children(worker.pid) | {worker.pid}:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        worker.wait()
