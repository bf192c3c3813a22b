"""Queued jobs run by another process while a test does something long in its own (the 20,000-order
reconciliation's sending of 45,000 webhooks): the test process, which holds the stand-in and the app's
web server under one GIL, no longer also runs every job; the other process takes the second core, as a
worker process does in production."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from support import app_environment

DRAINER = Path(__file__).resolve().parents[1] / "drainer.py"


@contextmanager
def jobs_run_by_another_process(settings, tmp_path: Path) -> Iterator[None]:
    """Another process drains the app's queue until the block ends, then finishes what is queued and
    exits; its failure fails the test."""
    stop = tmp_path / f"drainer-{uuid.uuid4().hex[:8]}.stop"
    process = subprocess.Popen([sys.executable, str(DRAINER), str(stop)], env=app_environment(settings))
    try:
        yield
    finally:
        stop.touch()
        try:
            code = process.wait(timeout=600)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert code == 0, f"the drainer process failed (exit {code}): its output is above"
