"""Engine, session factory and the declarative Base (with a constraint naming convention).

The transaction style, followed everywhere:
- Views and jobs own the transaction: they open `Database.session()`, call a service, and the block
  commits on success or rolls back on error.
- Services take the session and flush, never commit: a caller can put several in one transaction.
- A batch job may commit per batch (the inbox drain, a backfill's flushes), so a failure costs one batch.
- A service that calls Shopify commits before the call and after it (it takes the `Database` and opens
  a session for each side): no transaction stays open across a network round trip, which may take
  seconds or minutes when Shopify throttles, holding row locks and a pooled connection all that time.
- Work that must not fail on a dead connection (the webhook inbox) runs through `Database.retrying`;
  the webhook path's single INSERT runs in `Database.autocommit` (no BEGIN/COMMIT round trips).
Many rows at once are written by db_rows.py; connections are checked and set up by db_connections.py.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import DateTime, MetaData, create_engine, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from shopify_roi import db_connections

log = logging.getLogger(__name__)
T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on both PostgreSQL and SQLite (which drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; timestamps are aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(database_url: str) -> Engine:
    """Create the engine; SQLite gets WAL, a busy timeout and foreign keys on. Errors carry no statement
    parameters (`hide_parameters`): they reach logs, and the values are orders' and customers'."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            database_url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True
        )
        db_connections.sqlite_transactions(engine)  # WAL, a busy timeout, foreign keys, real transactions
        return engine
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://") :]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    # No pool_pre_ping: its SELECT 1 is one more round trip on every checkout (a quarter of a webhook's
    # wall time). A pooled connection is checked without a round trip instead (db_connections.py),
    # connections are renewed after 30 minutes, and the webhook path retries once on a disconnect.
    engine = create_engine(
        database_url,
        pool_size=10,
        max_overflow=10,
        pool_recycle=db_connections.RECYCLE_SECONDS,
        hide_parameters=True,  # an error's message names no order's or customer's values (redaction.py)
    )
    db_connections.check_on_checkout(engine)
    event.listen(engine, "connect", db_connections.prefer_lz4)
    event.listen(engine, "connect", db_connections.custom_plans)
    return engine


class Database:
    """Holds the engine and the session factory of one app or worker process."""

    def __init__(self, database_url: str):
        self.url = database_url
        self.engine = make_engine(database_url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        reader = self.engine.execution_options(**{db_connections.SQLITE_BEGIN: "DEFERRED"})
        self.read_sessions = sessionmaker(reader, expire_on_commit=False)
        # The webhook path's idle autocommit connections (`autocommit`): (connection, created, last used).
        self._idle: list[tuple[Any, float, float]] = []
        # A forked child (gunicorn, RQ's forking worker) must not reuse the parent's connections.
        os.register_at_fork(after_in_child=self._forget_connections)

    def _forget_connections(self) -> None:
        self.engine.dispose(close=False)
        # The parent's sockets: never used here, and kept referenced, since a connection that is
        # garbage-collected says goodbye to the server on the socket the parent still uses.
        self._inherited, self._idle = self._idle, []

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session that only reads: on SQLite its transaction begins DEFERRED, reading a snapshot without
        waiting for a writer's lock (every other transaction there takes the lock when it begins:
        db_connections.sqlite_transactions); on PostgreSQL it is `session`. It must not write."""
        with self.read_sessions() as session, session.begin():
            yield session

    IDLE_AUTOCOMMIT_MAX = 8  # idle autocommit connections kept per process (gunicorn: a worker's threads)

    @contextmanager
    def autocommit(self) -> Iterator[Any]:
        """A connection in autocommit: each statement commits on its own, in one round trip (no BEGIN,
        no COMMIT). For the webhook path's one INSERT (services.inbox.receive).

        On PostgreSQL it is a psycopg connection of its own, kept in a small free list beside the
        pool (taking one is a list pop, no pool bookkeeping, no mode switch), checked as pooled ones
        are (db_connections.py: pinged only when the server wrote to it while idle or it idled longer
        than PING_IDLE_SECONDS) and renewed after RECYCLE_SECONDS. A disconnect raises a
        DBAPIError with `connection_invalidated` (see `retrying`). Elsewhere (SQLite) it is a Core
        Connection whose transaction commits when the block ends.
        """
        if self.engine.dialect.name != "postgresql":
            # SQLite: a transaction of its one statement (SQLAlchemy's AUTOCOMMIT would undo the BEGIN
            # that db_connections.sqlite_transactions takes over from pysqlite).
            with self.engine.begin() as conn:
                yield conn
            return
        dialect = self.engine.dialect
        conn, created = self._take_autocommit()
        try:
            yield conn
        except dialect.loaded_dbapi.Error as err:
            if dialect.is_disconnect(err, conn, None):
                # The server restarted or cut its connections: the idle ones are as dead as this one.
                idle, self._idle = self._idle, []
                for dead in [conn] + [c for c, _, _ in idle]:
                    dead.close()
                raise exc.DBAPIError.instance(
                    None, None, err, dialect.loaded_dbapi.Error, connection_invalidated=True, dialect=dialect
                ) from err
            self._give_back(conn, created)
            raise
        except BaseException:
            conn.close()  # interrupted mid-statement: its state is unknown
            raise
        self._give_back(conn, created)

    def _take_autocommit(self) -> tuple[Any, float]:
        now = time.monotonic()
        while True:
            try:
                conn, created, used = self._idle.pop()  # the most recently used: the warmest
            except IndexError:
                break
            if now - created > db_connections.RECYCLE_SECONDS or conn.closed or conn.broken:
                conn.close()
                continue
            if now - used > db_connections.PING_IDLE_SECONDS or db_connections.has_pending_input(conn):
                try:
                    self.engine.dialect.do_ping(conn)
                except self.engine.dialect.loaded_dbapi.Error:
                    log.info("an idle autocommit connection was dead; reconnecting")
                    conn.close()
                    continue
            return conn, created
        # A new connection, made by the engine (its connect events run), then kept out of the pool.
        pooled = self.engine.raw_connection()
        conn = pooled.driver_connection
        pooled.detach()
        conn.rollback()  # idle already, so no round trip (autocommit can only be set when idle)
        conn.autocommit = True
        return conn, now

    def _give_back(self, conn, created: float) -> None:
        if conn.closed or conn.broken or len(self._idle) >= self.IDLE_AUTOCOMMIT_MAX:
            conn.close()
        else:
            self._idle.append((conn, created, time.monotonic()))

    def retrying(self, work: Callable[[], T], attempts: int = 2) -> T:
        """`work()`, run again (up to `attempts` times in all) when it failed on a dead connection.

        Only for idempotent work: a statement whose connection died may or may not have committed.
        """
        for attempt in range(1, attempts + 1):
            try:
                return work()
            except exc.DBAPIError as error:
                if attempt == attempts or not db_connections.is_disconnect(error):
                    raise
                log.warning(
                    "database connection lost (%s); retrying on a new connection",
                    error.orig.__class__.__name__,
                )
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        idle, self._idle = self._idle, []
        for conn, _, _ in idle:
            conn.close()
        self.engine.dispose()
