"""What the tests share: actions written the way a merchant's browser or Shopify performs them
(install, a merchant's API calls, session tokens), the app's test settings, a live loopback server,
the app's totals per code to compare with the stand-in's, and a PostgreSQL database per run."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections import defaultdict
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import factories
import jwt
import requests
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, select, text
from werkzeug.serving import WSGIRequestHandler, make_server

from shopify_roi.config import Settings
from shopify_roi.models import Order, Refund

API_KEY = "test-api-key-0123456789"
API_SECRET = "test-api-secret-0123456789abcdef0123456789"  # >= 32 bytes, as HS256 wants


def install(app_url: str, shop: str) -> requests.Response:
    """Run the authorization-code install: /auth -> stand-in authorize -> /auth/callback.

    Returns the callback's response (a redirect into the admin on success).
    """
    http = requests.Session()
    start = http.get(f"{app_url}/auth", params={"shop": shop}, allow_redirects=False, timeout=60)
    assert start.status_code == 302, start.text
    authorize = http.get(start.headers["Location"], allow_redirects=False, timeout=60)
    assert authorize.status_code == 302, authorize.text
    callback_url = authorize.headers["Location"]
    assert callback_url.startswith(f"{app_url}/auth/callback?"), callback_url
    return http.get(callback_url, allow_redirects=False, timeout=60)


def callback_params(app_url: str, shop: str) -> dict[str, str]:
    """Start an install and stop before the callback: the signed params Shopify would send."""
    http = requests.Session()
    start = http.get(f"{app_url}/auth", params={"shop": shop}, allow_redirects=False, timeout=60)
    authorize = http.get(start.headers["Location"], allow_redirects=False, timeout=60)
    query = parse_qs(urlsplit(authorize.headers["Location"]).query)
    return {k: v[0] for k, v in query.items()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def app_settings(database_url: str, redis_url: str, origin_template: str, **overrides) -> Settings:
    """The app's settings for a test: this database and queue, the stand-in's origins, a fresh
    encryption key and queue name, no in-process worker. The tests play the one proxy in front of the
    app (PROXY_HOPS=1), so `X-Forwarded-For` names a visitor; test_forwarded_for.py checks the default."""
    values = dict(
        api_key=API_KEY,
        api_secret=API_SECRET,
        app_url="http://127.0.0.1:9",
        database_url=database_url,
        redis_url=redis_url,
        token_encryption_key=Fernet.generate_key().decode(),
        origin_template=origin_template,
        queue_name=f"test-{uuid.uuid4().hex[:8]}",
        run_inprocess_worker=False,
        log_level="WARNING",
        proxy_hops=1,
    )
    return Settings(**(values | overrides))


def app_environment(settings: Settings) -> dict[str, str]:
    """The environment of another process of the same app as `settings` (a worker, a drainer): its
    database, Redis, queue, secrets and stand-in."""
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "RQ_QUEUE": settings.queue_name,
        "SHOPIFY_API_KEY": settings.api_key,
        "SHOPIFY_API_SECRET": settings.api_secret,
        "APP_URL": settings.app_url,
        "SHOPIFY_ORIGIN_TEMPLATE": settings.origin_template,
        "TOKEN_ENCRYPTION_KEY": settings.token_encryption_key,
        "LOG_LEVEL": "WARNING",
    }


def session_claims(shop: str, **overrides) -> dict:
    """The claims of an App Bridge session token for `shop`, valid for a minute (any claim overridden)."""
    now = int(time.time())
    claims = {
        "iss": f"https://{shop}/admin",
        "dest": f"https://{shop}",
        "aud": API_KEY,
        "sub": "42",
        "exp": now + 60,
        "nbf": now - 5,
        "iat": now - 5,
        "jti": uuid.uuid4().hex,
        "sid": "s-1",
    }
    return claims | overrides


def session_token(shop: str) -> str:
    """A fresh session token for `shop`, signed here as the stand-in's admin signs it (no round trip)."""
    return jwt.encode(session_claims(shop), API_SECRET, algorithm="HS256")


