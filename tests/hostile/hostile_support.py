"""Helpers of the hostile-input tests: the app served for a whole module, a digest of what the
database holds (to prove a refused request changed nothing), and Hypothesis settings sized so the
folder runs in well under a minute on SQLite.
"""

from __future__ import annotations

import hashlib
import os
import uuid

import requests
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, select
from support import LiveServer, install, session_token

from shopify_roi.config import Settings
from shopify_roi.db import Base

# Deterministic by default (CI must not flake); HOSTILE_EXAMPLES=500 explores more, locally.
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "0")) or None


def hostile_settings(max_examples: int):
    return settings(
        max_examples=EXAMPLES or max_examples,
        deadline=None,
        database=None,
        derandomize=EXAMPLES is None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


def truncate(database_url: str) -> None:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


class Stored:
    """A digest of every row of every table (or of all but some), to compare before and after."""

    def __init__(self, database_url: str):
        self.engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
        # Each table's rows in key order, compiled once: the hostile tests take two digests a probe.
        self._queries = [
            (
                table.name,
                str(select(table).order_by(*table.primary_key.columns).compile(dialect=self.engine.dialect)),
            )
            for table in Base.metadata.sorted_tables
        ]

    def digest(self, exclude: tuple[str, ...] = ()) -> str:
        """Every stored value as the database driver returns it, table by table in key order."""
        h = hashlib.sha256()
        with self.engine.connect() as conn:
            cursor = conn.connection.dbapi_connection.cursor()
            for name, query in self._queries:
                if name not in exclude:
                    cursor.execute(query)
                    h.update(name.encode() + repr(cursor.fetchall()).encode())
            cursor.close()
        return h.hexdigest()

    def rows(self, table: str, **where) -> list:
        t = Base.metadata.tables[table]
        query = select(t)
        for column, value in where.items():
            query = query.where(t.c[column] == value)
        with self.engine.connect() as conn:
            return [r._mapping for r in conn.execute(query).all()]


class HostileServer:
    """The app on a loopback port, with one installed shop, and helpers to talk to it as that shop."""

    def __init__(self, settings: Settings, stand_in, server: LiveServer | None = None):
        from shopify_roi.app import create_app

        self.server = server or LiveServer()
        self.url = self.server.url
        self.settings = settings.with_(app_url=self.url)
        self.server.app = self.app = create_app(self.settings, start_worker=False)
        self.runtime = self.app.extensions["shopify_roi"]
        self.stand_in = stand_in
        stand_in.set_app_url(self.url)
        self.stored = Stored(settings.database_url)
        self.shop = f"hostile-{uuid.uuid4().hex[:10]}.myshopify.com"
        stand_in.control.create_shop(
            self.shop,
            name="Hostile Shop",
            currency="EUR",
            timezone="Europe/Berlin",
            scopes="read_orders,write_discounts,read_customers",
        )
        assert install(self.url, self.shop).status_code == 302
        self.runtime.jobs.drain()  # the install's shop sync and backfill

    def token(self, shop: str | None = None) -> str:
        return session_token(shop or self.shop)

    def call(self, method: str, path: str, **kw) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token()}", **kw.pop("headers", {})}
        return requests.request(
            method, self.url + path, headers=headers, timeout=60, allow_redirects=False, **kw
        )

    def close(self) -> None:
        self.server.stop()
        self.runtime.jobs.queue.empty()
        self.runtime.close()
        self.stored.engine.dispose()
