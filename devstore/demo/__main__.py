"""`python -m devstore.demo`: the zero-set-up demo.

Starts the stand-in, migrates and starts the app (as a separate process, configured only by
environment variables, exactly as in production: ``devstore.demo.app_process``), creates a demo
shop, installs the app on it through the real OAuth flow, gives it five months of history with a
dozen creators (``devstore.demo.scenario``: through the app's JSON API and the stand-in's protocol
only), waits for the app's reconciliation, and prints the admin URL that opens the embedded app.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

from devstore.config import config_from_env
from devstore.demo import existing_program, scenario
from devstore.demo.app_process import AppProcess
from devstore.demo.history import ORDERS
from devstore.demo.merchant import DemoError, allow_full_history, install_through_oauth
from devstore.demo.pixel import seed_pixel
from devstore.demo.posts import seed_posts
from devstore.demo.seeding import seed_seeding
from devstore.server import create_app

DEMO_SHOP = "demo-shop.myshopify.com"


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def _parser() -> argparse.ArgumentParser:
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
    parser.add_argument("--orders", type=int, default=ORDERS, help="orders in the five months of history")
    parser.add_argument(
        "--adopt",
        action="store_true",
        help="a shop with five hand-made creator codes and a year of orders before the install; the app "
        "adopts them and times install -> adopt -> first ROI table",
    )
    return parser


def _interrupt(*_):
    raise KeyboardInterrupt


def _guide(made: dict) -> list[str]:
    r = made["roles"]
    return [
        "  What to look at (Creators / ROI page, last 150 days):",
        f"    @{r['star']} the star: volume, big baskets, few returns, a good ROAS",
        f"    @{r['returns']} half of the revenue comes back (return rate)",
        f"    @{r['leaked']} the code leaked to coupon sites: orders without the creator's link, a surge in "
        "the last 3 weeks",
        f"    @{r['loyal']} customers come back on their own (90-day repeat rate, LTV)",
        f"    @{r['no_sales']} signed this week, no sales yet; "
        + ", ".join("@" + h for h in r["ordinary"])
        + " ordinary (some lose money)",
        "    Link clicks are all from today (the app records them as they happen): judge conversion on the "
        "last 30 days.",
        "    A creator's ROI page: the storefront funnel (creator pixel: two weeks of visits, received "
        "today) and what their customers bought.",
        "    Seeding: who posted after their gift; @ella was seeded five months ago and never posted.",
    ]


def _set_up_shop(args, app_url: str, stand_in: str, began: float) -> list[str]:
    """Create the demo shop, install the app through OAuth and (unless ``--empty``) allow the full
    history and make it; returns the guide's lines."""
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
    if args.adopt:
        return _existing_program(app_url, stand_in)
    install_through_oauth(app_url, DEMO_SHOP)
    print(f"  App installed on {DEMO_SHOP} through OAuth ({time.monotonic() - began:.1f} s)", flush=True)
    if args.empty:  # (--empty leaves read_all_orders to the page's button)
        return []
    made = scenario.seed(
        app_url,
        stand_in,
        DEMO_SHOP,
        orders=args.orders,
        reconcile=False,
        log=lambda line: print(line, flush=True),
    )
    # The history is made after the install (the app makes the creators' codes it uses), so it is
    # brought in as a merchant's existing history is: the full-history import once the merchant
    # allows read_all_orders (the page then reads "History imported", not "orders missed").
    mark = time.monotonic()
    history = allow_full_history(app_url, stand_in, DEMO_SHOP, timeout=300)
    seen = (history.get("full_history") or {}).get("orders_seen", "?")
    print(
        "  The merchant allowed access to all orders (read_all_orders, an optional scope): "
        f"{seen} orders imported ({time.monotonic() - mark:.1f} s)",
        flush=True,
    )
    posts = seed_posts(app_url, stand_in, DEMO_SHOP)
    print(
        f"  {posts['posts']} posts of the creators entered, with their figures ({posts['seconds']:.1f} s)",
        flush=True,
    )
    gifts = seed_seeding(app_url, stand_in, DEMO_SHOP)
    print(
        f"  {gifts['sent']} seedings marked sent, {gifts['linked']} linked to the post they made; the gift "
        f"order {gifts['gift']} tagged in Shopify was recorded by the app ({gifts['seconds']:.1f} s)",
        flush=True,
    )
    visits = seed_pixel(app_url, stand_in, DEMO_SHOP)
    print(
        f"  The merchant turned the creator pixel on: {visits['visits']} storefront visits of the last two "
        f"weeks, {visits['orders']} of them ending in a creator's order ({visits['seconds']:.1f} s)",
        flush=True,
    )
    return _guide(made)


