"""The stand-in in a process of its own (`python -m devstore`), for the test that sends tens of thousands of
webhooks: the stand-in's sending and the app's receiving then use both cores instead of sharing one
interpreter's lock. Everything goes over HTTP, as with the shared stand-in; only its place differs."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
from support import API_KEY, API_SECRET

from devstore.testing import ControlClient

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class StandInProcess:
    url: str
    control: ControlClient

    @property
    def origin_template(self) -> str:
        return self.url + "/{shop}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def stand_in_process(app_url: str, timeout: float = 180) -> Iterator[StandInProcess]:
    """`python -m devstore` on a free port, sending its webhooks to `app_url`; stopped after the block. It
    builds Shopify's Admin schema as it starts: seconds alone, longer beside the suite's other workers."""
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "devstore",
        "--port",
        str(port),
        "--api-key",
        API_KEY,
        "--api-secret",
        API_SECRET,
        "--app-url",
        app_url,
        "--app-toml",
        str(ROOT / "shopify.app.toml"),
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                requests.get(f"{url}/_devstore/health", timeout=1)
                break
            except requests.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the stand-in did not start: {proc.stderr.read()[-2000:]}") from None
                time.sleep(0.1)
        yield StandInProcess(url, ControlClient(url))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
