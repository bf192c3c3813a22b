"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when DATABASE_URL names it), the
queue (fakeredis, or Redis when REDIS_URL names it), the Shopify stand-in and the app, both
served over real HTTP on loopback ports.
"""

from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from sqlalchemy import create_engine
from support import API_KEY, API_SECRET, LiveServer, app_settings, postgres_test_database

from devstore.config import DevstoreConfig
from devstore.testing import DevstoreServer
from shopify_roi.db import Base
from shopify_roi.migrate import upgrade

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# -- no test may reach beyond this machine --------------------------------------------------
_real_connect = socket.socket.connect


def _loopback_only(self, address):
    if isinstance(address, tuple) and address and isinstance(address[0], str):
        host = address[0]
        if not (host.startswith("127.") or host in ("::1", "localhost")):
            raise OSError(f"tests may only use loopback, not {host}")
    return _real_connect(self, address)


socket.socket.connect = _loopback_only


def pytest_configure(config):
    config.addinivalue_line("filterwarnings", "ignore::jwt.warnings.InsecureKeyLengthWarning")


# The longest test files, longest first (from --durations on PostgreSQL and on SQLite, 2026-12-07). With
# pytest-xdist's --dist loadfile, files go to the workers in collection order when the Makefile's
# --no-loadscope-reorder is given (by default pytest-xdist sorts files by their number of tests, which put
# the 5-test file of the 20,000-order reconciliation near the end, so that it ran alone for minutes while
# the other workers idled). Starting these first keeps any of them from running alone at the end. Order
# only; every test still runs.
LONGEST_FIRST = (
    "integration/test_backfill.py",  # the 20,000-order reconciliation on PostgreSQL (~550 s there)
    "faults/test_fault_storm.py",
    "browser/test_merchant_tour.py",  # builds the demo shop (the only module that does; SQLite pass only)
    "hostile/test_api_inputs.py",  # every route of the URL map, each with hostile bodies
    "browser/test_roi_page.py",
    "browser/test_accessibility.py",
    "hostile/test_webhook_inputs.py",
    "faults/test_worker_killed_and_redis_restarted.py",
    "integration/test_creator_import.py",
    "integration/test_creator_marketing.py",
    "integration/test_demo_shop.py",
    "browser/test_marketing_feature.py",
    "hostile/test_privacy.py",
    "integration/test_creator_metafields.py",
    "hostile/test_fuzz_deliveries.py",
    "integration/test_metrics.py",
    "browser/test_web_vitals.py",
    "browser/test_embedded_app_bridge.py",
)


def pytest_collection_modifyitems(session, config, items):
    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0].removeprefix("tests/")
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order within a file, and of the other files, is unchanged


# -- database ---------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        base = base.replace("postgres://", "postgresql://", 1)
        url, drop = postgres_test_database(base)
    else:
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}", (lambda: None)
    upgrade(url)  # schema from migrations, never create_all
    yield url
    drop()


@pytest.fixture(scope="session")
def redis_url():
    """REDIS_URL, with its own database per pytest-xdist worker (gw0 → 1, gw1 → 2, …): the workers' queues,
    rate limits and locks never meet."""
    url = os.environ.get("REDIS_URL", "")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if url and worker.startswith("gw"):
        parts = urlsplit(url)
        url = urlunsplit(parts._replace(path=f"/{1 + int(worker[2:]) % 15}"))
    return url


@pytest.fixture
def clean_db(database_url):
    yield database_url
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


# -- stand-in and app -------------------------------------------------------------------------
@pytest.fixture(scope="session")
def stand_in():
    config = DevstoreConfig(
        api_key=API_KEY,
        api_secret=API_SECRET,
        app_url="http://127.0.0.1:9",
        app_toml=os.path.join(ROOT, "shopify.app.toml"),
    )
    with DevstoreServer(config) as server:
        yield server


@pytest.fixture
def settings(clean_db, redis_url, stand_in):
    return app_settings(clean_db, redis_url, stand_in.origin_template)


@pytest.fixture
def app_server(settings, stand_in):
    """The app served over HTTP, with the stand-in's redirects and webhooks pointed at it."""
    from shopify_roi.app import create_app

    server = LiveServer()
    settings = settings.with_(app_url=server.url)
    server.app = create_app(settings, start_worker=False)
    server.runtime = server.app.extensions["shopify_roi"]
    stand_in.set_app_url(server.url)
    yield server
    server.stop()
    server.runtime.jobs.queue.empty()
    server.runtime.close()


@pytest.fixture
def runtime(app_server):
    return app_server.runtime


@pytest.fixture
def shop_domain(stand_in, request):
    """A fresh shop on the stand-in (each test gets its own).

    Afterwards, every GraphQL operation the app sent to it must have passed the Admin schema's
    validation (tests that send invalid ones on purpose use the `sends_invalid_graphql` marker).
    """
    domain = f"shop-{uuid.uuid4().hex[:10]}.myshopify.com"
    stand_in.control.create_shop(
        domain,
        name="Test Shop",
        currency="EUR",
        timezone="Europe/Berlin",
        scopes="read_orders,write_discounts,read_customers",
    )
    yield domain
    if request.node.get_closest_marker("sends_invalid_graphql") is None:
        invalid = [e for e in stand_in.control.graphql_log(domain) if not e["valid"]]
        assert invalid == [], f"the app sent operations the Admin schema rejects: {invalid}"


@pytest.fixture
def http():
    return requests.Session()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium through Playwright, one per test process (a second sync Playwright in the
    same process fails: "Sync API inside the asyncio loop")."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed here (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
