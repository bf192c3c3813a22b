"""`python -m devstore.demo`: the zero-set-up demo.

Starts the stand-in, migrates and starts the app (as a separate process, configured only by
environment variables, exactly as in production), creates a demo shop, installs the app on it
through the real OAuth flow, and prints the admin URL that opens the embedded app.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

from devstore.config import config_from_env
from devstore.server import create_app

DEMO_SHOP = "demo-shop.myshopify.com"


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def _app_command() -> list[str]:
    script = Path(sys.executable).with_name("shopify-roi")
    return [str(script)] if script.exists() else [shutil.which("shopify-roi") or "shopify-roi"]


def _wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the app did not start at {url}")


def install_through_oauth(app_url: str, shop: str) -> None:
    """What a merchant's browser does: /auth -> authorize (auto-approved) -> callback."""
    resp = requests.get(f"{app_url}/auth", params={"shop": shop}, timeout=15)  # follows every redirect
    through_callback = any("/auth/callback" in r.url for r in resp.history)
    if not (resp.ok and through_callback):
        raise SystemExit(f"install failed: {resp.status_code} {resp.text[:300]}")


def _interrupt(*_):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devstore.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("DEVSTORE_PORT", "8765")), help="stand-in port")
    parser.add_argument("--app-port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--exit-when-ready", action="store_true", help="stop after printing the URL (smoke tests)")
    args = parser.parse_args(argv)

    app_url = f"http://{args.host}:{args.app_port}"
    config = config_from_env(app_url=app_url, app_toml=str(Path.cwd() / "shopify.app.toml"))
    server = make_server(args.host, args.port, create_app(config), threaded=True, request_handler=_Quiet)
    stand_in = f"http://{args.host}:{server.server_port}"
    threading.Thread(target=server.serve_forever, name="devstore", daemon=True).start()

    env = dict(os.environ)
    env.update({
        "SHOPIFY_API_KEY": config.api_key, "SHOPIFY_API_SECRET": config.api_secret, "APP_URL": app_url,
        "SHOPIFY_ORIGIN_TEMPLATE": stand_in + "/{shop}", "APP_BRIDGE_URL": stand_in + "/_devstore/app-bridge.js",
    })
    subprocess.run(_app_command() + ["db", "upgrade"], env=env, check=True)
    app = subprocess.Popen(_app_command() + ["serve", "--host", args.host, "--port", str(args.app_port)], env=env)
    try:
        _wait_until_up(f"{app_url}/healthz")
        requests.post(f"{stand_in}/_devstore/shops", json={
            "shop": DEMO_SHOP, "name": "Demo Outdoor Co.", "currency": "USD", "timezone": "America/New_York",
        }, timeout=10).raise_for_status()
        install_through_oauth(app_url, DEMO_SHOP)
        admin = f"{stand_in}/{DEMO_SHOP}/admin/apps/{config.api_key}"
        print("\n  Creator ROI demo is running.", flush=True)
        print(f"  Open the embedded app in the stand-in admin:  {admin}", flush=True)
        print(f"  Stand-in (Shopify) at {stand_in}, app at {app_url}. Ctrl-C stops both.\n", flush=True)
        if not args.exit_when_ready:
            signal.signal(signal.SIGTERM, _interrupt)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
        server.shutdown()


if __name__ == "__main__":
    main()
