"""The app as the demo runs it: a separate process configured only by environment variables, exactly
as in production, on its own fresh database, its log (one line per request: thousands while the
history is made) in a file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests

from devstore.config import DevstoreConfig

# The required scopes of shopify.app.toml (what /auth asks for). read_all_orders is optional there:
# granted after the install, as a merchant does on the app's page (``allow_full_history``), so the
# reconciliation sees the five months, not only Shopify's last 60 days.
DEMO_SCOPES = "read_orders,write_discounts,read_customers,read_products,read_inventory"


class AppProcess:
    """The running app: its process and its log file."""

    def __init__(self, process: subprocess.Popen, log_path: Path, log_file):
        self.process, self.log_path, self._log = process, log_path, log_file

    @classmethod
    def start(cls, environ: dict, config: DevstoreConfig, stand_in: str, host: str, port: int) -> AppProcess:
        """Migrate a fresh database and start ``shopify-roi serve`` against the stand-in."""
        env = app_environment(environ, config, stand_in)
        subprocess.run(_app_command() + ["db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
        log_path = Path(env.get("SHOPIFY_ROI_DATA_DIR", "instance")).resolve() / "demo-app.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_file = open(log_path, "w")  # noqa: SIM115 - open while the app runs
        process = subprocess.Popen(
            _app_command() + ["serve", "--host", host, "--port", str(port)],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        return cls(process, log_path, log_file)

    def wait_until_up(self, url: str, seconds: float = 30) -> None:
        """Poll ``url`` until it answers 2xx; SystemExit when it does not within ``seconds``."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if requests.get(url, timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise SystemExit(f"the app did not start at {url}")

    def log_tail(self, lines: int = 20) -> str:
        """The last ``lines`` lines of the app's log."""
        self._log.flush()
        return "".join(self.log_path.read_text(errors="replace").splitlines(keepends=True)[-lines:])

    def stop(self) -> None:
        """Terminate the app (killed after 10 s) and close its log."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


def app_environment(environ: dict, config: DevstoreConfig, stand_in: str) -> dict:
    """The app's environment: the caller's, pointed at the stand-in, on the demo's own database."""
    env = dict(environ)
    env.update(
        {
            "SHOPIFY_API_KEY": config.api_key,
            "SHOPIFY_API_SECRET": config.api_secret,
            "APP_URL": config.app_url,
            "SHOPIFY_ORIGIN_TEMPLATE": stand_in + "/{shop}",
            "APP_BRIDGE_URL": stand_in + "/_devstore/app-bridge.js",
            "SHOPIFY_SCOPES": DEMO_SCOPES,
        }
    )
    # the demo is one command: its app runs its own worker, even on Redis
    env.setdefault("INPROCESS_WORKER", "1")
    # the demo's visitors reach the app as if through one proxy: X-Forwarded-For names each of them
    env.setdefault("PROXY_HOPS", "1")
    env["DATABASE_URL"] = fresh_database(env)
    return env


def fresh_database(env: dict) -> str:
    """The demo's own SQLite file, emptied at each start (the stand-in forgets everything when it
    stops, so the app's database must too). An explicit DATABASE_URL is used as it is."""
    if env.get("DATABASE_URL"):
        return env["DATABASE_URL"]
    data = Path(env.get("SHOPIFY_ROI_DATA_DIR", "instance")).resolve()
    data.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        (data / f"demo.sqlite3{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{data / 'demo.sqlite3'}"


def _app_command() -> list[str]:
    script = Path(sys.executable).with_name("shopify-roi")
    return [str(script)] if script.exists() else [shutil.which("shopify-roi") or "shopify-roi"]