def _existing_program(app_url: str, stand_in: str) -> list[str]:
    """`--adopt`: codes and a year of orders before the install, then install -> adopt -> ROI table, timed."""
    made = existing_program.seed_before_install(stand_in, DEMO_SHOP)
    print(
        f"  Before the install: 5 creator codes made by hand and {made['orders']} orders over a year",
        flush=True,
    )
    began = time.monotonic()
    install_through_oauth(app_url, DEMO_SHOP)
    allow_full_history(app_url, stand_in, DEMO_SHOP, timeout=300)
    imported = time.monotonic() - began
    done = existing_program.adopt_and_read_roi(app_url, stand_in, DEMO_SHOP)
    total, steps = time.monotonic() - began, done["seconds"]
    print(
        f"  Install -> first ROI table of the existing creators: {total:.1f} s (install and a year's import "
        f"{imported:.1f} s, list codes {steps['list']:.1f} s, adopt {steps['adopt']:.1f} s, table "
        f"{steps['roi']:.1f} s); adopted: " + ", ".join("@" + h for h in done["adopted"]),
        flush=True,
    )
    return [
        "  Open ROI: the adopted creators over the last 365 days; Creators > Adopt existing codes lists all."
    ]


def _report_failure(exc: BaseException, app: AppProcess) -> None:
    hint = (
        "\n  The database already holds a demo shop: unset DATABASE_URL (the demo then uses a fresh SQLite "
        "file) or point it at an empty database."
        if "HTTP 409" in str(exc)
        else ""
    )
    print(
        f"\n  The demo could not start: {exc}{hint}\n  The app's log ({app.log_path}) ends with:",
        file=sys.stderr,
    )
    print(app.log_tail(), file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """Run the demo until Ctrl-C (or, with ``--exit-when-ready``, until it is ready)."""
    args = _parser().parse_args(argv)
    began = time.monotonic()
    signal.signal(signal.SIGTERM, _interrupt)  # stop the app too, also while the history is being made
    app_url = f"http://{args.host}:{args.app_port}"
    config = config_from_env(app_url=app_url, app_toml=str(Path.cwd() / "shopify.app.toml"))
    server = make_server(args.host, args.port, create_app(config), threaded=True, request_handler=_Quiet)
    stand_in = f"http://{args.host}:{server.server_port}"
    threading.Thread(target=server.serve_forever, name="devstore", daemon=True).start()
    app = AppProcess.start(os.environ, config, stand_in, args.host, args.app_port)
    try:
        app.wait_until_up(f"{app_url}/healthz")
        guide = _set_up_shop(args, app_url, stand_in, began)
        admin = f"{stand_in}/{DEMO_SHOP}/admin/apps/{config.api_key}"
        print(f"\n  Creator ROI demo is running (ready in {time.monotonic() - began:.1f} s).", flush=True)
        print(f"  Open the embedded app in the stand-in admin:  {admin}", flush=True)
        for line in guide:
            print(line, flush=True)
        print(
            f"  Stand-in (Shopify) at {stand_in}, app at {app_url} (log: {app.log_path}). "
            "Ctrl-C stops both.\n",
            flush=True,
        )
        while not args.exit_when_ready:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    except (SystemExit, DemoError, requests.RequestException) as exc:
        _report_failure(exc, app)
        raise SystemExit(1) from None
    finally:
        app.stop()
        server.shutdown()


if __name__ == "__main__":
    main()