class Merchant:
    """Staff using the embedded page: every call carries a fresh session token for their shop."""

    def __init__(self, app_url: str, stand_in, shop: str):
        self.app_url, self.stand_in, self.shop = app_url, stand_in, shop

    def _headers(self) -> dict[str, str]:
        return bearer(self.stand_in.control.session_token(self.shop))

    def get(self, path: str, **kw) -> requests.Response:
        return requests.get(self.app_url + path, headers=self._headers(), timeout=60, **kw)

    def post(self, path: str, json=None, **kw) -> requests.Response:
        return requests.post(self.app_url + path, json=json, headers=self._headers(), timeout=120, **kw)

    def put(self, path: str, json=None) -> requests.Response:
        return requests.put(self.app_url + path, json=json, headers=self._headers(), timeout=60)

    def patch(self, path: str, json=None) -> requests.Response:
        return requests.patch(self.app_url + path, json=json, headers=self._headers(), timeout=60)

    def delete(self, path: str) -> requests.Response:
        return requests.delete(self.app_url + path, headers=self._headers(), timeout=60)

    def create_creator(self, handle: str, code: str, percent: str = "15", **extra) -> requests.Response:
        body = {
            "name": handle.title(),
            "handle": handle,
            "platform": "instagram",
            "commission_percent": "10",
            "discount": {"code": code, "percent_off": percent},
            **extra,
        }
        return self.post("/api/creators", body)


def finish_backfills(runtime, merchant: Merchant, seconds: float = 120) -> list[dict]:
    """Run queued jobs until every backfill run of the shop has finished; the runs, newest first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        runtime.jobs.drain()
        runs = merchant.get("/api/freshness").json()["backfills"]
        if runs and all(r["status"] in ("done", "failed") for r in runs) and runtime.jobs.depth() == 0:
            return runs
        time.sleep(0.2)
    raise AssertionError(f"backfills did not finish: {merchant.get('/api/freshness').json()['backfills']}")


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class LiveServer:
    """Serves a WSGI app on a random loopback port; the app may be attached after the port is known."""

    def __init__(self):
        self.app = None
        self._server = make_server("127.0.0.1", 0, self._dispatch, threaded=True, request_handler=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def _dispatch(self, environ, start_response):
        return self.app(environ, start_response)

    def stop(self):
        self._server.shutdown()


def app_totals_by_code(database, shop_domain: str) -> dict[str, dict]:
    """The app's stored facts per first discount code (upper-cased; "" = none), counted orders only
    (METRICS.md): what the stand-in's `/totals` reports as `by_code`, to compare to the cent."""
    with database.session() as session:
        shop_id = factories.shop_named(session, shop_domain).id
        orders = session.execute(
            select(Order.shopify_id, Order.signals, Order.revenue, Order.taxes_included).where(
                Order.shop_id == shop_id, Order.counted.is_(True)
            )
        ).all()
        refunds = session.execute(
            select(Refund.order_shopify_id, Refund.subtotal, Refund.line_tax).where(Refund.shop_id == shop_id)
        ).all()
    taxes = {oid: inc for oid, _, _, inc in orders}
    returns: dict[str, Decimal] = defaultdict(Decimal)
    for oid, subtotal, tax in refunds:
        if oid in taxes:
            returns[oid] += subtotal - (tax if taxes[oid] else 0)
    out: dict[str, dict] = defaultdict(lambda: {"orders": 0, "revenue": Decimal(0), "returns": Decimal(0)})
    for oid, signals, revenue, _ in orders:
        row = out[(json.loads(signals).get("codes") or [""])[0].strip().upper()]
        row["orders"] += 1
        row["revenue"] += revenue
        row["returns"] += returns.get(oid, Decimal(0))
    return dict(out)


def postgres_test_database(base_url: str) -> tuple[str, callable]:
    """A fresh database on the same server, dropped afterwards (isolation from other runs)."""
    name = f"roi_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        base_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base_url.rsplit("/", 1)[0] + "/" + name

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop
