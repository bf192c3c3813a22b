"""`python -m devstore.demo`: the zero-set-up demo.

Starts the stand-in, migrates and starts the app (as a separate process, configured only by
environment variables, exactly as in production), creates a demo shop, installs the app on it
through the real OAuth flow, gives it five months of history with a dozen creators
(``devstore.demo_scenario``: through the app's JSON API and the stand-in's protocol only), waits
for the app's reconciliation, and prints the admin URL that opens the embedded app.
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
from devstore.demo import scenario
from devstore.server import create_app

DEMO_SHOP = "demo-shop.myshopify.com"
# The required scopes of shopify.app.toml (what /auth asks for). read_all_orders is optional there:
# granted after the install, as a merchant does on the app's page (``allow_full_history``), so the
# reconciliation sees the five months, not only Shopify's last 60 days.
DEMO_SCOPES = "read_orders,write_discounts,read_customers,read_products,read_inventory"


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


def allow_full_history(app_url: str, stand_in_url: str, shop: str, timeout: float = 120, tick=None) -> dict:
    """What the merchant does with the page's "Allow access to all orders" button: App Bridge's
    ``shopify.scopes.request(["read_all_orders"])`` reaches the admin, the merchant accepts, the
    page tells the app, and the app loads the (still empty) full history. Returns the app's
    ``/api/history-access`` once that run is done. ``tick`` (tests): run the app's queued jobs."""
    merchant = scenario._Merchant(app_url, stand_in_url, shop)
    answer = merchant.control("POST", "/scopes/request", {"scopes": ["read_all_orders"]})
    if answer.get("result") != "granted-all":
        raise SystemExit(f"read_all_orders was not granted: {answer}")
    merchant.call("POST", "/api/history-access")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if tick is not None:
            tick()
        status = merchant.call("GET", "/api/history-access")
        if status["granted"] and (status["full_history"] or {}).get("status") == "done":
            return status
        time.sleep(0.2)
    raise SystemExit(f"the full-history backfill did not finish in {timeout:.0f} s: {status}")


def _interrupt(*_):
    raise KeyboardInterrupt


def _fresh_database(env: dict) -> str:
    """The demo's own SQLite file, emptied at each start (the stand-in forgets everything when it
    stops, so the app's database must too). An explicit DATABASE_URL is used as it is."""
    if env.get("DATABASE_URL"):
        return env["DATABASE_URL"]
    data = Path(env.get("SHOPIFY_ROI_DATA_DIR", "instance")).resolve()
    data.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        (data / f"demo.sqlite3{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{data / 'demo.sqlite3'}"


def _guide(made: dict) -> list[str]:
    r = made["roles"]
    return [
        "  What to look at (Creators / ROI page, last 150 days):",
        f"    @{r['star']} the star: volume, big baskets, few returns, a good ROAS",
        f"    @{r['returns']} half of the revenue comes back (return rate)",
        f"    @{r['leaked']} the code leaked to coupon sites: orders without the creator's link, a surge in the "
        "last 3 weeks",
        f"    @{r['loyal']} customers come back on their own (90-day repeat rate, LTV)",
        f"    @{r['no_sales']} signed this week, no sales yet; "
        + ", ".join("@" + h for h in r["ordinary"])
        + " ordinary (some lose money)",
        "    Link clicks are all from today (the app records them as they happen): judge conversion on the last 30 days.",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devstore.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("DEVSTORE_PORT", "8765")), help="stand-in port"
    )
    parser.add_argument("--app-port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--exit-when-ready", action="store_true", help="stop after printing the URL (smoke tests)"
    )
    parser.add_argument(
        "--empty", action="store_true", help="install on an empty shop (no creators, no history)"
    )
    parser.add_argument(
        "--orders", type=int, default=scenario.ORDERS, help="orders in the five months of history"
    )
    args = parser.parse_args(argv)
    began = time.monotonic()
    signal.signal(signal.SIGTERM, _interrupt)  # stop the app too, also while the history is being made

    app_url = f"http://{args.host}:{args.app_port}"
    config = config_from_env(app_url=app_url, app_toml=str(Path.cwd() / "shopify.app.toml"))
    server = make_server(args.host, args.port, create_app(config), threaded=True, request_handler=_Quiet)
    stand_in = f"http://{args.host}:{server.server_port}"
    threading.Thread(target=server.serve_forever, name="devstore", daemon=True).start()

    env = dict(os.environ)
    env.update(
        {
            "SHOPIFY_API_KEY": config.api_key,
            "SHOPIFY_API_SECRET": config.api_secret,
            "APP_URL": app_url,
            "SHOPIFY_ORIGIN_TEMPLATE": stand_in + "/{shop}",
            "APP_BRIDGE_URL": stand_in + "/_devstore/app-bridge.js",
            "SHOPIFY_SCOPES": DEMO_SCOPES,
        }
    )
    env.setdefault(
        "INPROCESS_WORKER", "1"
    )  # the demo is one command: its app runs its own worker, even on Redis
    env["DATABASE_URL"] = _fresh_database(env)
    subprocess.run(_app_command() + ["db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
    # The app's own log (one line per request: thousands while the history is made) goes to a file.
    log_path = Path(env.get("SHOPIFY_ROI_DATA_DIR", "instance")).resolve() / "demo-app.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    app_log = open(log_path, "w")  # noqa: SIM115 - open while the app runs
    app = subprocess.Popen(
        _app_command() + ["serve", "--host", args.host, "--port", str(args.app_port)],
        env=env,
        stdout=app_log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"{app_url}/healthz")
        requests.post(
            f"{stand_in}/_devstore/shops",
            json={
                "shop": DEMO_SHOP,
                "name": "Demo Outdoor Co.",
                "currency": "USD",
                "timezone": "America/New_York",
            },
            timeout=10,
        ).raise_for_status()
        install_through_oauth(app_url, DEMO_SHOP)
        print(f"  App installed on {DEMO_SHOP} through OAuth ({time.monotonic() - began:.1f} s)", flush=True)
        guide = []
        if not args.empty:  # (--empty leaves read_all_orders to the page's button)
            allow_full_history(app_url, stand_in, DEMO_SHOP)
            print(
                "  The merchant allowed access to all orders (read_all_orders, an optional scope)", flush=True
            )
            made = scenario.seed(
                app_url, stand_in, DEMO_SHOP, orders=args.orders, log=lambda line: print(line, flush=True)
            )
            guide = _guide(made)
        admin = f"{stand_in}/{DEMO_SHOP}/admin/apps/{config.api_key}"
        print(f"\n  Creator ROI demo is running (ready in {time.monotonic() - began:.1f} s).", flush=True)
        print(f"  Open the embedded app in the stand-in admin:  {admin}", flush=True)
        for line in guide:
            print(line, flush=True)
        print(
            f"  Stand-in (Shopify) at {stand_in}, app at {app_url} (log: {log_path}). Ctrl-C stops both.\n",
            flush=True,
        )
        if not args.exit_when_ready:
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    except (SystemExit, scenario.DemoError, requests.RequestException) as exc:
        hint = (
            "\n  The database already holds a demo shop: unset DATABASE_URL (the demo then uses a fresh SQLite "
            "file) or point it at an empty database."
            if "HTTP 409" in str(exc)
            else ""
        )
        print(
            f"\n  The demo could not start: {exc}{hint}\n  The app's log ({log_path}) ends with:",
            file=sys.stderr,
        )
        app_log.flush()
        print("".join(log_path.read_text(errors="replace").splitlines(keepends=True)[-20:]), file=sys.stderr)
        raise SystemExit(1) from None
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
        app_log.close()
        server.shutdown()


if __name__ == "__main__":
    main()
