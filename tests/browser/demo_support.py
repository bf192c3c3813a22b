"""The README's demo (`python -m devstore.demo`, what `make demo` runs) on free ports, for browser tests.

`run_demo(data_dir)` starts it on its embedded defaults (SQLite, in-process queue, the stand-in with
the seeded demo shop), waits for the URL it prints and yields it; the demo stops with the block.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
URL = re.compile(r"(http://127\.0\.0\.1:\d+/demo-shop\.myshopify\.com/admin/apps/\S+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def run_demo(data_dir: Path, timeout: float = 360) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["SHOPIFY_ROI_DATA_DIR"] = str(data_dir)
    cmd = [sys.executable, "-m", "devstore.demo", "--port", str(free_port()), "--app-port", str(free_port())]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url, seen, deadline = None, [], time.time() + timeout
    while time.time() < deadline and url is None:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        match = URL.search(line)
        url = match.group(1) if match else None
    try:
        if url is None:
            pytest.fail("demo printed no URL:\n" + "".join(seen[-30:]))
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
